/** Secrets compared in constant time, so a client cannot learn a password a byte at a time. */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Digests of the strings compared lately: a run logs in with the same password again and again
 *  (every reconnect), and hashing it each time was 7% of the sim's time. Bounded, so a client
 *  trying many passwords cannot grow it. */
const recentDigests = new Map<string, Buffer>();
const RECENT_DIGESTS = 16;

function digest(s: string): Buffer {
  let d = recentDigests.get(s);
  if (d) return d;
  d = createHash('sha256').update(s, 'utf8').digest();
  if (recentDigests.size >= RECENT_DIGESTS) recentDigests.clear();
  recentDigests.set(s, d);
  return d;
}

/** Whether `given` equals `expected`; its time depends on neither (both are hashed to one length). */
export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  return timingSafeEqual(digest(given), digest(expected));
}
