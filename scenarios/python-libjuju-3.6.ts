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
    "target, time scale 1, python-libjuju 3.5.2 at 6c6d70d on Debian 12's Python 3.11, seeds 1-3, 50 runs each): " +
    'watchers-resume and deployments-complete are violated because a dropped connection is final for the script: ' +
    "block_until raises websockets.ConnectionClosed as soon as the library's connection is down (an agent restart, " +
    'a reset), as it documents, and that exception cannot even print itself on websockets 10+. Nor would waiting ' +
    "help: the library's reconnect never comes back after an agent restart, because its three dial 'retries' (10, " +
    '20, 30 s apart) await the same failed dial again instead of dialling anew, so the dial refused while the agent ' +
    'was down is final, and a script started a few seconds before the controller listens gives up after 60 s ' +
    '("Unable to connect to any endpoint") though the controller came up meanwhile; on Python 3.11+ an RPC sent ' +
    'on a connection that just closed raises TypeError (asyncio.wait given a coroutine) instead of reconnecting; a ' +
    'dial whose opening handshake times out (a partition) is not retried at all. no-work-before-upgrade is violated ' +
    'by the controller, not the client: Juju 3.6 accepts a deploy and runs its hooks while an upgrade is pending. ' +
    'requests-settle, no-surprise-upgrade and no-lost-work held (requests-settle judges a program by its reports ' +
    'only: the harness does not see its calls), and nothing it was told was deployed went missing. Needs an ' +
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
  // python-libjuju waits in real seconds (10, 20 and 30 between its dial retries) and takes seconds to
  // start: only at time scale 1 does it meet the controller's restarts and upgrade steps as they
  // last. A deployment gets 90 s, enough for the library's three retries.
  timeScale: 1,
  deadlines: { ...DEFAULT_DEADLINES, deployMs: 90_000 },
};
