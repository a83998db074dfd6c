/**
 * Planted bug: an agent that crashes a second time while it runs upgrade steps comes back without
 * its API gate (a restart counter that only recovers the gate once), so until those steps end the
 * API lets work through and unit agents run hooks.
 *
 * What it takes: an upgrade that reached its steps (bootstrap, then time for the download and the
 * restart into the new version), two crashes (`restart`) inside steps, and a deploy landing after
 * the agent is back from the second but before the steps end. Found by no-work-before-upgrade.
 */
import { Controller, type ControllerDeps } from '../../harness/controller/controller.ts';

export class GateLostAfterCrash extends Controller {
  /** Crashes during upgrade steps so far. */
  private stepCrashes = 0;
  /** The upgrade target whose steps the agent crashed in a second time. */
  private crashedDuring: string | undefined;

  constructor(deps: ControllerDeps) {
    super(deps);
  }

  override restart(): boolean {
    const inSteps = this.upgrader.phase === 'steps';
    const crashed = super.restart();
    if (crashed && inSteps && ++this.stepCrashes >= 2) this.crashedDuring = this.upgradeTarget;
    return crashed;
  }

  override get apiRestricted(): boolean {
    return super.apiRestricted && this.crashedDuring !== this.upgradeTarget;
  }
}
