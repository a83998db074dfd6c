/**
 * The external target (`--target external --url ws://... --username U --password P`): a controller
 * the harness did not start, e.g. a real Juju in a lab. Only what its API allows is applied:
 * `upgrade` (ModelUpgrader.UpgradeModel), `deploy` (through the clients), and `disconnect` /
 * `partition` (through a local fault proxy in front of the URL). `bootstrap` starts the clients
 * (the controller is already up); `publish`, `restart` and `upgrade --upload-tools` are recorded
 * as not applied.
 *
 * It sees no controller-side records, so the properties judge it from client-side records and the
 * final model (read with Client.FullStatus at quiescence):
 * - deployments-complete: fully (client invoke / ok / fail and the final model);
 * - requests-settle: fully (client call / return and operations);
 * - watchers-resume: only its second rule (each client's view against the final model); the first
 *   needs the controller's watcher and connection records;
 * - no-work-before-upgrade, no-lost-work, no-surprise-upgrade, version-as-tested (when a tested
 *   version is declared), watcher-lifecycle, agent-lifecycle, upgrade-sequence: nothing to judge
 *   (they read controller records), so they say unknown rather than hold vacuously.
 */
import { RealScheduler } from '../clock.ts';
import { CallCounter, RpcConnection, type RpcResult } from '../clients/connection.ts';
import type { CommandOutput } from '../clients/command-client.ts';
import type { Credentials } from '../controller/api-types.ts';
import { facadeVersion } from '../controller/api-types.ts';
import type { UpgradeRequest } from '../controller/api-types.ts';
import { Recorder, type HistoryRecord, type ModelView } from '../history.ts';
import type { Plan } from '../plan.ts';
import { APP_NAMES } from '../arbitraries.ts';
import type { RunConfig } from '../run-config.ts';
import { wsDialer } from '../wire/ws-dialer.ts';
import type { ActionOutcome, ControllerBackend, ControllerSnapshot } from './live/backend.ts';
import { ProxyPool } from './live/proxies.ts';
import { runLive } from './live/run.ts';
import type { RunArtifacts, RunHooks, Target } from './target.ts';
import { TargetError, UsageError } from '../errors.ts';

export interface ExternalTargetOptions {
  url: string;
  username: string;
  password: string;
  /** Real time per model millisecond: 1 (default) plays the plan at its own pace, as a real controller needs. */
  timeScale?: number;
  clientCommand?: string;
}

/** Real milliseconds the harness's own API calls (upgrade, status) may take. */
const CALL_TIMEOUT_MS = 10_000;
/** Real milliseconds the model may take to let go of the applications of earlier runs. */
const CLEAR_TIMEOUT_MS = 300_000;
/** Real milliseconds between two looks at the model while its applications go. */
const CLEAR_POLL_MS = 1_000;
/** The applications a plan deploys (mysql, mysql-2, ...): the harness's in any model it is given. */
const HARNESS_APP = new RegExp(`^(${APP_NAMES.join('|')})(-\\d+)?$`);

type Call = (facade: string, method: string, params?: Record<string, unknown>) => Promise<Record<string, unknown>>;

class ExternalBackend implements ControllerBackend {
  readonly host: string;
  readonly upBeforeBootstrap = true;
  readonly port: number;
  private readonly path: string;
  private readonly modelTag: string;
  private checked = false;

  constructor(
    private readonly url: URL,
    readonly credentials: Credentials,
  ) {
    this.host = url.hostname;
    this.port = Number(url.port || (url.protocol === 'wss:' ? 443 : 80));
    this.path = `${url.pathname}${url.search}`;
    this.modelTag = `model-${/\/model\/([^/]+)\/api/.exec(url.pathname)?.[1] ?? ''}`;
  }

  modelPath(): string {
    return this.path;
  }

  async begin(): Promise<void> {
    if (this.checked) return;
    await this.api(async () => ({})); // reachable, and the credentials work
    this.checked = true;
  }

  /**
   * Before a run: removes the applications earlier runs left (a plan's names only, see HARNESS_APP;
   * anything else in the model is the user's and stays) and waits until the model no longer lists
   * them, saying so every few seconds. A run that found them would wait on them to its deadline.
   */
  async clearModel(hooks: RunHooks = {}): Promise<void> {
    const start = performance.now();
    let asked = false;
    for (let left = await this.harnessApplications(); left.length > 0; left = await this.harnessApplications()) {
      hooks.signal?.throwIfAborted();
      const waitedMs = performance.now() - start;
      if (waitedMs > CLEAR_TIMEOUT_MS)
        throw new TargetError(
          `external target: the model still holds ${left.join(', ')} from earlier runs after ${CLEAR_TIMEOUT_MS / 1000} s: ` +
            'remove them (juju remove-application --force) or give the harness a model of its own',
        );
      if (!asked) await this.destroyApplications(left);
      asked = true;
      hooks.onStatus?.(`removing ${left.join(', ')} left by earlier runs (${Math.round(waitedMs / 1000)} s)`);
      await new Promise((resolve) => setTimeout(resolve, CLEAR_POLL_MS));
    }
  }

