import { controllerProfile } from '../harness/controller/profile.ts';
import { CLIENT_CONTRACT, CONTROLLER_CONTRACT, DEFAULT_DEADLINES, type Scenario } from '../harness/scenario.ts';

const base = controllerProfile('juju-1.22')!;

export const juju122UpgradeUploadTools: Scenario = {
  name: 'juju-1.22-upgrade-upload-tools',
  summary:
    'Workaround B: an explicit upgrade-juju --upload-tools lands on what the client machine built, not the version asked for',
  description:
    'The bug reports behind workaround B (lp:1392810, lp:1307643, lp:1325040). The controller was bootstrapped at ' +
    'the tested 1.22.1 (agent-version pinned), and the operator later runs "juju upgrade-juju --upload-tools ' +
    '--version 1.22.3". The agent it uploads is built on the client machine, chosen by its arch, series and the ' +
    'first juju on $PATH, which here is a development 1.23-beta1: the controller asked for 1.22.3 ends up running ' +
    '1.23-beta1.1. Plain explicit upgrades (from the streams) and releases appearing meanwhile are in the mix too.',
  controller: 'juju-1.22',
  controllerChanges: {
    agentVersionPin: '1.22.1',
    clientMachine: { ...base.clientMachine, jujuOnPath: '1.23-beta1' },
  },
  client: 'deployer-naive',
  clients: 1,
  testedVersion: '1.22.1',
  versions: ['1.22.3', '1.22.4'],
  uploadTools: true,
  weights: { deploy: 2, wait: 5, upgrade: 3, publish: 1, 'upgrade-on-activity': 1 },
  maxEvents: 20,
  expect: {
    'version-as-tested': 'violated',
    'no-surprise-upgrade': 'held',
    ...CONTROLLER_CONTRACT,
    ...CLIENT_CONTRACT,
  },
  deadlines: DEFAULT_DEADLINES,
};
