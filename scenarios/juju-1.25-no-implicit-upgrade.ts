import {
  CLIENT_CONTRACT,
  CLIENT_SURVIVES,
  CONTROLLER_CONTRACT,
  DEFAULT_DEADLINES,
  DEFAULT_WEIGHTS,
  type Scenario,
} from '../harness/scenario.ts';

export const juju125NoImplicitUpgrade: Scenario = {
  name: 'juju-1.25-no-implicit-upgrade',
  summary: 'Fix 2B: no implicit upgrade, status reports the available version; the client reconnects',
  description:
    'Option 2.B of the bug report, as later Juju shipped it: bootstrap no longer upgrades the controller to the ' +
    'newest patch in the streams; status reports it as the available version and the operator decides. Explicit ' +
    'upgrades still restart the agent, under the restricted API, and the reconnecting client rides them out. The ' +
    'controller now runs the tested version unless someone explicitly asks for another.',
  controller: 'juju-1.25-inform',
  client: 'reconnecting',
  clients: 2,
  testedVersion: '1.25.0',
  versions: ['1.25.3', '1.25.4', '1.26.0'],
  weights: DEFAULT_WEIGHTS,
  maxEvents: 20,
  expect: {
    'no-surprise-upgrade': 'held',
    'version-as-tested': 'held',
    ...CLIENT_SURVIVES,
    ...CONTROLLER_CONTRACT,
    ...CLIENT_CONTRACT,
  },
  deadlines: DEFAULT_DEADLINES,
};
