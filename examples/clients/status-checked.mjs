#!/usr/bin/env node
// A deployment script that avoids the upgrade race by looking first, and so is caught by it. Before
// each Deploy it asks Client.FullStatus (which the 1.24 gate serves during an upgrade) and waits
// while the model says "busy" (upgrading); it deploys only once the status says "available". A
// Deploy refused with "upgrade in progress" right after such a status is taken for a controller
// that refuses the bundle for good (THE BUG: it checked, so the refusal cannot be the upgrade), and
// it gives up (exit 1). It deploys first and watches after (`juju deploy`, then wait), and is
// otherwise robust.mjs: it pings, reconnects with backoff, logs in again, re-creates its watcher
// and deploys idempotently, so it survives the implicit upgrade after bootstrap (it waits it out),
// faults and upgrades at random times: only an upgrade that starts between its status call and its
// Deploy (`on: "deploy-received"`) finds it.
// Run by upgrade-chaos as `--client-cmd "node examples/clients/status-checked.mjs"`.
import {
  BundleDeployment,
  exitingAtDeadline,
  sessionsForever,
  sleep,
  upgrading,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

const deployment = new BundleDeployment();
const exit = exitingAtDeadline('status-checked', deployment);

/** Waits until the model's status is "available" (no upgrade), then deploys what is not done. */
async function deployWhenAvailable(call) {
  for (;;) {
    const todo = Object.keys(deployment.bundle).filter((app) => !deployment.done.has(app));
    if (todo.length === 0) return;
    const status = await call('Client', 8, 'FullStatus', { patterns: [] });
    if (status.model?.['model-status']?.status === 'busy') {
      await sleep(150);
      continue;
    }
    try {
      const { results } = await call('Application', 19, 'Deploy', { applications: deployment.deployArgs(todo) });
      results.forEach((r, i) => {
        if (!r.error || /already exists/.test(r.error.message ?? '')) deployment.done.add(todo[i]);
      });
    } catch (e) {
      if (!upgrading(e)) throw e;
      exit(1, `deploy refused though the model was available: ${e.message}`); // THE BUG
    }
  }
}

await sessionsForever(async (conn) => {
  await deployWhenAvailable(conn.call);
  await watchAndFollow(conn, deployment, exit);
});
