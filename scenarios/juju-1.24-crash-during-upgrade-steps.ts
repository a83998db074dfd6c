import {
  CLIENT_CONTRACT,
  CLIENT_SURVIVES,
  CONTROLLER_CONTRACT,
  DEFAULT_DEADLINES,
  type Scenario,
} from '../harness/scenario.ts';

export const juju124CrashDuringUpgradeSteps: Scenario = {
  name: 'juju-1.24-crash-during-upgrade-steps',
  summary:
    'The agent crashes again and again, upgrade steps included; the gated API and a reconnecting client ride it out',
  description:
    'An agent that crashes in the middle of its upgrade steps (out of memory, a bad migration, a host reboot): ' +
    'it restarts, runs the steps again from the start, and drops every connection each time. The mix is heavy in ' +
    'crashes and upgrades. With the gated API no work is accepted and no hook starts until the steps finally ' +
    'complete; hooks interrupted by a crash are run again; the reconnecting client must get its watcher back and ' +
    'its deployments done.',
  controller: 'juju-1.24',
  client: 'reconnecting',
  clients: 2,
  versions: ['1.24.2', '1.24.3', '1.25.0'],
  weights: {
    deploy: 4,
    wait: 5,
    restart: 4,
    upgrade: 2,
    'chained-upgrade': 2,
    publish: 1,
    remove: 1,
    rewatch: 1,
    'upgrade-on-activity': 1,
  },
  maxEvents: 20,
  expect: { ...CLIENT_SURVIVES, ...CONTROLLER_CONTRACT, ...CLIENT_CONTRACT },
  deadlines: DEFAULT_DEADLINES,
};
