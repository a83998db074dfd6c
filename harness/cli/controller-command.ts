/**
 * `upgrade-chaos controller --port 17070 --controller juju-1.24 [--username U --password P] [--tls]`:
 * the controller server for a person. It bootstraps at once (so a Juju 1.2x profile upgrades
 * itself within the first minute, as in the bug report), prints the model URL and credentials,
 * prints the controller's lifecycle as it happens, and takes commands on stdin. With --tls it
 * prints the wss:// model URL (what python-libjuju dials), the CA file and the CA certificate.
 * Commands:
 *   publish VERSION | upgrade [VERSION] [--upload-tools] | restart | bootstrap | reset | status | help | quit
 * The same actions are on the admin endpoint (harness/wire/admin.ts) for scripts.
 */
import { createInterface } from 'node:readline';
import { isVersion } from '../controller/version.ts';
import type { HistoryRecord } from '../history.ts';
import { formatMs } from '../plan.ts';
import { ControllerServer } from '../wire/server.ts';
import { parseServerFlags } from '../wire/server-flags.ts';
import { INTERRUPTED_EXIT_CODE, TargetError } from '../errors.ts';

export interface ControllerCommandIO {
  out: (line: string) => void;
  input: NodeJS.ReadableStream;
  /** Resolves when the command is interrupted (default: SIGINT or SIGTERM); it then returns 130. */
  stopSignal?: Promise<void>;
}

const HELP =
  'commands: publish VERSION | upgrade [VERSION] [--upload-tools] | restart | bootstrap | reset | status | help | quit';

/** Records a person wants to see scroll by; requests and hooks would drown them. */
const SHOWN: ReadonlySet<HistoryRecord['type']> = new Set([
  'bootstrap',
  'upgrade-requested',
  'upgrade-pending',
  'download',
  'agent-down',
  'agent-up',
  'version',
  'upgrade-steps',
  'upgrade-end',
  'conn-open',
  'conn-close',
  'login',
]);

/** Runs until quit (exit 0) or an interrupt (exit 130, as every command). Throws UsageError for bad flags, TargetError when it cannot listen. */
export async function controllerCommand(argv: string[], io: ControllerCommandIO = defaultIO()): Promise<number> {
  const flags = parseServerFlags(argv, { port: 17070, controller: 'juju-1.24' });
  const onRecord = (r: HistoryRecord): void => {
    if (SHOWN.has(r.type)) io.out(`  [t=${formatMs(r.t)}] ${describeRecord(r)}`);
  };
  let server: ControllerServer;
  try {
    server = await ControllerServer.start({ ...flags.options, onRecord });
  } catch (e) {
    throw new TargetError(`cannot listen on 127.0.0.1:${flags.options.port}: ${(e as Error).message}`);
  }
  const { username, password } = flags.options.credentials;
  io.out(`upgrade-chaos controller (${flags.options.profile.name}: ${flags.options.profile.summary})`);
  if (server.tlsModelUrl !== undefined) {
    io.out(`model URL:  ${server.tlsModelUrl}`);
    io.out(`controller: wss://127.0.0.1:${server.tlsPort}/api`);
    io.out(`CA file:    ${server.caCertFile}`);
    io.out(`plain ws:   ${server.modelUrl}`);
  } else {
    io.out(`model URL:  ${server.modelUrl}`);
    io.out(`controller: ws://127.0.0.1:${server.port}/api`);
  }
  io.out(`username:   ${username}`);
  io.out(`password:   ${password}`);
  io.out(`admin:      http://127.0.0.1:${server.port}/admin/{status,history,bootstrap,publish,upgrade,restart,reset}`);
  io.out(
    `sessions:   POST http://127.0.0.1:${server.port}/admin/sessions opens another model (see harness/wire/admin.ts)`,
  );
  if (server.caCert !== undefined) io.out(`CA certificate:\n${server.caCert.trim()}`);
  io.out(HELP);
  if (flags.bootstrap) server.current.controller.bootstrap();
  await server.settled();

  const lines = createInterface({ input: io.input, terminal: false });
  const quit = new Promise<'quit'>((resolve) => {
    lines.on('line', (line) => {
      if (runLine(server, line.trim(), io.out) === 'quit') resolve('quit');
    });
  });
  const interrupted = (io.stopSignal ?? signalled()).then(() => 'interrupted' as const);
  const how = await Promise.race([quit, interrupted]);
  lines.close();
  await server.close();
  return how === 'quit' ? 0 : INTERRUPTED_EXIT_CODE;
}

function runLine(server: ControllerServer, line: string, out: (line: string) => void): 'quit' | undefined {
  const [word = '', ...rest] = line.split(/\s+/);
  const c = server.current.controller;
  switch (word) {
    case '':
      return undefined;
    case 'quit':
    case 'exit':
      return 'quit';
    case 'help':
      out(HELP);
      return undefined;
    case 'status':
      out(JSON.stringify(server.current.status()));
      return undefined;
    case 'bootstrap':
      out(c.bootstrap() ? 'bootstrapped' : 'already bootstrapped');
      return undefined;
    case 'restart':
      out(c.restart() ? 'agent restarting' : 'agent is not up');
      return undefined;
    case 'reset':
      server.reset({}).controller.bootstrap();
      out('fresh controller bootstrapped (every connection dropped)');
      return undefined;
    case 'publish': {
      const version = rest[0];
      if (!version || !isVersion(version)) out('usage: publish VERSION (e.g. publish 1.24.3)');
      else out(c.publish(version) ? `published ${version}` : `${version} already in the streams`);
      return undefined;
    }
    case 'upgrade': {
      const uploadTools = rest.includes('--upload-tools');
      const version = rest.find((a) => a !== '--upload-tools');
      if (version !== undefined && !isVersion(version)) {
        out('usage: upgrade [VERSION] [--upload-tools]');
        return undefined;
      }
      const result = c.requestUpgrade({ ...(version ? { version } : {}), ...(uploadTools ? { uploadTools } : {}) });
      out(result.ok ? `upgrading to ${result.chosen}` : `upgrade refused: ${result.error}`);
      return undefined;
    }
    default:
      out(`unknown command "${word}"; ${HELP}`);
      return undefined;
  }
}

function describeRecord(r: HistoryRecord): string {
  const { t: _t, type, ...rest } = r;
  return `${type} ${JSON.stringify(rest)}`;
}

function signalled(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

function defaultIO(): ControllerCommandIO {
  return { out: (line) => process.stdout.write(`${line}\n`), input: process.stdin };
}
