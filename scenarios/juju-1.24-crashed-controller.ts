import {
  CLIENT_CONTRACT,
  CLIENT_SURVIVES,
  CONTROLLER_CONTRACT,
  DEFAULT_DEADLINES,
  DEFAULT_WEIGHTS,
  type Scenario,
} from '../harness/scenario.ts';

export const juju124CrashedController: Scenario = {
  name: 'juju-1.24-crashed-controller',
  summary: 'The gated fix under Jepsen kills: the whole controller killed or stopped, then started again',
  description:
    "The fix that landed for the bug (Juju 1.24's restricted API, a reconnecting client), with the whole controller " +
    'now and then killed (SIGKILL, `docker kill`) or stopped (SIGTERM, `docker stop`) and started again on the same ' +
    'port, at once or up to thirty seconds later. Like Juju with MongoDB, it comes back with its model, its release ' +
    'streams and its upgrade where they were on disk; its connections, watchers and requests in flight die with it. ' +
    'The client must not lose a deployment or a watcher to it, and nothing acknowledged may be lost. A crash ends ' +
    'every session of the controller server, so on the process and container targets a run with one has the ' +
    'server to itself.',
  controller: 'juju-1.24',
  client: 'reconnecting',
  clients: 2,
  versions: ['1.24.2', '1.24.3', '1.25.0'],
  weights: { ...DEFAULT_WEIGHTS, crash: 2 },
  maxEvents: 20,
  expect: { ...CLIENT_SURVIVES, ...CONTROLLER_CONTRACT, ...CLIENT_CONTRACT },
  deadlines: DEFAULT_DEADLINES,
};
