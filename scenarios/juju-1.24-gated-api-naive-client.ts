import {
  CLIENT_CONTRACT,
  CONTROLLER_CONTRACT,
  DEFAULT_DEADLINES,
  DEFAULT_WEIGHTS,
  type Scenario,
} from '../harness/scenario.ts';

export const juju124GatedApiNaiveClient: Scenario = {
  name: 'juju-1.24-gated-api-naive-client',
  summary: 'Fix 2A alone: the gated 1.24 API refuses work during the upgrade, but the 2015 deployer gives up',
  description:
    'Fix 2A without fix 1: Juju 1.24 lets clients log in during an upgrade but refuses their work with "upgrade in ' +
    'progress" until it is done, and unit agents start no hook meanwhile. No work is lost or interrupted any more; ' +
    'but the 2015 deployer neither retries the refused deploy nor reconnects when the restart drops its ' +
    'connection, so the deployment still fails. The bug report asked for both fixes for a reason.',
  controller: 'juju-1.24',
  client: 'deployer-naive',
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