  /** After a run, whatever it ended: asks the model to remove what the run deployed, as a user's
   *  teardown would (the next run's clearModel waits until it is gone). */
  async end(): Promise<void> {
    const left = await this.harnessApplications();
    if (left.length > 0) await this.destroyApplications(left);
  }

  private async harnessApplications(): Promise<string[]> {
    const status = await this.api((call) => call('Client', 'FullStatus'));
    return Object.keys((status['applications'] ?? {}) as object).filter((name) => HARNESS_APP.test(name));
  }

  /** Application.DestroyApplication for each: refused ones (already dying) are left to finish. */
  private async destroyApplications(names: string[]): Promise<void> {
    const applications = names.map((name) => ({ 'application-tag': `application-${name}`, 'destroy-storage': true }));
    await this.api((call) => call('Application', 'DestroyApplication', { applications }));
  }

  async bootstrap(): Promise<ActionOutcome & { up: boolean }> {
    return { applied: false, up: true, note: 'an external controller is bootstrapped before the run' };
  }

  async publish(): Promise<ActionOutcome> {
    return { applied: false, note: "cannot publish to an external controller's streams" };
  }

  async upgrade(request: UpgradeRequest): Promise<ActionOutcome> {
    if (request.uploadTools)
      return { applied: false, note: "--upload-tools needs the juju CLI on the controller's side" };
    try {
      const r = await this.api((call) =>
        call('ModelUpgrader', 'UpgradeModel', {
          'model-tag': this.modelTag,
          'target-version': request.version ?? '',
          'agent-stream': '',
          'dry-run': false,
          'ignore-agent-versions': false,
        }),
      );
      return { applied: true, note: `chose ${String(r['chosen-version'] ?? '?')}` };
    } catch (e) {
      if (e instanceof RefusedError) return { applied: false, note: e.message };
      throw e;
    }
  }

  async restart(): Promise<ActionOutcome> {
    return { applied: false, note: "cannot restart an external controller's agent" };
  }

  /** No upgrade in progress and no unit agent busy, as FullStatus shows it. */
  async upgradeIdle(): Promise<boolean> {
    try {
      const status = await this.api((call) => call('Client', 'FullStatus'));
      const model = status['model'] as { 'model-status'?: { status?: string } } | undefined;
      return model?.['model-status']?.status === 'available';
    } catch (e) {
      if (e instanceof RefusedError || e instanceof UnreachableError) return false; // restarting
      throw e;
    }
  }

  async quiet(): Promise<boolean> {
    try {
      const status = await this.api((call) => call('Client', 'FullStatus'));
      const model = status['model'] as { 'model-status'?: { status?: string } } | undefined;
      const busy = unitStatuses(status).some(([, , agent]) => agent === 'allocating' || agent === 'executing');
      return model?.['model-status']?.status === 'available' && !busy;
    } catch (e) {
      if (e instanceof RefusedError || e instanceof UnreachableError) return false; // restarting: not quiet
      throw e;
    }
  }

  async snapshot(): Promise<ControllerSnapshot> {
    const status = await this.api((call) => call('Client', 'FullStatus'));
    const model: ModelView = { applications: {} };
    for (const [app, unit, , workload] of unitStatuses(status)) {
      (model.applications[app] ??= { units: {} }).units[unit] = workload;
    }
    const charms: Record<string, string> = {};
    for (const [app, entry] of Object.entries((status['applications'] ?? {}) as Record<string, { charm?: unknown }>)) {
      model.applications[app] ??= { units: {} };
      if (typeof entry?.charm === 'string') charms[app] = entry.charm;
    }
    const version = String((status['model'] as { version?: unknown } | undefined)?.version ?? '');
    return { records: [], version, model, charms };
  }

