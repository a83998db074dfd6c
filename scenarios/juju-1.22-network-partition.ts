import { CLIENT_CONTRACT, CONTROLLER_CONTRACT, DEFAULT_DEADLINES, type Scenario } from '../harness/scenario.ts';

export const juju122NetworkPartition: Scenario = {
  name: 'juju-1.22-network-partition',
  summary: 'The 2015 deployer across a flaky network: no timeouts, so a partition leaves its requests hanging',
  description:
    'The bug report\'s first fix starts from the fact that clients "will be disconnected because of network issues ' +
    'as well as explicit disconnects during upgrade-juju". Here the network between the deployment script and a ' +
    'Juju 1.22 controller partitions now and then for up to a minute while the controller upgrades itself. The 2015 ' +
    'deployer sends no pings and puts no timeout on its calls, so a call caught in a long partition neither ' +
    "returns nor fails for as long as the partition lasts, and when the restart's close finally reaches it the " +
    'deployment is lost.',
  controller: 'juju-1.22',
  client: 'deployer-naive',
  clients: 1,
  versions: ['1.22.3', '1.22.4'],
  weights: { deploy: 1, wait: 3, partition: 3 },
  maxEvents: 20,
  expect: {
    'requests-settle': 'violated',
    'deployments-complete': 'violated',
    'watchers-resume': 'violated',
    ...CONTROLLER_CONTRACT,
    ...CLIENT_CONTRACT,
  },
  deadlines: DEFAULT_DEADLINES,
};
