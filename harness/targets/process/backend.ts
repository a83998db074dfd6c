/**
 * The process target's controller: a controller server it started, driven through the admin
 * endpoint, which also hands over the full controller-side history at the end of each run.
 */
import type { Credentials } from '../../controller/api.ts';
import type { UpgradeRequest } from '../../controller/controller.ts';
import { AdminClient } from '../../wire/admin-client.ts';
import { MODEL_PATH } from '../../wire/server.ts';
import type { ActionOutcome, ControllerBackend, ControllerSnapshot } from '../live/backend.ts';
import type { ServerProcess } from './server-process.ts';

export class ProcessBackend implements ControllerBackend {
  readonly host = '127.0.0.1';

  constructor(
    private readonly server: ServerProcess,
    readonly credentials: Credentials,
  ) {}

  get port(): number {
    return this.server.port;
  }

  private get admin(): AdminClient {
    return AdminClient.forPort(this.server.port);
  }

  /** The harness names its clients in the URL, so the controller's records carry the same names. */
  modelPath(client: string): string {
    return `${MODEL_PATH}?client=${encodeURIComponent(client)}`;
  }

  async begin(run: Parameters<ControllerBackend['begin']>[0]): Promise<void> {
    await this.admin.reset({
      profile: run.config.controller,
      seed: run.seed,
      timeScale: run.timeScale,
      originEpochMs: run.originEpochMs,
    });
  }

  async bootstrap(): Promise<ActionOutcome & { up: boolean }> {
    const r = await this.admin.bootstrap();
    return { applied: r.applied, up: r.applied };
  }

  publish(version: string): Promise<ActionOutcome> {
    return this.admin.publish(version).then(outcome);
  }

  upgrade(request: UpgradeRequest): Promise<ActionOutcome> {
    return this.admin.upgrade(request).then(outcome);
  }

  restart(): Promise<ActionOutcome> {
    return this.admin.restart().then(outcome);
  }

  async upgradeIdle(): Promise<boolean> {
    const status = await this.admin.status();
    return status.bootstrapped && status.up && !status.upgrading;
  }

  async quiet(): Promise<boolean> {
    return (await this.admin.status()).quiet;
  }

  async snapshot(): Promise<ControllerSnapshot> {
    const { records, version, model } = await this.admin.history();
    return { records, version, model };
  }
}

function outcome(r: { applied: boolean; chosen?: string; error?: string }): ActionOutcome {
  const note = r.error ?? (r.chosen !== undefined ? `chose ${r.chosen}` : undefined);
  return { applied: r.applied, ...(note !== undefined ? { note } : {}) };
}
