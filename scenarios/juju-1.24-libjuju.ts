import {
  CLIENT_CONTRACT,
  CONTROLLER_CONTRACT,
  DEFAULT_DEADLINES,
  DEFAULT_WEIGHTS,
  type Scenario,
} from '../harness/scenario.ts';

export const juju124Libjuju: Scenario = {
  name: 'juju-1.24-libjuju',
  summary: 'python-libjuju against the gated 1.24 API: "upgrade in progress" kills its watcher',
  description:
    'python-libjuju 3.5 reconnects after a dropped connection and re-creates its AllWatcher, which is fix 1 as far ' +
    'as disconnects go. But its watcher loop treats any other API error as fatal, and the gated API of fix 2A ' +
    'answers WatchAll and AllWatcher.Next with "upgrade in progress" while the controller upgrades. A script that ' +
    'connects during the implicit upgrade after bootstrap, or reconnects during an explicit one, is left without a ' +
    'watcher for good.',
  controller: 'juju-1.24',
  client: 'libjuju-like',
  clients: 1,
  versions: ['1.24.2', '1.24.3', '1.25.0'],
  weights: DEFAULT_WEIGHTS,
  maxEvents: 20,
  expect: {
    'no-work-before-upgrade': 'held',
    'no-lost-work': 'held',
    'watchers-resume': 'violated',
    'deployments-complete': 'violated',
    ...CONTROLLER_CONTRACT,
    ...CLIENT_CONTRACT,
  },
  deadlines: DEFAULT_DEADLINES,
};
