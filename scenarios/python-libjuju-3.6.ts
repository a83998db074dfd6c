import { DEFAULT_DEADLINES, type Scenario } from '../harness/scenario.ts';

/**
 * Real sockets only (`--target process`): the real python-libjuju, running the example deployment
 * script scenarios/clients/python-libjuju-deploy.py over wss://, against Juju 3.6 upgraded
 * explicitly under it. Its verdicts are what the harness found, not what we wished.
 */
export const pythonLibjuju36: Scenario = {
  name: 'python-libjuju-3.6',
  summary:
    'a deployment script on the real python-libjuju meets explicit Juju 3.6 upgrades (real sockets, wss: --target process)',
  description:
    "A script written with python-libjuju's documented API (Model.connect with the controller's CA, get_status, " +
    'deploy of a local charm, block_until every unit is active, disconnect) runs against a Juju 3.6 controller ' +
    'that never upgrades itself but is upgraded explicitly (upgrade-controller to a newer patch) while the script ' +
    'works: the agent restarts, every connection drops, and the restricted API answers "upgrade in progress" ' +
    'until the upgrade steps are done. Needs an interpreter that can import juju (UPGRADE_CHAOS_PYTHON).',
  controller: 'juju-3.6',
  client: 'python-libjuju',
  clients: 1,
  versions: ['3.6.2', '3.6.3'],
  weights: { deploy: 2, wait: 3, upgrade: 3, publish: 1, disconnect: 1, partition: 1, restart: 1 },
  maxEvents: 8,
  expect: {
    'no-work-before-upgrade': 'held',
    'watchers-resume': 'held',
    'deployments-complete': 'held',
    'requests-settle': 'held',
    'no-surprise-upgrade': 'held',
    'no-lost-work': 'held',
  },
  // python-libjuju waits in real seconds (10, 20 and 30 between dial retries) and takes seconds to
  // start: only at time scale 1 does it meet the controller's restarts and upgrade steps as they
  // last. A deployment gets 90 s, enough for the library's three retries.
  timeScale: 1,
  deadlines: { ...DEFAULT_DEADLINES, deployMs: 90_000 },
};
