/**
 * The operator who shares the model with a `--client-cmd` program: another team member's applications
 * in it, and their `juju remove-application` while the program deploys. A program deploys its bundle
 * its own way and cannot be asked to remove anything, so this is how a removal reaches it: as `remove`
 * deltas on its watcher (or an application gone from a new watcher's snapshot), which a script that
 * keeps ghosts in its view mishandles. The removal goes through the API as the CLI's does (a
 * connection of its own, Admin.Login, Application.DestroyApplication, a clean close), so it is
 * refused while the API is restricted for an upgrade and recorded like any client's.
 */
import type { ApiResponse } from './api-types.ts';
import { facadeVersion } from './api-types.ts';
import type { Controller } from './controller.ts';
import { charmUrlOf } from '../plan.ts';

/** The client name the operator's connections carry in the history. */
export const OPERATOR = 'operator';

/**
 * The model's applications from before the program's run (no units: another deployment's
 * leftovers), added as the controller is bootstrapped: the program's first snapshot shows them.
 */
export function seedOperatorApps(controller: Controller, apps: readonly string[]): void {
  for (const app of apps) controller.deployApplication(app, charmUrlOf(app.replace(/^old-/, '')), 0);
}

/** The note of the operator's timed removal dropped at the plan's end: the program never waited on
 *  its watcher (AllWatcher.Next) after the removal was due, nor had it lost its watcher then. */
export function notWaitedOnWatcherNote(client: string): string {
  return `${client} did not wait on its watcher again before the plan ended (quiescence injects no fault)`;
}

/** `juju remove-application APP` by the operator: whether the controller removed it, and why not. */
export function removeAsOperator(controller: Controller, app: string): { applied: boolean; note: string } {
  const answers: ApiResponse[] = [];
  const conn = controller.connect(OPERATOR, { send: (r) => void answers.push(r), close: () => {} });
  if (!conn) return { applied: false, note: `the operator cannot remove ${app}: the controller is down` };
  const { username, password } = controller.credentials;
  conn.receive({
    'request-id': 1,
    type: 'Admin',
    version: facadeVersion('Admin'),
    request: 'Login',
    params: { 'auth-tag': `user-${username}`, credentials: password },
  });
  conn.receive({
    'request-id': 2,
    type: 'Application',
    version: facadeVersion('Application'),
    request: 'DestroyApplication',
    params: { applications: [{ 'application-tag': `application-${app}` }] },
  });
  conn.closedByClient();
  const answer = answers.find((a) => a['request-id'] === 2);
  const error = answer?.error ?? resultError(answer);
  return error === undefined
    ? { applied: true, note: `the operator removed ${app}` }
    : { applied: false, note: `the operator's removal of ${app} failed: ${error}` };
}

function resultError(answer: ApiResponse | undefined): string | undefined {
  if (!answer) return 'no answer';
  const results = (answer.response as { results?: { error?: { message?: string } }[] } | undefined)?.results;
  return results?.[0]?.error?.message;
}