  /** A short-lived connection of the harness's own (not through the proxies, not in the history). */
  private api<T>(use: (call: Call) => Promise<T>): Promise<T> {
    const clock = new RealScheduler();
    return new Promise<T>((resolve, reject) => {
      wsDialer(this.url.href, { clock, connectTimeoutMs: CALL_TIMEOUT_MS, insecureTls: this.url.protocol === 'wss:' })(
        (dialed) => {
          if (!dialed.ok) return reject(new UnreachableError(`cannot reach ${this.url.href}: ${dialed.error}`));
          const conn = new RpcConnection(
            dialed.transport,
            clock,
            new Recorder(() => clock.now()),
            'harness',
            1,
            new CallCounter(),
          );
          const call: Call = (facade, method, params = {}) =>
            new Promise((ok, fail) => {
              conn.call(
                facade,
                facadeVersion(facade),
                method,
                { params, timeoutMs: CALL_TIMEOUT_MS },
                (r: RpcResult) => {
                  if (r.ok) ok(r.response);
                  else
                    fail(
                      r.outcome === 'error'
                        ? new RefusedError(`${facade}.${method}: ${r.error}`, r.error)
                        : new UnreachableError(`${facade}.${method}: ${r.error}`),
                    );
                },
              );
            });
          const { username, password } = this.credentials;
          call('Admin', 'Login', {
            'auth-tag': `user-${username}`,
            credentials: password,
            nonce: '',
            'client-version': '2.9.0',
          })
            .catch((e: unknown) => {
              if (e instanceof RefusedError && /password|unauthori/.test(e.reason)) {
                throw new UsageError(
                  `the controller at ${this.url.href} refused --username ${username} / --password: ${e.reason}`,
                );
              }
              throw e;
            })
            .then(() => use(call))
            .then(resolve, reject)
            .finally(() => conn.close());
        },
      );
    });
  }
}

class RefusedError extends Error {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}
class UnreachableError extends Error {}

/** [app, unit, agent status, workload status] for every unit in a FullStatus result. */
function unitStatuses(status: Record<string, unknown>): [string, string, string, string][] {
  const out: [string, string, string, string][] = [];
  const apps = (status['applications'] ?? {}) as Record<
    string,
    { units?: Record<string, Record<string, { status?: string }>> }
  >;
  for (const [app, { units = {} }] of Object.entries(apps)) {
    for (const [unit, u] of Object.entries(units)) {
      out.push([app, unit, String(u['agent-status']?.status ?? ''), String(u['workload-status']?.status ?? '')]);
    }
  }
  return out;
}

export class ExternalTarget implements Target {
  readonly name = 'external';
  private readonly proxies: ProxyPool;
  private readonly backend: ExternalBackend;
  private lastOutputs: CommandOutput[] = [];

  constructor(
    private readonly url: URL,
    private readonly options: ExternalTargetOptions,
  ) {
    this.backend = new ExternalBackend(url, { username: options.username, password: options.password });
    this.proxies = new ProxyPool(() => ({ host: this.backend.host, port: this.backend.port }));
  }

  async run(config: RunConfig, plan: Plan, seed: number, hooks?: RunHooks): Promise<HistoryRecord[]> {
    this.lastOutputs = [];
    await this.backend.clearModel(hooks).catch((e: unknown) => {
      if (hooks?.signal?.aborted || e instanceof TargetError || e instanceof UsageError) throw e;
      throw new TargetError(`external target: clearing the model before the run: ${(e as Error).message}`);
    });
    const result = await runLive(config, plan, seed, {
      target: 'external',
      timeScale: this.options.timeScale ?? 1,
      backend: this.backend,
      proxies: this.proxies,
      scheme: this.url.protocol === 'wss:' ? 'wss' : 'ws',
      ...(this.options.clientCommand !== undefined ? { clientCommand: this.options.clientCommand } : {}),
      ...hooks,
    });
    this.lastOutputs = result.outputs;
    return result.history;
  }

  artifacts(): RunArtifacts {
    return { clientOutputs: this.lastOutputs };
  }

  /** Logs in once: the controller is reachable and takes the credentials. */
  async check(): Promise<void> {
    try {
      await this.backend.begin();
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new TargetError(`external target: ${(e as Error).message}`);
    }
  }

  async close(): Promise<void> {
    await this.proxies.close();
  }
}

/** Checks the URL and that the controller answers with these credentials (UsageError / TargetError). */
export async function createExternalTarget(options: ExternalTargetOptions): Promise<ExternalTarget> {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new UsageError(`--url must be a ws:// or wss:// URL, got "${options.url}"`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new UsageError(`--url must be a ws:// or wss:// URL, got "${options.url}"`);
  const target = new ExternalTarget(url, options);
  await target.check();
  return target;
}
