/**
 * A controller profile says how a controller release behaves around upgrades. The model
 * (controller.ts) is one implementation; profiles only choose among its behaviours.
 */
export type Range = readonly [min: number, max: number];

export interface ControllerTiming {
  /** From the desired version changing to the upgrader starting its download. */
  upgraderDelayMs: Range;
  downloadMs: Range;
  /** Chance that one download attempt fails; failed downloads are retried after retryMs. */
  downloadFailureRate: number;
  retryMs: number;
  /** How long the agent is down while it restarts (upgrade or crash). */
  restartMs: Range;
  /** Upgrade steps after the restart into the new version. */
  stepsMs: Range;
  /** Duration of each unit hook (install, config-changed, start, update-status). */
  hookMs: Range;
  /** From the end of a unit's start hook to its first update-status hook, the one that finds the
   *  workload up and sets it active: meanwhile the agent is idle and the workload still waiting
   *  (unit-agents.ts says why). */
  settleMs: Range;
  /** First backoff before a failed hook is retried (`interruptedHook: 'retry'`), counted from the
   *  agent being back; it doubles with each failure in a row, up to five minutes (Juju 2.x: 5 s). */
  hookRetryMs: number;
}

/** The machine `juju bootstrap/upgrade-juju --upload-tools` ran on: it builds the uploaded agent. */
export interface ClientMachine {
  arch: string;
  series: string;
  /** Version of the first juju on $PATH (maybe a dev build). */
  jujuOnPath: string;
}

export interface ControllerProfile {
  name: string;
  summary: string;
  /** Version of the juju client that bootstraps: the controller starts at this version. */
  clientVersion: string;
  /** Agent versions in the streams before the run starts. */
  streams: readonly string[];
  /** Bootstrap writes the newest patch of its major.minor into agent-version (Juju 1.2x). */
  implicitUpgrade: boolean;
  /** No implicit upgrade; status reports the newer patch as available-version (fix 2B). */
  informOnly: boolean;
  /** `agent-version` pinned in config (workaround A): bootstrap keeps exactly this version. */
  agentVersionPin?: string;
  /** Bootstrap with --upload-tools (workaround B): the agent is built on the client machine. */
  bootstrapUploadTools: boolean;
  clientMachine: ClientMachine;
  /** `open`: Juju 1.22, the API serves work during upgrades. `restricted`: Juju 1.24, log in
   *  works but work calls fail with "upgrade in progress" while an upgrade is pending or running,
   *  and unit agents start no hook. */
  api: 'open' | 'restricted';
  /** Juju 1.2x said "upgrade in progress - Juju functionality is limited" with no code; 2.x uses
   *  "upgrade in progress" for both message and code. */
  upgradeErrorStyle: '1.2x' | '2.x';
  /** When a `restricted` API restricts. `upgrade` (default, the 1.24 fix as the bug report tells
   *  it): every call, while an upgrade is pending or running. `steps-at-login`: as Juju 2 and 3 do
   *  (apiserver restrictAPIRootDuringMaintenance): the API serves normally until the agent restarts;
   *  a user who logs in while the upgrade steps run gets a restricted root, for that connection's
   *  whole life, even after the steps end. */
  restrictedWindow?: 'upgrade' | 'steps-at-login';
  /** What an agent restart does to a hook in flight. `error`: Juju 1.22 left the unit in error for
   *  good. `retry`: the unit shows error ("hook failed: ...") and the agent runs the hook again
   *  after timing.hookRetryMs of backoff, so the unit can still become active (Juju's automatic hook
   *  retry, on by default since 2.0; the model gives it to 1.24 on, whose agents re-run the hook).
   *  `rerun`: the hook runs again at once and the unit never shows the failure. */
  interruptedHook: 'error' | 'retry' | 'rerun';
  /** Upgrade steps rewrite the model's collections from a copy taken when they start, so work
   *  accepted while they run is lost (the 1.22 open API accepted it anyway). */
  stepsRewriteModel: boolean;
  timing: ControllerTiming;
}

const TIMING: ControllerTiming = {
  upgraderDelayMs: [200, 2_000],
  downloadMs: [3_000, 12_000],
  downloadFailureRate: 0,
  retryMs: 5_000,
  restartMs: [1_000, 4_000],
  stepsMs: [4_000, 15_000],
  hookMs: [1_000, 6_000],
  settleMs: [1_000, 10_000],
  hookRetryMs: 5_000,
};

const JUJU_1_22: ControllerProfile = {
  name: 'juju-1.22',
  summary: 'Juju 1.22: implicit upgrade to the newest patch after bootstrap, open API during upgrades',
  clientVersion: '1.22.1',
  streams: ['1.22.1', '1.22.3'],
  implicitUpgrade: true,
  informOnly: false,
  bootstrapUploadTools: false,
  clientMachine: { arch: 'amd64', series: 'trusty', jujuOnPath: '1.22.1' },
  api: 'open',
  upgradeErrorStyle: '1.2x',
  interruptedHook: 'error',
  stepsRewriteModel: true,
  timing: TIMING,
};

const JUJU_1_24: ControllerProfile = {
  ...JUJU_1_22,
  name: 'juju-1.24',
  summary: 'Juju 1.24: still upgrades implicitly, but the API is restricted until the upgrade is done (fix 2A)',
  clientVersion: '1.24.0',
  streams: ['1.24.0', '1.24.2'],
  api: 'restricted',
  interruptedHook: 'retry',
  stepsRewriteModel: false,
};

const JUJU_INFORM: ControllerProfile = {
  ...JUJU_1_24,
  name: 'juju-1.25-inform',
  summary:
    'No implicit upgrade; status reports the available version (fix 2B), restricted API during explicit upgrades',
  clientVersion: '1.25.0',
  streams: ['1.25.0', '1.25.3'],
  implicitUpgrade: false,
  informOnly: true,
};

/**
 * Juju 3.6 as it behaves today: bootstrap installs exactly the client's version (no implicit
 * upgrade) and status reports a newer patch as `available-version`; only an explicit
 * `juju upgrade-controller` / `upgrade-model` (ModelUpgrader.UpgradeModel) moves it, restarting the
 * agent (every connection drops) into a restricted API that refuses work with "upgrade in
 * progress" as both message and code until the upgrade steps are done. Login reports a 3.x
 * server-version, which python-libjuju 3.x insists on.
 */
const JUJU_3_6: ControllerProfile = {
  ...JUJU_INFORM,
  name: 'juju-3.6',
  summary:
    'Juju 3.6: no implicit upgrade (available-version reported); explicit upgrades restart the agent under a restricted API with 2.x errors',
  clientVersion: '3.6.0',
  streams: ['3.6.0', '3.6.2'],
  clientMachine: { arch: 'amd64', series: 'jammy', jujuOnPath: '3.6.0' },
  upgradeErrorStyle: '2.x',
  restrictedWindow: 'steps-at-login',
};

export const CONTROLLER_PROFILES: readonly ControllerProfile[] = [JUJU_1_22, JUJU_1_24, JUJU_INFORM, JUJU_3_6];

export function controllerProfile(name: string): ControllerProfile | undefined {
  return CONTROLLER_PROFILES.find((p) => p.name === name);
}
