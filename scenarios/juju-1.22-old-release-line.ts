import { CLIENT_CONTRACT, CONTROLLER_CONTRACT, DEFAULT_DEADLINES, type Scenario } from '../harness/scenario.ts';

export const juju122OldReleaseLine: Scenario = {
  name: 'juju-1.22-old-release-line',
  summary: 'Workaround C: stay on 1.22.x, which "gets no updates", until a 1.22 patch is published before a bootstrap',
  description:
    'Workaround C: the company never uses current juju; it stays on the 1.22 line, which it believes no longer ' +
    'changes, and its streams hold nothing newer than the 1.22.1 it tested. Then Canonical ships a 1.22.4 patch to ' +
    "keep up with a cloud's API change. The next bootstrap after the patch appears writes 1.22.4 into agent-version, " +
    "so the controller upgrades itself, to the company's surprise, under a deployer that does not reconnect.",
  controller: 'juju-1.22',
  controllerChanges: { streams: ['1.22.1'] },
  client: 'deployer-naive',
  clients: 1,
  testedVersion: '1.22.1',
  versions: ['1.22.4'],
  // Patch releases are this world's weather: they land as often as the company deploys.
  weights: { deploy: 4, wait: 3, publish: 4 },
  maxEvents: 20,
  expect: {
    'no-surprise-upgrade': 'violated',
    'version-as-tested': 'violated',
    'deployments-complete': 'violated',
    ...CONTROLLER_CONTRACT,
    ...CLIENT_CONTRACT,
  },
  deadlines: DEFAULT_DEADLINES,
};
