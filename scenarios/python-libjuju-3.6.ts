import { CLIENT_CONTRACT, CONTROLLER_CONTRACT, DEFAULT_DEADLINES, type Scenario } from '../harness/scenario.ts';

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
    'works: the API serves as usual while the new agent downloads, the restart drops every connection, and a login ' +
    'during the upgrade steps gets a root restricted to "upgrade in progress" for its whole life. Evidence (process ' +
    'target, time scale 1, python-libjuju 3.5.2 at 6c6d70d, 50 runs at seed 1): watchers-resume and ' +
    'deployments-complete are violated because a dropped connection is final for the script: block_until raises ' +
    "websockets.ConnectionClosed as soon as the library's connection is down (an agent restart, a reset), rather " +
    'than waiting for the library to reconnect, and that exception cannot even print itself on websockets 10+; a ' +
    "script started while no controller listens gives up after the library's three dial retries (10, 20, 30 s). " +
    'no-work-before-upgrade is violated by the controller, not the client: Juju 3.6 accepts a deploy and runs its ' +
    'hooks while an upgrade is pending. requests-settle, no-surprise-upgrade and no-lost-work held: the library ' +
    'settles every call when its connection closes, and nothing it was told was deployed went missing. Needs an ' +
    'interpreter that can import juju (UPGRADE_CHAOS_PYTHON).',
  controller: 'juju-3.6',
  client: 'python-libjuju',
  clients: 1,
  versions: ['3.6.2', '3.6.3'],
  weights: { deploy: 2, wait: 3, upgrade: 3, publish: 1, disconnect: 1, partition: 1, restart: 1 },
  maxEvents: 8,
  expect: {
    'no-work-before-upgrade': 'violated',
    'watchers-resume': 'violated',
    'deployments-complete': 'violated',
    'requests-settle': 'held',
    'no-surprise-upgrade': 'held',
    'no-lost-work': 'held',
    ...CONTROLLER_CONTRACT,
    ...CLIENT_CONTRACT,
  },
  // python-libjuju waits in real seconds (10, 20 and 30 between dial retries) and takes seconds to
  // start: only at time scale 1 does it meet the controller's restarts and upgrade steps as they
  // last. A deployment gets 90 s, enough for the library's three retries.
  timeScale: 1,
  deadlines: { ...DEFAULT_DEADLINES, deployMs: 90_000 },
};
