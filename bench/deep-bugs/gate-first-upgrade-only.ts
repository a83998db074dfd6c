/**
 * Planted bug: the API gate (Juju 1.24's restricted API, fix 2A) is honoured for the first upgrade
 * only. A controller that keeps "the upgrade we are gating" in a field set once at bootstrap
 * would behave this way: the implicit upgrade is gated, a later explicit one is not.
 *
 * What it takes: the first upgrade must end (time passes), a newer release must be published, an
 * explicit upgrade requested, and a deploy (or a unit's hook) must land inside that second
 * upgrade's window. Found by no-work-before-upgrade.
 */
import { Controller, type ControllerDeps } from '../../harness/controller/controller.ts';

export class GateFirstUpgradeOnly extends Controller {
  private gatedTarget: string | undefined;

  constructor(deps: ControllerDeps) {
    super(deps);
  }

  override get apiRestricted(): boolean {
    if (!super.apiRestricted) return false;
    this.gatedTarget ??= this.upgradeTarget;
    return this.upgradeTarget === this.gatedTarget;
  }
}
