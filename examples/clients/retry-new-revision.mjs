#!/usr/bin/env node
// A deployment script that resolves its charm again for every Deploy attempt ("latest"), as scripts
// that call the store's resolver inside their retry loop do. Its first Deploy names the bundle's
// charm; a retry after "upgrade in progress" or a lost connection names a newer revision (`-2`,
// `-3`...), so what ends up deployed is a revision the team never tested: charm-as-asked catches it.
// It deploys first and watches after (`juju deploy`, then wait), and is otherwise robust.mjs: it
// pings, reconnects, logs in again, retries "upgrade in progress" and deploys idempotently.
// Run by upgrade-chaos as `--client-cmd "node examples/clients/retry-new-revision.mjs"`.
import {
  BundleDeployment,
  exitingAtDeadline,
  sessionsForever,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

/** robust.mjs's deployment, plus THE BUG: each attempt after an application's first re-resolves its charm. */
class RetryNewRevision extends BundleDeployment {
  attempts = new Map(); // app -> Deploy requests sent for it

  deployArgs(apps = Object.keys(this.bundle)) {
    return super.deployArgs(apps).map((arg) => {
      const n = (this.attempts.get(arg.application) ?? 0) + 1;
      this.attempts.set(arg.application, n);
      return n === 1 ? arg : { ...arg, 'charm-url': `${arg['charm-url']}-${n}` };
    });
  }
}

const deployment = new RetryNewRevision();
const exit = exitingAtDeadline('retry-new-revision', deployment);

await sessionsForever(async (conn) => {
  await deployment.deployAll(conn.call);
  await watchAndFollow(conn, deployment, exit);
});
