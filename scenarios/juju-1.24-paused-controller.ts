import {
  CLIENT_CONTRACT,
  CLIENT_SURVIVES,
  CONTROLLER_CONTRACT,
  DEFAULT_DEADLINES,
  DEFAULT_WEIGHTS,
  type Scenario,
} from '../harness/scenario.ts';

export const juju124PausedController: Scenario = {
  name: 'juju-1.24-paused-controller',
  summary: 'The gated fix under Jepsen pauses: the whole controller frozen for up to a minute, then resumed',
  description:
    "The fix that landed for the bug (Juju 1.24's restricted API, a reconnecting client), with the controller's " +
    'every process frozen now and then for one to sixty seconds, as `docker pause` or SIGSTOP freeze it: its ' +
    'sockets stay open and nothing answers, its timers come due late, and what the client sent waits until the ' +
    'resume. A garbage-collection stall, a starved VM or a frozen container looks like this. The client must not ' +
    'lose a deployment or a watcher to it. Pauses freeze the whole controller server, so on the process and ' +
    'container targets a run with a pause has the server to itself.',
  controller: 'juju-1.24',
  client: 'reconnecting',
  clients: 2,
  versions: ['1.24.2', '1.24.3', '1.25.0'],
  weights: { ...DEFAULT_WEIGHTS, pause: 2 },
  maxEvents: 20,
  expect: { ...CLIENT_SURVIVES, ...CONTROLLER_CONTRACT, ...CLIENT_CONTRACT },
  deadlines: DEFAULT_DEADLINES,
};
