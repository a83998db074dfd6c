/**
 * The `jujulib` client profile: a deployment script written the way users of the real
 * @canonical/jujulib 9.1.0 write one (its README and examples): connect with `wsclass: WebSocket`,
 * log in, WatchAll, loop on AllWatcher.Next applying deltas, and for each deployment call
 * Application.Deploy and wait until the watcher shows every unit active. Like the library's users,
 * it does not reconnect, ping or re-create its watcher; an exception from the library (a refused
 * call, a failed connect) ends the script. What the library does when the socket closes is the
 * library's own: pending calls never settle, later calls reject at once.
 *
 * It needs a real socket (env.url), so it runs on the process and external targets only.
 * Calls are recorded as call / return around the library's promises, so a call the library never
 * settles stays without a return in the history, as it stays in the script.
 */
import type { Connection, ConnectOptions } from '@canonical/jujulib';
import type AllWatcherV3 from '@canonical/jujulib/dist/api/facades/all-watcher/AllWatcherV3.js';
import type ApplicationV19 from '@canonical/jujulib/dist/api/facades/application/ApplicationV19.js';
import type ClientV8 from '@canonical/jujulib/dist/api/facades/client/ClientV8.js';
import type { WebSocket } from 'ws';
import type { TimerHandle } from '../clock.ts';
import { isLongPoll } from '../controller/api-types.ts';
import type { Outcome } from '../history.ts';
import type { Client, ClientEnv, ClientProfile } from './client.ts';
import { WatcherView } from './watcher-view.ts';
import { deployCharmUrl } from '../plan.ts';
import { UsageError } from '../errors.ts';

type WebSocketClass = NonNullable<ConnectOptions['wsclass']>;

/**
 * The library, loaded on first use: it costs ~200 ms to import, which every CLI start (and every
 * sim run) would pay otherwise. `facades` are the ones a script asks for, as the library's README
 * does: generic, and the library picks the version the server advertises. `wsclass(ca)` is the
 * socket class to connect with (quietWebSocket): `ws` too loads only here, as every sim worker
 * thread loads this module with the client profiles, and importing `ws` from ESM has Node scan
 * its CommonJS files, a few hundred ms of CPU per thread on a loaded machine for sockets the sim
 * never opens.
 */
let library:
  | Promise<{
      connect: typeof import('@canonical/jujulib').connect;
      facades: NonNullable<ConnectOptions['facades']>;
      wsclass: (ca?: string) => WebSocketClass;
    }>
  | undefined;

export function loadJujulib(): NonNullable<typeof library> {
  library ??= (async () => {
    const [lib, ws, allWatcher, application, client, modelUpgrader, pinger] = await Promise.all([
      import('@canonical/jujulib'),
      import('ws'),
      import('@canonical/jujulib/dist/api/facades/all-watcher/index.js'),
      import('@canonical/jujulib/dist/api/facades/application/index.js'),
      import('@canonical/jujulib/dist/api/facades/client/index.js'),
      import('@canonical/jujulib/dist/api/facades/model-upgrader/index.js'),
      import('@canonical/jujulib/dist/api/facades/pinger/index.js'),
    ]);
    let plain: WebSocketClass | undefined;
    return {
      connect: lib.connect,
      facades: [allWatcher.default, application.default, client.default, modelUpgrader.default, pinger.default],
      wsclass: (ca) => (ca === undefined ? (plain ??= quietWebSocket(ws.WebSocket)) : quietWebSocket(ws.WebSocket, ca)),
    };
  })();
  return library;
}

/**
 * `ws`'s WebSocket, except that the library's `onerror` handler is not installed: it prints the
 * whole error event with console.log on every refused connection. The library learns of the
 * failure from onclose all the same. `ca`: the CA a wss:// controller is verified with (the library
 * constructs the socket from the URL alone, so the CA travels in the class).
 */
function quietWebSocket(base: typeof WebSocket, ca?: string): WebSocketClass {
  class QuietWebSocket extends base {
    constructor(url: string) {
      super(url, { perMessageDeflate: false, ...(ca !== undefined ? { ca } : {}) });
      this.on('error', () => {});
      Object.defineProperty(this, 'onerror', { get: () => null, set: () => {}, configurable: true });
    }
  }
  return QuietWebSocket as unknown as WebSocketClass;
}

interface DeployOp {
  app: string;
  units: number;
  accepted: boolean;
  deadline: TimerHandle;
}

export class JujulibClient implements Client {
  private conn: Connection | undefined;
  private state: 'idle' | 'connecting' | 'ready' | 'dead' = 'idle';
  private opened = false;
  private closed = false;
  private stopped = false;
  private watching = false;
  /** Why the script died (an exception out of the library), if it did. */
  private death: string | undefined;
  private readonly viewState = new WatcherView();
  private readonly ops = new Map<number, DeployOp>();
  private nextOp = 1;
  private nextCall = 1;

  private readonly url: string;

  constructor(private readonly env: ClientEnv) {
    if (!env.url)
      throw new UsageError('the jujulib client needs a real socket: use --target process, container or external');
    this.url = env.url;
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'connecting';
    void this.main().catch((e: unknown) => this.die(e));
  }

  deploy(app: string, units: number): void {
    const op = this.nextOp++;
    this.env.history.record({ type: 'invoke', client: this.env.name, op, f: 'deploy', value: { app, units } });
    const deadline = this.env.clock.after(this.env.deployDeadlineMs, () =>
      this.finish(op, 'fail', 'deadline exceeded'),
    );
    this.ops.set(op, { app, units, accepted: false, deadline });
    if (this.state === 'dead') this.finish(op, 'fail', this.death ?? 'the script has ended');
    else if (this.state === 'ready') void this.sendDeploy(op);
  }

