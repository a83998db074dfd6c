import { CLIENT_CONTRACT, CONTROLLER_CONTRACT, DEFAULT_DEADLINES, type Scenario } from '../harness/scenario.ts';

export const juju122SavvyScript: Scenario = {
  name: 'juju-1.22-savvy-script',
  summary: 'Juju 1.22 upgrades itself after bootstrap; a savvy script waits for the upgrade before deploying',
  description:
    'The bug report\'s "savvy script": it bootstraps a 1.22.1 controller while 1.22.3 sits in the streams, then ' +
    'polls status (reconnecting while the agent restarts) until the controller reports it has finished upgrading, ' +
    'and only then deploys and follows progress through its watcher. Nothing else disturbs the run: no explicit ' +
    'upgrades, no crashes, no network faults, only releases appearing in the streams. Waiting makes the deployment ' +
    'survive the implicit upgrade, but it is still an upgrade nobody asked for, to a version nobody tested.',
  controller: 'juju-1.22',
  client: 'quickstart-savvy',
  clients: 1,
  testedVersion: '1.22.1',
  versions: ['1.22.3', '1.22.4', '1.23.0'],
  weights: { deploy: 4, wait: 5, publish: 1 },
  maxEvents: 20,
  expect: {
    'no-work-before-upgrade': 'held',
    'watchers-resume': 'held',
    'deployments-complete': 'held',
    'requests-settle': 'held',
    'no-lost-work': 'held',
    'no-surprise-upgrade': 'violated',
    'version-as-tested': 'violated',
    ...CONTROLLER_CONTRACT,
    ...CLIENT_CONTRACT,
  },
  deadlines: DEFAULT_DEADLINES,
};
