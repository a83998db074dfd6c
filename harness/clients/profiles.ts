/**
 * The built-in client profiles: the deployment scripts of the bug report's world, and the fixes.
 */
import type { ClientProfile } from './client.ts';
import { jujulibProfile } from './jujulib-client.ts';
import { pythonLibjujuProfile } from './python-libjuju-profile.ts';
import { ScriptedClient, type ClientPolicy } from './scripted-client.ts';

const NAIVE: ClientPolicy = {
  reconnect: 'never',
  waitForUpgrade: false,
  rewatchOnReconnect: false,
  resetViewOnNewWatcher: false,
  retryUpgradeInProgress: false,
  idempotentDeploys: false,
};

/** Fix 1's script (the `reconnecting` profile); exported for variants built on it (the bench's). */
export const RECONNECTING: ClientPolicy = {
  reconnect: 'always',
  waitForUpgrade: false,
  keepalive: { intervalMs: 10_000, timeoutMs: 5_000 },
  // A login unanswered for 10 s means a dead link: without it a link gone half-open while the script
  // logs in waited for its first ping (15 s), and with its backoff grown missed the resume deadline.
  loginTimeoutMs: 10_000,
  rewatchOnReconnect: true,
  resetViewOnNewWatcher: true,
  retryUpgradeInProgress: true,
  idempotentDeploys: true,
  // Juju retries a failed hook after 5 s, 10 s, 20 s...: an error that lasts two minutes is final.
  unitErrorGraceMs: 120_000,
};

/** A profile of the scripted engine with `policy` (tests and the bench plant bugs this way). */
export function scriptedProfile(name: string, summary: string, policy: ClientPolicy): ClientProfile {
  return { name, summary, create: (env) => new ScriptedClient(env, policy) };
}

export const CLIENT_PROFILES: readonly ClientProfile[] = [
  scriptedProfile(
    'deployer-naive',
    'the 2015 juju-deployer / quickstart / bespoke script: one connection, no reconnect; a lost connection fails the deployment',
    NAIVE,
  ),
  scriptedProfile(
    'quickstart-savvy',
    'waits (reconnecting if it must) until status shows the controller finished upgrading, then deploys like the naive script',
    { ...NAIVE, reconnect: 'while-waiting-for-upgrade', waitForUpgrade: true },
  ),
  scriptedProfile(
    'reconnecting',
    'fix 1: pings, times out its login, reconnects with backoff, logs in again, re-creates its watcher and resets its view, retries "upgrade in progress", deploys idempotently',
    RECONNECTING,
  ),
  scriptedProfile(
    'libjuju-like',
    'python-libjuju 3.5: pings, reconnects and re-creates its AllWatcher, but any other API error ("upgrade in progress" included) kills the watcher; the view is never reset',
    {
      reconnect: 'always',
      waitForUpgrade: false,
      keepalive: { intervalMs: 10_000, timeoutMs: 5_000 },
      rewatchOnReconnect: true,
      resetViewOnNewWatcher: false,
      retryUpgradeInProgress: false,
      idempotentDeploys: false,
    },
  ),
  // The real libraries rather than policies of ours; real sockets only (process and external targets).
  jujulibProfile,
  pythonLibjujuProfile,
];

export function clientProfile(name: string): ClientProfile | undefined {
  return CLIENT_PROFILES.find((p) => p.name === name);
}
