import {
  CLIENT_CONTRACT,
  CONTROLLER_CONTRACT,
  DEFAULT_DEADLINES,
  DEFAULT_WEIGHTS,
  type Scenario,
} from '../harness/scenario.ts';

export const juju124Libjuju: Scenario = {
  name: 'juju-1.24-libjuju',
  summary: 'python-libjuju against the gated 1.24 API: its watcher does not survive a dropped connection',
  description:
    'python-libjuju 3.5.2 as it was seen to behave against the real-sockets controller (README, python-libjuju): ' +
    'after a dropped connection it reconnects, but its AllWatcher loop has stopped for good and is never ' +
    're-created, so its view goes stale; a dial refused while the agent restarts is never dialled again (its ' +
    'retries await the same failed dial) and it gives up 60 s later; and its watcher loop treats any API error as ' +
    'fatal, so the gated API of fix 2A, which answers WatchAll and AllWatcher.Next with "upgrade in progress" while ' +
    'the controller upgrades, kills the watcher of a script that connects during the implicit upgrade after bootstrap.',
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
