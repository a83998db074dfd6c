/**
 * Planted bug: an agent that crashes while it runs upgrade steps comes back without its API gate
 * (it reads "upgrade in progress" from the upgrade's start, not when the steps restart), so until
 * the steps end the API lets work through and unit agents run hooks.
 *
 * What it takes: an upgrade that reached its steps (bootstrap, then time for the download and the
 * restart into the new version), a crash (`restart`) inside the steps, and a deploy landing after
 * the agent is back but before the steps end. Found by no-work-before-upgrade.
 */
import { Controller, type ControllerDeps } from '../../harness/controller/controller.ts';

export class GateLostAfterCrash extends Controller {
  /** The upgrade target whose steps the agent crashed in. */
  private crashedDuring: string | undefined;

  constructor(deps: ControllerDeps) {
    super(deps);
  }

  override restart(): boolean {
    const inSteps = this.upgrader.phase === 'steps';
    const crashed = super.restart();
    if (crashed && inSteps) this.crashedDuring = this.upgradeTarget;
    return crashed;
  }

  override get apiRestricted(): boolean {
    return super.apiRestricted && this.crashedDuring !== this.upgradeTarget;
  }
}
