import type { History, RecordOf, RecordType } from '../harness/history.ts';
import { formatModelMs, formatMs } from '../harness/plan.ts';
import { count } from '../harness/plural.ts';
import type { Property, Violation } from './property.ts';
import { CONTROLLER_NOT_OBSERVED } from './common.ts';
import { HistoryIndex, Kinds, Selection } from './history-index.ts';

const NAME = 'reconnect-backoff';

/** The window, in model time, in which a client's retries are counted. */
export const RETRY_WINDOW_MS = 10_000;
/** Retries one client may make within any window of RETRY_WINDOW_MS: one a second on average. */
export const MAX_RETRIES_PER_WINDOW = 10;

/** What the property reads; `bootstrap` too, so that a run whose clients never reached the
 *  controller still counts as observed (an external controller writes none of these: unknown). */
const READ_TYPES: readonly RecordType[] = ['bootstrap', 'conn-open', 'conn-refused', 'conn-close', 'login'];
const OBSERVED = new Kinds(READ_TYPES);
const READS = new Selection(READ_TYPES);

/**
 * reconnect-backoff (a client waits before trying again): after an upgrade's restart every agent
 * and client reconnects at once, and a client that redials or logs in again in a tight loop makes a
 * login storm that keeps the controller from coming back (Juju gave its own API connections a
 * jittered exponential backoff for this). Read from controller-side records only, so it judges a
 * `--client-cmd` program as it judges a built-in client:
 *
 * - A client's *attempts* are its dials the controller saw, accepted (`conn-open`) or turned away
 *   while the agent was down (`conn-refused`), and every `login` on a connection that already had
 *   one (logging in again on the same connection retries as surely as dialling again).
 * - An attempt is *prompted* when it is the client's first, or when the controller dropped one of
 *   the client's connections since its previous attempt (`conn-close` with reason `agent-down` or
 *   `fault`: an upgrade's restart, a crash, a network fault): a client that loses a working
 *   connection may dial again at once. Every other attempt is a *retry*: it follows a refused dial,
 *   a connection the client closed itself, a login that did not get it going. Only retries count.
 * - Rule: within any window of RETRY_WINDOW_MS (10 s) of model time, a client makes at most
 *   MAX_RETRIES_PER_WINDOW (10) retries: the 11th retry less than 10 s after the first of them is a
 *   violation at its time. One a second on average is well below what real clients do: Juju's own
 *   API client waits 2 s between failed dials (DefaultDialOpts' RetryDelay), python-libjuju 10 s,
 *   then 20 s, then 30 s, and the built-in profiles back off from 0.5 s to 8 s; a client with no
 *   backoff makes hundreds (a trial's script: 2,038 dials in one run).
 *
 * Model time on every target: on a real one a program's real waits are magnified by 1 / time scale
 * (a 50 ms wait is 0.5 s of model time at 0.1; robust.mjs's kit scales its own by UPGRADE_CHAOS_TIME_SCALE,
 * 0.5 s to 5 s of model time at any scale), and the message gives the
 * real times too. A stall does not fake a storm: a client that waits for its dial's outcome before
 * the next one leaves at least its own wait between the controller's records of them. Some dials
 * refused at the TCP level are not recorded (harness/history.ts, `conn-refused`, says which): there
 * the property sees fewer attempts, and can miss a storm, never invent one.
 *
 * One violation per client: its first window over the limit, with its retries in the whole run.
 * Without controller-side records (an external controller) the property cannot judge: unknown.
 */
export const reconnectBackoff: Property = {
  name: NAME,
  summary: `a client waits before it dials or logs in again: at most ${MAX_RETRIES_PER_WINDOW} retries in any ${formatMs(RETRY_WINDOW_MS)} of model time`,
  cannotJudge(history: History): string | undefined {
    if (HistoryIndex.of(history).any(OBSERVED)) return undefined;
    return `the history has no bootstrap, connection or login record: ${CONTROLLER_NOT_OBSERVED}`;
  },
  check(history: History): Violation[] {
    const clients = new Map<string, ClientAttempts>();
    const of = (client: string): ClientAttempts => {
      let c = clients.get(client);
      if (!c) clients.set(client, (c = new ClientAttempts()));
      return c;
    };
    for (const r of HistoryIndex.of(history).select(READS)) {
      switch (r.type) {
        case 'conn-open':
        case 'conn-refused':
          of(r.client).dial(r);
          break;
        case 'login':
          of(r.client).login(r);
          break;
        case 'conn-close':
          if (r.reason !== 'client') of(r.client).dropped = true;
          break;
      }
    }
    const scale = history[0]?.type === 'run-start' ? history[0].params.timeScale : undefined;
    const violations: Violation[] = [];
    for (const [client, c] of clients) {
      if (c.storm)
        violations.push({ property: NAME, t: c.storm.t, client, message: describe(client, c, c.storm, scale) });
    }
    return violations.sort((a, b) => a.t - b.t);
  },
};

/** A client's first window over the limit. */
interface Storm {
  /** The retry that went over the limit. */
  t: number;
  /** Since the first retry of the window. */
  sinceMs: number;
  /** How many of the window's retries were dials refused while the agent was down. */
  refused: number;
}

/** One client's attempts, read in order: its last MAX_RETRIES_PER_WINDOW + 1 retries, and its first storm. */
class ClientAttempts {
  /** The controller dropped one of its connections since its last attempt. */
  dropped = false;
  retries = 0;
  storm: Storm | undefined;
  private attempted = false;
  private readonly loggedIn = new Set<number>();
  /** A ring of the last retries (time, refused), the oldest at `oldest` once it is full. */
  private readonly times: number[] = [];
  private readonly refused: boolean[] = [];
  private oldest = 0;

  dial(r: RecordOf<'conn-open'> | RecordOf<'conn-refused'>): void {
    const prompted = !this.attempted || this.dropped;
    this.attempted = true;
    this.dropped = false;
    if (!prompted) this.retry(r.t, r.type === 'conn-refused');
  }

  login(r: RecordOf<'login'>): void {
    if (this.loggedIn.has(r.conn)) this.retry(r.t, false);
    else this.loggedIn.add(r.conn);
  }

  private retry(t: number, refused: boolean): void {
    this.retries++;
    if (this.times.length <= MAX_RETRIES_PER_WINDOW) {
      this.times.push(t);
      this.refused.push(refused);
      if (this.times.length <= MAX_RETRIES_PER_WINDOW) return;
    } else {
      this.times[this.oldest] = t;
      this.refused[this.oldest] = refused;
      this.oldest = (this.oldest + 1) % this.times.length;
    }
    // The ring holds MAX + 1 retries: the oldest and this one are that many apart.
    const first = this.times[this.oldest] ?? t;
    if (this.storm || t - first >= RETRY_WINDOW_MS) return;
    this.storm = { t, sinceMs: t - first, refused: this.refused.filter(Boolean).length };
  }
}

function describe(client: string, c: ClientAttempts, storm: Storm, scale: number | undefined): string {
  return (
    `${client} tried again ${MAX_RETRIES_PER_WINDOW + 1} times within ${formatModelMs(Math.round(storm.sinceMs), scale)} ` +
    `with no connection dropped by the controller in between (${storm.refused} of them dials refused while the ` +
    `agent was down): at most ${MAX_RETRIES_PER_WINDOW} in ${formatMs(RETRY_WINDOW_MS)}, a client must back off; ` +
    `${count(c.retries, 'retry', 'retries')} in the run`
  );
}
