/**
 * The built-in scenario corpus: every system and workaround of lp:1455260, in the order the bug
 * report tells the story. `upgrade-chaos scenarios` lists them; `qualify` checks every expectation.
 */
import type { Scenario } from '../harness/scenario.ts';
import { clientProfile } from '../harness/clients/profiles.ts';
import { juju122ImplicitUpgrade } from './juju-1.22-implicit-upgrade.ts';
import { juju122NetworkPartition } from './juju-1.22-network-partition.ts';
import { juju122OldReleaseLine } from './juju-1.22-old-release-line.ts';
import { juju122PinnedAgentVersion } from './juju-1.22-pinned-agent-version.ts';
import { juju122ReconnectingClient } from './juju-1.22-reconnecting-client.ts';
import { juju122SavvyScript } from './juju-1.22-savvy-script.ts';
import { juju122UpgradeUploadTools } from './juju-1.22-upgrade-upload-tools.ts';
import { juju122UploadTools } from './juju-1.22-upload-tools.ts';
import { juju124CrashDuringUpgradeSteps } from './juju-1.24-crash-during-upgrade-steps.ts';
import { juju124DownloadRetry } from './juju-1.24-download-retry.ts';
import { juju124GatedApi } from './juju-1.24-gated-api.ts';
import { juju124GatedApiNaiveClient } from './juju-1.24-gated-api-naive-client.ts';
import { juju124PausedController } from './juju-1.24-paused-controller.ts';
import { juju124CrashedController } from './juju-1.24-crashed-controller.ts';
import { juju124Libjuju } from './juju-1.24-libjuju.ts';
import { juju125NoImplicitUpgrade } from './juju-1.25-no-implicit-upgrade.ts';
import { jujulib124 } from './jujulib-1.24.ts';
import { pythonLibjuju36 } from './python-libjuju-3.6.ts';

export const SCENARIOS: readonly Scenario[] = [
  // The bug: Juju 1.22's implicit upgrade under the scripts of 2015.
  juju122ImplicitUpgrade,
  juju122NetworkPartition,
  juju122SavvyScript,
  // The workarounds users took.
  juju122PinnedAgentVersion,
  juju122UploadTools,
  juju122UpgradeUploadTools,
  juju122OldReleaseLine,
  // The fixes, alone and together.
  juju122ReconnectingClient,
  juju124GatedApiNaiveClient,
  juju124GatedApi,
  juju125NoImplicitUpgrade,
  // Real clients and rough upgrades against the fixes.
  juju124Libjuju,
  jujulib124,
  pythonLibjuju36,
  juju124DownloadRetry,
  juju124CrashDuringUpgradeSteps,
  juju124PausedController,
  juju124CrashedController,
];

/** The scenarios the sim can run: all but those whose client needs real sockets. */
export const SIM_SCENARIOS: readonly Scenario[] = SCENARIOS.filter((s) => !clientProfile(s.client)?.realSocketsOnly);

export function scenarioByName(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
