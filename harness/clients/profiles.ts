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
    'python-libjuju 3.5.2 as it was seen to behave: reconnects after a drop but never watches again, gives up 60 s after a refused dial (an agent restart) without dialling again; an API error ("upgrade in progress" included) kills the watcher',
    {
      reconnect: 'always',
      waitForUpgrade: false,
      // What finds a dead link is the websockets library's keepalive (a ping every 20 s, 20 s to
      // answer): the library's own Pinger.Ping (every 10 s) and its Login wait without a timeout.
      keepalive: { intervalMs: 20_000, timeoutMs: 20_000 },
      // Seen with the real library (README, python-libjuju): its watcher loop stops for good when the
      // connection drops (the receiver's reconnect has begun, and the loop reads that as a close it
      // asked for), and its dial retries never dial again.
      rewatchOnReconnect: false,
      refusedDialIsFinal: true,
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
