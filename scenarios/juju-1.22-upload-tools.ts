import { controllerProfile } from '../harness/controller/profile.ts';
import { CLIENT_CONTRACT, CONTROLLER_CONTRACT, DEFAULT_DEADLINES, type Scenario } from '../harness/scenario.ts';

const base = controllerProfile('juju-1.22')!;

export const juju122UploadTools: Scenario = {
  name: 'juju-1.22-upload-tools',
  summary: 'Workaround B: bootstrap --upload-tools from a machine whose $PATH has a dev juju first',
  description:
    'Workaround B, as Canonical IS and many customers used it: "juju bootstrap --upload-tools" to force the ' +
    'controller to a known version instead of whatever the streams hold. But the uploaded agent is built on the ' +
    'client machine from the first juju on $PATH, and on this machine that is a development build (1.23-beta1) ' +
    'left there by an earlier test. The controller that was meant to run the tested 1.22.1 runs 1.23-beta1.1, and ' +
    'later "upgrade-juju --upload-tools" keeps building from the same dev tree. No implicit upgrade happens (the ' +
    'uploaded agent is not in the streams), so nothing is a surprise upgrade; the version is simply not the one ' +
    'tested.',
  controller: 'juju-1.22',
  controllerChanges: {
    bootstrapUploadTools: true,
    clientMachine: { ...base.clientMachine, jujuOnPath: '1.23-beta1' },
  },
  client: 'deployer-naive',
  clients: 1,
  testedVersion: '1.22.1',
  versions: ['1.22.3', '1.23.0'],
  uploadTools: true,
  weights: { deploy: 4, wait: 5, upgrade: 2, publish: 1, 'upgrade-on-activity': 1 },
  maxEvents: 20,
  expect: {
    'version-as-tested': 'violated',
    'no-surprise-upgrade': 'held',
    ...CONTROLLER_CONTRACT,
    ...CLIENT_CONTRACT,
  },
  deadlines: DEFAULT_DEADLINES,
};
