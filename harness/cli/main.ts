/**
 * The command line: `upgrade-chaos run | replay | scenarios | qualify | controller`.
 * Exit codes (DESIGN.md): 0 every property held; 1 a property was violated; 2 bad usage or input;
 * 3 the target or its infrastructure failed; 130 interrupted.
 */
import { createLogger, LOG_LEVELS, type LogLevel } from '../log.ts';
import { replayCommand } from './replay-command.ts';
import { runCommand, type CommandIO } from './run-command.ts';
import { qualifyCommand } from './qualify-command.ts';
import { scenariosCommand } from './scenarios-command.ts';
import { controllerCommand } from './controller-command.ts';
import { reportCommand } from './report-command.ts';
import { showCommand } from './show-command.ts';
import { DEFAULT_STRATEGY, STRATEGY_NAMES } from '../strategies/names.ts';
import { NondeterminismError, TargetError, UsageError } from '../errors.ts';

const USAGE = `usage: upgrade-chaos <command> [flags]
  run        [--scenario NAME|FILE.json] [--runs N] [--seed S] [--controller P] [--client P] [--property NAME]...
             [--max-events N] [--strategy S] [--time-limit SECONDS] [--check-determinism] [--shard I/N]
             [--out DIR | --report DIR] [--corpus FILE | --no-corpus] [--json] [TARGET FLAGS]
  replay     --scenario NAME --seed S --path P [--property NAME] [--strategy S] | FILE   [--repeat N] [--json]
             [--report DIR] [TARGET FLAGS]
  show       FILE    a saved failure's plan and timeline, without running it
  scenarios  [--json]
  qualify    [--scenario NAME]... [--runs N] [--seed S] [--strategy S] [--max-events N] [--compare OLD,NEW] [--json]
             [--shard I/N] [--out DIR | --report DIR] [TARGET FLAGS]
  report merge DIR... --out DIR   merge the report folders of the shards of one run
  controller [--port 17070] [--controller juju-1.24] [--username U --password P] [--time-scale X]
             a controller server for your own client; stdin takes: publish V, upgrade [V], restart, status
target flags: --target sim|process|external (default sim) [--time-scale X] [--client-cmd "COMMAND"]
             [--url ws://HOST:PORT/model/UUID/api --username U --password P] (external)
strategies: ${STRATEGY_NAMES.join(', ')} (default ${DEFAULT_STRATEGY})
common flags: --log-level ${LOG_LEVELS.join('|')}`;

type Command = (argv: string[], io: CommandIO) => number | Promise<number>;

const COMMANDS: Record<string, Command> = {
  run: runCommand,
  replay: replayCommand,
  scenarios: scenariosCommand,
  qualify: qualifyCommand,
  controller: (argv) => controllerCommand(argv),
  show: showCommand,
  report: reportCommand,
};

function logLevel(argv: string[]): LogLevel {
  const i = argv.indexOf('--log-level');
  const value = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--log-level='))?.slice('--log-level='.length);
  if (value === undefined) return 'warn';
  if (!(LOG_LEVELS as readonly string[]).includes(value))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  return value as LogLevel;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(USAGE + '\n');
      return name === undefined ? 2 : 0;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command "${name}" (known: ${Object.keys(COMMANDS).join(', ')})`);
    const io: CommandIO = {
      out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
      log: createLogger(logLevel(rest)),
    };
    return await command(rest, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof TargetError || e instanceof NondeterminismError) {
      const prefix = e instanceof TargetError ? 'target failed: ' : '';
      process.stderr.write(`upgrade-chaos: ${prefix}${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}
