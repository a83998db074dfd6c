import { controllerProfile } from '../harness/controller/profile.ts';
import {
  CLIENT_CONTRACT,
  CLIENT_SURVIVES,
  CONTROLLER_CONTRACT,
  DEFAULT_DEADLINES,
  DEFAULT_WEIGHTS,
  type Scenario,
} from '../harness/scenario.ts';

const base = controllerProfile('juju-1.24')!;

export const juju124DownloadRetry: Scenario = {
  name: 'juju-1.24-download-retry',
  summary: 'Agent downloads fail half the time and are retried; the gated API and a reconnecting client ride it out',
  description:
    'A flaky link between the controller and the release streams: every attempt to download the new agent ' +
    'binaries fails half the time, and the upgrader retries after a delay, so an upgrade stays pending (and the ' +
    'gated API restricted) for much longer than usual. With fixes 1 and 2A the reconnecting client keeps retrying ' +
    'its refused work and watching, and the deployment must still complete once the upgrade is through.',
  controller: 'juju-1.24',
  controllerChanges: { timing: { ...base.timing, downloadFailureRate: 0.5 } },
  client: 'reconnecting',
  clients: 2,
  versions: ['1.24.2', '1.24.3', '1.25.0'],
  weights: DEFAULT_WEIGHTS,
  maxEvents: 20,
  expect: { ...CLIENT_SURVIVES, ...CONTROLLER_CONTRACT, ...CLIENT_CONTRACT },
  deadlines: DEFAULT_DEADLINES,
};
