#!/usr/bin/env node
// A naive deployment script, as many were written in 2015: one connection, log in, watch, deploy
// the bundle, wait until every unit is active. No ping, no reconnect, no retry: a dropped
// connection or an "upgrade in progress" refusal fails the deployment (exit 1).
// Run by upgrade-chaos as `--client-cmd "node scenarios/clients/naive.mjs"` (see command-client.ts
// for the environment it gets).
import { API_URL, BundleDeployment, connect, exiting, login } from './juju-script-kit.mjs';

const deployment = new BundleDeployment();
const exit = exiting('naive', deployment);
const fail = (why) => exit(1, why);

const { ws, call } = connect(API_URL);
ws.on('error', (e) => fail(`connection error: ${e.message}`));
ws.on('close', () => fail('lost the connection to the controller'));

ws.on('open', async () => {
  try {
    await login(call);
    const { 'watcher-id': watcher } = await call('Client', 8, 'WatchAll');
    const { results } = await call('Application', 19, 'Deploy', { applications: deployment.deployArgs() });
    const error = results.find((r) => r.error)?.error;
    if (error) fail(`deploy failed: ${error.message}`);
    for (;;) {
      const { deltas } = await call('AllWatcher', 3, 'Next', {}, watcher);
      deployment.apply(deltas);
      if (deployment.deployed()) exit(0);
    }
  } catch (e) {
    fail(e.message);
  }
});
