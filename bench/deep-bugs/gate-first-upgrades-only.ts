/**
 * Planted bug: the API gate (Juju 1.24's restricted API, fix 2A) is honoured for the first two
 * upgrades only: a controller that keeps the upgrades it gates in a fixed-size table would behave
 * this way. The implicit upgrade and the next are gated, a third is not.
 *
 * What it takes: the implicit upgrade ends, a newer release is published and an explicit upgrade
 * to it ends, a still newer one is published and upgraded to, and a deploy (or a unit's hook)
 * lands inside that third upgrade's window. Found by no-work-before-upgrade.
 */
import { Controller, type ControllerDeps } from '../../harness/controller/controller.ts';

/** How many upgrades the gate remembers. */
const GATED_UPGRADES = 2;

export class GateFirstUpgradesOnly extends Controller {
  private readonly gatedTargets: string[] = [];

  constructor(deps: ControllerDeps) {
    super(deps);
  }

  override get apiRestricted(): boolean {
    if (!super.apiRestricted) return false;
    const target = this.upgradeTarget;
    if (!this.gatedTargets.includes(target) && this.gatedTargets.length < GATED_UPGRADES)
      this.gatedTargets.push(target);
    return this.gatedTargets.includes(target);
  }
}
