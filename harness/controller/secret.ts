/** Secrets compared in constant time, so a client cannot learn a password a byte at a time. */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Whether `given` equals `expected`; its time depends on neither (both are hashed to one length). */
export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
