import { CLIENT_CONTRACT, CONTROLLER_CONTRACT, DEFAULT_DEADLINES, type Scenario } from '../harness/scenario.ts';

export const juju122PinnedAgentVersion: Scenario = {
  name: 'juju-1.22-pinned-agent-version',
  summary: 'Workaround A: agent-version pinned, so no implicit upgrade; explicit upgrades still drop the deployer',
  description:
    'Workaround A of the bug report, as Juju CI ran it: environments.yaml sets "agent-version: 1.22.1", so the ' +
    'fresh controller stays at the version under test even though 1.22.3 is in the streams. The pin stops the ' +
    'surprise, not the race: when an operator runs "juju upgrade-juju" while the 2015 deployer is deploying, the ' +
    'agent restarts, every connection drops, the deploy accepted during the pending upgrade has its charms ' +
    'interrupted, and the deployer, which never reconnects, loses its watcher and fails.',
  controller: 'juju-1.22',
  controllerChanges: { agentVersionPin: '1.22.1' },
  client: 'deployer-naive',
  clients: 1,
  testedVersion: '1.22.1',
  versions: ['1.22.3', '1.22.4'],
  weights: { deploy: 4, wait: 5, upgrade: 2, 'chained-upgrade': 1, publish: 1, 'upgrade-on-activity': 1 },
  maxEvents: 20,
  expect: {
    'no-surprise-upgrade': 'held',
    'version-as-tested': 'held',
    'no-work-before-upgrade': 'violated',
    'watchers-resume': 'violated',
    'deployments-complete': 'violated',
    ...CONTROLLER_CONTRACT,
    ...CLIENT_CONTRACT,
  },
  deadlines: DEFAULT_DEADLINES,
};
