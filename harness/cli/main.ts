/**
 * The command line: `upgrade-chaos run | replay | show | scenarios | qualify | report merge | controller`.
 * Exit codes (DESIGN.md): 0 every property held; 1 a property was violated; 2 bad usage or input;
 * 3 the target or its infrastructure failed; 130 interrupted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.ts';
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

/** Each command's usage, printed by `upgrade-chaos COMMAND --help`; all of them by `--help`. */
const COMMAND_USAGE: Record<string, string> = {
  run: `run        [--scenario NAME|FILE.json] [--runs N] [--seed S] [--controller P] [--client P] [--property NAME]...
             [--max-events N] [--strategy S] [--time-limit SECONDS] [--check-determinism] [--coverage] [--workers N] [--stop-on-failure]
             [--shard I/N] [--out DIR | --report DIR] [--corpus FILE | --no-corpus] [--json] [TARGET FLAGS]
             explores a scenario (or, with no --scenario, every built-in one against its expectations);
             --runs 1000 on the sim, 50 on a real target; --seed drawn and printed when not given;
             results in upgrade-chaos-results/<scenario>/<start time>/ unless --out or --report says;
             --stop-on-failure: no case after the first failing one (in case order), then shrink it`,
  replay: `replay     --scenario NAME|FILE.json --seed S --path P [--property NAME]... [--controller P] [--client P]
             [--max-events N] [--strategy S]   or   FAILURE-FILE
             [--repeat N] [--report DIR] [--json] [--full] [TARGET FLAGS]
             runs one case again: the one at --seed/--path, or the one a failure file saved; prints a vitest test`,
  show: `show       [--full] FILE
             prints a saved failure's plan, violations and timeline without running anything
             (--full: every line of the timeline, not only those around the violations)`,
  scenarios: `scenarios  [--json]
             lists the scenarios, the controller and client profiles, and the expected verdicts`,
  qualify: `qualify    [--scenario NAME]... [--runs N] [--seed S] [--strategy S] [--max-events N] [--workers N] [--compare OLD,NEW]
             [--stop-on-failure] [--shard I/N] [--out DIR | --report DIR] [--json] [TARGET FLAGS but --client-cmd: qualify judges its own clients]
             the scenario × property matrix of a release, expected against observed;
             --stop-on-failure: in each scenario, no case after its first failing one (in case order), then shrink it`,
  report: `report merge DIR... --out DIR
             merges the report folders of the shards of one run (run/qualify --shard I/N --report DIR)`,
  controller: `controller [--port 17070] [--controller juju-1.24] [--username U --password P] [--time-scale X]
             [--tls [--tls-port N]]
             a controller server for your own client; stdin takes: publish V, upgrade [V], restart, status;
             --tls also serves wss:// (and prints the CA file), as python-libjuju needs`,
};

/** What TARGET FLAGS and --strategy stand for: said only for the commands that take them. */
const TARGET_FOOTER = `target flags: --target sim|process|container|external (default sim)
             [--time-scale X] [--client-cmd "COMMAND"] [--concurrency N] (process, container, external)
             [--tls] (process, container: clients dial wss://) [--image NAME] (container: a prebuilt controller image)
             [--url ws://HOST:PORT/model/UUID/api --username U --password P] (external)
             [--shrink-time SECONDS] (run, qualify on a real target: shrinking there per property, default 120 or 8 runs as long as the failing one, at most 600)
strategies: ${STRATEGY_NAMES.join(', ')} (default ${DEFAULT_STRATEGY})`;
const TARGET_COMMANDS: ReadonlySet<string> = new Set(['run', 'replay', 'qualify']);

const FOOTER = `common flags: --log-level ${LOG_LEVELS.join('|')}, --help, --version
exit codes: 0 held (or NO VERDICT: no run completed), 1 violated (or INCONCLUSIVE: a property judged in no run),
            2 bad usage or input, 3 target failed, 130 interrupted`;

function usage(command?: string): string {
  const commands = command !== undefined ? [command] : Object.keys(COMMAND_USAGE);
  const lines = commands.map((c) => `  ${COMMAND_USAGE[c] ?? c}`).join('\n');
  const targets = commands.some((c) => TARGET_COMMANDS.has(c)) ? `${TARGET_FOOTER}\n` : '';
  return `usage: upgrade-chaos ${command ?? '<command>'} [flags]\n${lines}\n${targets}${FOOTER}`;
}

function version(): string {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

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
      process.stdout.write(usage() + '\n');
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-v' || rest.includes('--version')) {
      process.stdout.write(version() + '\n');
      return 0;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command "${name}" (known: ${Object.keys(COMMANDS).join(', ')})`);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(usage(name) + '\n');
      return 0;
    }
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
