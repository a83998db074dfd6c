/**
 * The one source of randomness in a run. A small, fast, seedable PRNG (sfc32) so that a seed
 * reproduces a whole run bit for bit; nothing in a sim code path may use Math.random.
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], inclusive. */
  int(min: number, max: number): number;
  /** true with probability p. */
  chance(p: number): boolean;
  /** An independent stream for one part of the run (a client, a unit, the upgrader), derived from
   *  this one's seed without drawing from it: so that adding or removing an event changes only the
   *  draws of the parts it touches, and a shrunk plan keeps the timings that made it fail. */
  fork(stream: number | string): Rng;
}

/** A 32-bit mix of a seed and a stream label. */
function mix(seed: number, stream: number | string): number {
  let h = Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d);
  const label = String(stream);
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) ^ (h >>> 12);
}

export function seededRng(seed: number): Rng {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ Math.imul(seed, 0x85ebca6b);
  let c = 0xb7e15162 ^ Math.imul(seed, 0xc2b2ae35);
  let d = 1;
  const next = (): number => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next(); // let the seed diffuse
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    fork: (stream) => seededRng(mix(seed, stream)),
  };
}
