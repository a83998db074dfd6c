import {
  CLIENT_CONTRACT,
  CONTROLLER_CONTRACT,
  DEFAULT_DEADLINES,
  DEFAULT_WEIGHTS,
  type Scenario,
} from '../harness/scenario.ts';

/**
 * Real sockets only (`--target process` or `external`): the jujulib client drives the real
 * @canonical/jujulib 9.1.0. Its verdicts are what the harness found, not what we wished.
 */
export const jujulib124: Scenario = {
  name: 'jujulib-1.24',
  summary:
    "a script on the real @canonical/jujulib 9.1.0 meets Juju 1.24's implicit upgrade (real sockets: --target process)",
  description:
    "A deployment script written the way @canonical/jujulib 9.1.0's users write one (connect with wsclass: WebSocket, " +
    'log in, WatchAll, loop on AllWatcher.Next, Application.Deploy, wait for active units; no ping, no reconnect, no ' +
    're-watch) starts right after bootstrap against Juju 1.24, which upgrades itself at once and restricts its API ' +
    'meanwhile. Evidence (process target, time scale 0.02; five times 50 plans sampled from this scenario with seeds 3, ' +
    '3, 3, 11 and 19, and 250 more under the default weights with seeds 3 and 7): deployments-complete is violated in ' +
    '54-64% of runs, whenever a plan deploys: the restricted API refuses WatchAll or Deploy with "upgrade in ' +
    'progress - Juju functionality is limited" (110 of 159 failures), the library turns the refusal into an exception, and the script ends; or the ' +
    'connection was refused while the agent restarted ("cannot connect WebSocket", 43); or a call sent after a drop ' +
    'failed with "connection state 3 is not open". requests-settle is violated in 1 to 3 runs of every 50: a connection ' +
    'dropped under a pending call (a disconnect or restart during Admin.Login, or after the script got going because a ' +
    'partition held its connection until the upgrade was over) leaves the call unsettled forever, since the library ' +
    'settles nothing when its socket closes (an AllWatcher.Next "left hanging", an Admin.Login "never returned"). ' +
    'no-work-before-upgrade and no-lost-work held in every run (the 1.24 gate works). watchers-resume is not ' +
    'claimed: the library never re-creates a watcher (see its source), but the script rarely lives long enough to ' +
    'own one and lose it (1 run in 500), so 50 runs cannot tell either way. Faults are weighted up (disconnect, partition and restart 2 each) so that 50 runs find the ' +
    'hanging calls.',
  controller: 'juju-1.24',
  client: 'jujulib',
  clients: 1,
  versions: ['1.24.2', '1.24.3', '1.25.0'],
  weights: { ...DEFAULT_WEIGHTS, disconnect: 2, partition: 2, restart: 2, slow: 1 },
  maxEvents: 20,
  expect: {
    'no-work-before-upgrade': 'held',
    'deployments-complete': 'violated',
    'requests-settle': 'violated',
    'no-lost-work': 'held',
    ...CONTROLLER_CONTRACT,
    ...CLIENT_CONTRACT,
  },
  // A script gives a deployment two minutes, not ten: the library never settles a call lost with
  // its connection, so only this deadline ends a deployment it will never see complete.
  deadlines: { ...DEFAULT_DEADLINES, deployMs: 120_000 },
};