  settled(): boolean {
    return this.ops.size === 0 && (this.watching || this.state === 'dead' || this.closed);
  }

  view(): { watching: boolean; view: ReturnType<WatcherView['snapshot']> } {
    return { watching: this.watching && !this.closed, view: this.viewState.snapshot() };
  }

  stop(): void {
    this.stopped = true;
    for (const op of this.ops.values()) op.deadline.cancel();
    this.conn?.transport.close();
  }

  /** The script: connect, log in, watch, and keep applying deltas. */
  private async main(): Promise<void> {
    const { connect, facades, wsclass } = await loadJujulib();
    const juju = await connect(this.url, {
      facades,
      wsclass: wsclass(this.env.tls?.caCert),
      closeCallback: () => this.onClose(),
    });
    this.opened = true;
    this.env.history.record({ type: 'client-conn', client: this.env.name, conn: 1, state: 'open' });
    const { username, password } = this.env.credentials;
    const conn = await this.recorded('Admin', 'Login', () => juju.login({ username, password }));
    if (!conn) throw new Error('login returned no connection');
    this.conn = conn;
    this.state = 'ready';
    for (const [op, entry] of this.ops) if (!entry.accepted) void this.sendDeploy(op);

    const client = conn.facades['client'] as ClientV8;
    const allWatcher = conn.facades['allWatcher'] as AllWatcherV3;
    const watch = await this.recorded('Client', 'WatchAll', () => client.watchAll({}));
    const id = String((watch as { 'watcher-id'?: unknown })['watcher-id'] ?? '');
    this.watching = true;
    for (;;) {
      const { deltas } = await this.recorded('AllWatcher', 'Next', () => allWatcher.next({ id }));
      this.viewState.apply(deltas);
      this.checkOps();
    }
  }

  private async sendDeploy(op: number): Promise<void> {
    const entry = this.ops.get(op);
    const application = this.conn?.facades['application'] as ApplicationV19 | undefined;
    if (!entry || !application) return;
    entry.accepted = true; // sent: a second send would only collide
    try {
      const result = await this.recorded('Application', 'Deploy', () =>
        application.deploy({
          applications: [
            {
              application: entry.app,
              'charm-url': deployCharmUrl(entry.app, this.env.charmSource),
              'num-units': entry.units,
              Force: false,
              channel: '',
              'config-yaml': '',
              constraints: {},
            },
          ],
        }),
      );
      const error = result.results?.[0]?.error;
      if (error) this.finish(op, 'fail', error.message);
      else this.checkOps();
    } catch (e) {
      this.finish(op, 'fail', (e as Error).message);
    }
  }

  /** A deploy is done when the watcher shows all its units active; failed on a unit in error. */
  private checkOps(): void {
    for (const [op, entry] of [...this.ops]) {
      if (!entry.accepted) continue;
      const units = this.viewState.units(entry.app);
      if (!units) continue;
      const statuses = [...units.values()];
      if (statuses.includes('error')) this.finish(op, 'fail', `a unit of ${entry.app} is in error`);
      else if (statuses.length >= entry.units && statuses.every((s) => s === 'active')) this.finish(op, 'ok');
    }
  }

  /** The script threw: its watcher is gone and nothing it was doing will complete. */
  private die(e: unknown): void {
    if (this.stopped) return;
    this.death = (e as Error).message;
    this.state = 'dead';
    this.watching = false;
    for (const op of [...this.ops.keys()]) this.finish(op, 'fail', this.death);
  }

  private onClose(): void {
    if (this.closed || this.stopped) return;
    this.closed = true;
    this.watching = false;
    if (this.opened) {
      this.env.history.record({ type: 'client-conn', client: this.env.name, conn: 1, state: 'closed' });
    }
  }

  private finish(op: number, outcome: 'ok' | 'fail', error?: string): void {
    const entry = this.ops.get(op);
    if (!entry || this.stopped) return;
    this.ops.delete(op);
    entry.deadline.cancel();
    this.env.history.record({
      type: outcome,
      client: this.env.name,
      op,
      f: 'deploy',
      ...(error !== undefined ? { error } : {}),
    });
  }

  /** Records a library call as call, then return when (if ever) its promise settles. */
  private async recorded<T>(facade: string, method: string, call: () => Promise<T>): Promise<T> {
    const n = this.nextCall++;
    const { history, name } = this.env;
    history.record({
      type: 'call',
      client: name,
      conn: 1,
      call: n,
      facade,
      method,
      longPoll: isLongPoll(facade, method),
    });
    const settle = (outcome: Outcome, error?: string): void => {
      if (this.stopped) return;
      history.record({
        type: 'return',
        client: name,
        conn: 1,
        call: n,
        outcome,
        ...(error !== undefined ? { error } : {}),
      });
    };
    try {
      const result = await call();
      settle('ok');
      return result;
    } catch (e) {
      const message = (e as Error).message;
      // The library rejects calls on a socket that is not open with "connection state N is not open".
      settle(/connection state \d is not open/.test(message) ? 'closed' : 'error', message);
      throw e;
    }
  }
}

export const jujulibProfile: ClientProfile = {
  name: 'jujulib',
  realSocketsOnly: true,
  summary:
    'a script on the real @canonical/jujulib 9.1.0, as its users write it: no ping, no reconnect, no re-watch; real sockets only',
  prepare: async () => void (await loadJujulib()),
  create: (env) => new JujulibClient(env),
};
