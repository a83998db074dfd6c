import {
  CLIENT_CONTRACT,
  CONTROLLER_CONTRACT,
  DEFAULT_DEADLINES,
  DEFAULT_WEIGHTS,
  type Scenario,
} from '../harness/scenario.ts';

export const juju122ImplicitUpgrade: Scenario = {
  name: 'juju-1.22-implicit-upgrade',
  summary: 'Juju 1.22 upgrades itself right after bootstrap; the 2015 deployer does not reconnect',
  description:
    "The bug report's world. A juju 1.22.1 client bootstraps while 1.22.3 sits in the streams, so the new " +
    'controller writes 1.22.3 into agent-version and upgrades itself within the first minute, restarting its ' +
    'agent and dropping every API connection. The API stays open throughout, so a deployment script that ' +
    'bootstraps and deploys at once (juju-deployer, juju-quickstart, a bespoke script) gets its deploy accepted ' +
    'mid-upgrade, its charms interrupted while installing, and its watcher cut off; it never reconnects.',
  controller: 'juju-1.22',
  client: 'deployer-naive',
  clients: 1,
  versions: ['1.22.3', '1.22.4', '1.23.0'],
  weights: DEFAULT_WEIGHTS,
  maxEvents: 20,
  expect: {
    'no-work-before-upgrade': 'violated',
    'watchers-resume': 'violated',
    'deployments-complete': 'violated',
    ...CONTROLLER_CONTRACT,
    ...CLIENT_CONTRACT,
  },
  deadlines: DEFAULT_DEADLINES,
};
