import {
  CLIENT_CONTRACT,
  CONTROLLER_CONTRACT,
  DEFAULT_DEADLINES,
  DEFAULT_WEIGHTS,
  type Scenario,
} from '../harness/scenario.ts';

export const juju122ReconnectingClient: Scenario = {
  name: 'juju-1.22-reconnecting-client',
  summary: 'Fix 1 alone: a client that reconnects and resumes its watcher, against the open 1.22 API',
  description:
    'Fix 1 of the bug report without fix 2: every API client reconnects, logs in again, re-creates its watcher and ' +
    'rebuilds its view, and retries deploys whose answer was lost. Against Juju 1.22 the watchers do come back, but ' +
    'the open API still accepts work while the controller upgrades: a deploy accepted while the upgrade steps run is ' +
    'acknowledged and then lost when the steps rewrite the model, so the client waits for an application that ' +
    'will never appear.',
  controller: 'juju-1.22',
  client: 'reconnecting',
  clients: 2,
  versions: ['1.22.3', '1.22.4', '1.23.0'],
  weights: DEFAULT_WEIGHTS,
  maxEvents: 20,
  expect: {
    'watchers-resume': 'held',
    'no-work-before-upgrade': 'violated',
    'no-lost-work': 'violated',
    'deployments-complete': 'violated',
    ...CONTROLLER_CONTRACT,
    ...CLIENT_CONTRACT,
  },
  deadlines: DEFAULT_DEADLINES,
};
