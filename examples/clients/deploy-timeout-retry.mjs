#!/usr/bin/env node
// A deployment script that will not wait long for a Deploy: after 3 s (model time) without an answer
// it sends the Deploy again on the same connection, and takes any error but "upgrade in progress"
// for a real one: an "already exists" (its own first Deploy, applied while it waited) makes it give
// up (exit 1). Everything else is robust.mjs: it pings, reconnects with backoff, re-creates its
// watcher, rebuilds its view from each snapshot (what the snapshot shows is deployed) and retries
// "upgrade in progress". A controller that answers in milliseconds never lets the timeout fire, and
// a partition long enough to hold a Deploy that long has its pings close the link first (the kit's
// call timeout): only a short partition landing on the Deploy's flight does it. A slow controller
// (plan event `slow`: every message seconds later, as a controller just upgraded answers) does it
// whenever a Deploy is sent in the window and its round trip outlasts 3 s, and the answer to the one
// sent again comes before the pings' timeout (the kit's 1 s real: 10 s at time scale 0.1) closes the link.
// Run by upgrade-chaos as `--client-cmd "node examples/clients/deploy-timeout-retry.mjs"`.
import {
  BundleDeployment,
  exitingAtDeadline,
  sessionsForever,
  sleep,
  TIME_SCALE,
  upgrading,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

/** How long a Deploy is waited for before it is sent again (model time, scaled as the harness plays it). */
const DEPLOY_TIMEOUT_MODEL_MS = 3_000;

/** One Deploy; its answer is read whenever it comes, even once the script stopped waiting for it. */
function sendDeploy(call, todo) {
  return call('Application', 19, 'Deploy', { applications: deployment.deployArgs(todo) }).then(({ results }) => {
    results.forEach((r, i) => {
      if (!r.error) deployment.done.add(todo[i]);
      else exit(1, `deploy ${todo[i]} failed: ${r.error.message ?? r.error}`); // THE BUG, half two: its own deploy
    });
    return 'answered';
  });
}

/** Deploys what the view does not show, sending a Deploy again when its answer is slow to come. */
async function deployImpatiently(call) {
  for (;;) {
    const todo = Object.keys(deployment.bundle).filter((app) => !deployment.done.has(app));
    if (todo.length === 0) return;
    const answer = sendDeploy(call, todo);
    answer.catch(() => {}); // given up on, it may still fail: its connection closed
    const timeout = sleep(DEPLOY_TIMEOUT_MODEL_MS * TIME_SCALE).then(() => 'timeout');
    try {
      await Promise.race([answer, timeout]); // THE BUG, half one: on 'timeout' it goes round and sends again
    } catch (e) {
      if (!upgrading(e)) throw e;
      await sleep(150);
    }
  }
}

/** robust.mjs's deployment, but what a new watcher's snapshot shows counts as deployed (no Deploy
 *  of it again after a reconnect), and its deploys are deployImpatiently's instead of the kit's deployAll. */
class ImpatientDeployment extends BundleDeployment {
  snapshot(deltas) {
    super.snapshot(deltas);
    for (const app of this.units.keys()) this.done.add(app); // there already: deployed
  }

  deployAll(call) {
    return deployImpatiently(call);
  }
}

const deployment = new ImpatientDeployment();
const exit = exitingAtDeadline('deploy-timeout-retry', deployment);

await sessionsForever((conn) => watchAndFollow(conn, deployment, exit));
