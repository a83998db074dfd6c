/**
 * The process target's controller for one run: a session of its own (a controller at a fresh
 * model UUID) on the controller server it started, opened when the run begins and disposed when it
 * ends, driven through the session's admin routes, which also hand over its controller-side history.
 * Runs in flight at once each have their own, so they never see each other's controller.
 */
import type { Credentials } from '../../controller/api-types.ts';
import type { UpgradeRequest } from '../../controller/api-types.ts';
import type { TieOutcome } from '../../history.ts';
import type { PlanEvent } from '../../plan.ts';
import { AdminClient } from '../../wire/admin-client.ts';
import { statusHolds } from '../../wire/session.ts';
import type { ActionOutcome, ControllerBackend, ControllerSnapshot, TlsEndpoint } from '../live/backend.ts';

export class ProcessBackend implements ControllerBackend {
  readonly host = '127.0.0.1';
  private opened: { admin: AdminClient; modelPath: string; tlsPort: number | undefined } | undefined;

  /** `ca`: the server's CA, when it serves TLS (each session's agent then has a TLS port of its own). */
  constructor(
    readonly port: number,
    readonly credentials: Credentials,
    private readonly ca?: { caCert: string; caCertFile: string },
  ) {}

  /** This run's agent TLS port, with the CA to trust. */
  get tls(): TlsEndpoint | undefined {
    const port = this.opened?.tlsPort;
    return port !== undefined && this.ca ? { port, ...this.ca } : undefined;
  }

  private get session(): { admin: AdminClient; modelPath: string } {
    if (!this.opened) throw new Error('the run has no controller session yet (begin() opens it)');
    return this.opened;
  }

  /** The harness names its clients in the URL, so the controller's records carry the same names. */
  modelPath(client: string): string {
    return `${this.session.modelPath}?client=${encodeURIComponent(client)}`;
  }

  async begin(run: Parameters<ControllerBackend['begin']>[0]): Promise<void> {
    const server = AdminClient.forPort(this.port, this.credentials);
    const { modelUuid, modelPath, tlsPort } = await server.openSession({
      profile: run.config.controller,
      seed: run.seed,
      timeScale: run.timeScale,
      originEpochMs: run.originEpochMs,
      ...(run.soleClient !== undefined ? { defaultClient: run.soleClient } : {}),
      ...(run.durable ? { durable: true } : {}),
    });
    this.opened = { admin: server.session(modelUuid), modelPath, tlsPort };
  }

  async end(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    await opened?.admin.dispose();
  }

  async bootstrap(operatorApps: readonly string[] = []): Promise<ActionOutcome & { up: boolean }> {
    const r = await this.session.admin.bootstrap(operatorApps);
    return { applied: r.applied, up: r.applied };
  }

  publish(version: string): Promise<ActionOutcome> {
    return this.session.admin.publish(version).then(outcome);
  }

  upgrade(request: UpgradeRequest): Promise<ActionOutcome> {
    return this.session.admin.upgrade(request).then(outcome);
  }

  restart(): Promise<ActionOutcome> {
    return this.session.admin.restart().then(outcome);
  }

  stopWatchers(client: string): Promise<ActionOutcome> {
    return this.session.admin.stopWatchers(client).then(outcome);
  }

  /** A long poll (GET status?until=...): the session answers when the state is reached. */
  async upgradeIdle(waitMs = 0): Promise<boolean> {
    return statusHolds(await this.session.admin.statusWhen('upgrade-idle', waitMs), 'upgrade-idle');
  }

  arm(index: number, event: PlanEvent, client: string): Promise<ActionOutcome> {
    return this.session.admin.arm(index, event, client).then(outcome);
  }

  quiesce(): Promise<TieOutcome[]> {
    return this.session.admin.quiesce();
  }

  async armedTies(waitMs = 0): Promise<number> {
    return (await this.session.admin.statusWhen('ties-fired', waitMs)).armed;
  }

  async quiet(waitMs = 0): Promise<boolean> {
    return (await this.session.admin.statusWhen('quiet', waitMs)).quiet;
  }

  async snapshot(): Promise<ControllerSnapshot> {
    const { records, version, model, charms, stallMs, stalls } = await this.session.admin.history();
    // An older server tells neither, or only its longest stall.
    return {
      records,
      version,
      model,
      ...(charms ? { charms } : {}),
      ...(stallMs !== undefined ? { stallMs } : {}),
      ...(stalls ? { stalls } : {}),
    };
  }
}

function outcome(r: { applied: boolean; chosen?: string; error?: string }): ActionOutcome {
  const note = r.error ?? (r.chosen !== undefined ? `chose ${r.chosen}` : undefined);
  return { applied: r.applied, ...(note !== undefined ? { note } : {}) };
}
