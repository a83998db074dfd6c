import {
  CLIENT_CONTRACT,
  CLIENT_SURVIVES,
  CONTROLLER_CONTRACT,
  DEFAULT_DEADLINES,
  DEFAULT_WEIGHTS,
  type Scenario,
} from '../harness/scenario.ts';

export const juju124GatedApi: Scenario = {
  name: 'juju-1.24-gated-api',
  summary: 'Juju 1.24 still upgrades implicitly but restricts the API until done; the client reconnects (fixes 1 + 2A)',
  description:
    'The fix that landed for the bug. Juju 1.24 still upgrades itself after bootstrap, but while an upgrade is ' +
    'pending or running a user may log in only to a restricted API: status and ping work, everything else fails ' +
    'with "upgrade in progress", and unit agents start no hook. The client pings, reconnects with backoff, logs ' +
    'in again, re-creates its watcher and rebuilds its view from the new snapshot, retries work refused during ' +
    'the upgrade, and makes its deploys idempotent. Disconnects, partitions, half-open links, crashes and explicit upgrades must ' +
    'not cost it a deployment or a watcher.',
  controller: 'juju-1.24',
  client: 'reconnecting',
  clients: 2,
  versions: ['1.24.2', '1.24.3', '1.25.0'],
  // Half-open links (a NAT's state dropped, a controller machine gone without a FIN) too: the client's
  // pings must find them dead (the 2015 deployer, with no ping or call timeout, would hang for ever).
  // And watchers the controller stops with the connection up (its multiwatcher restarted): the
  // client must watch again, not take "watcher was stopped" for the end of the deployment.
  weights: { ...DEFAULT_WEIGHTS, 'half-open': 1, 'stop-watcher': 1, slow: 1 },
  maxEvents: 20,
  expect: { ...CLIENT_SURVIVES, ...CONTROLLER_CONTRACT, ...CLIENT_CONTRACT },
  deadlines: DEFAULT_DEADLINES,
};
