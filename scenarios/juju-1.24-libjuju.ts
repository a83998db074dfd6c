import {
  CLIENT_CONTRACT,
  CONTROLLER_CONTRACT,
  DEFAULT_DEADLINES,
  DEFAULT_WEIGHTS,
  type Scenario,
} from '../harness/scenario.ts';

export const juju124Libjuju: Scenario = {
  name: 'juju-1.24-libjuju',
  summary: 'python-libjuju against the gated 1.24 API: it gives up in the implicit upgrade after bootstrap',
  description:
    'python-libjuju 3.5.2 as it was seen to behave against the real-sockets controller (README, python-libjuju): ' +
    'after a dropped connection it reconnects, but its AllWatcher loop has stopped for good and is never ' +
    're-created, so its view goes stale; a dial refused while the agent restarts is never dialled again (its ' +
    'retries await the same failed dial) and it gives up 60 s later; and its watcher loop treats any API error as ' +
    'fatal, so the gated API of fix 2A, which answers WatchAll and AllWatcher.Next with "upgrade in progress" while ' +
    'the controller upgrades, kills the watcher of a script that connects during the implicit upgrade after bootstrap. ' +
    'So most runs end in that upgrade: the restart drops the script and refuses its one redial, and its deploys ' +
    'fail (deployments-complete). Its stale view (watchers-resume) needs the script to live through that upgrade, ' +
    'which about 1 run in 100 does (a partition that holds it back until the restart is over): the minimal ' +
    'counterexample pins it (scenarios/minimal-counterexamples.ts), and the sampled corpus does not claim it.',
  controller: 'juju-1.24',
  client: 'libjuju-like',
  clients: 1,
  versions: ['1.24.2', '1.24.3', '1.25.0'],
  weights: { ...DEFAULT_WEIGHTS, slow: 1 },
  maxEvents: 20,
  expect: {
    'no-work-before-upgrade': 'held',
    'no-lost-work': 'held',
    'deployments-complete': 'violated',
    ...CONTROLLER_CONTRACT,
    ...CLIENT_CONTRACT,
  },
  deadlines: DEFAULT_DEADLINES,
};
