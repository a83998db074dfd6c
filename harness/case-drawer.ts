/**
 * An exploration's cases drawn by index, anywhere: the case at index i is exactly the one fc.check
 * gives the i-th run of the survey (explore.ts), so a sim worker draws its own cases from the
 * exploration's config, options and seed, and the main thread sends it only ranges of indexes.
 *
 * How fast-check's runner draws them (Tosser.ts `toss`): the source's examples first, in order;
 * then one random generator from the seed (xorshift128plus, its default) and, for the g-th
 * generated case, one jump of that generator and a generation from a copy of it, with g as the run
 * id (which sets the bias). Generating never moves the shared generator, so skipping a case costs
 * one jump (128 steps), nothing more. test/core/case-drawer.test.ts holds every case drawn here to
 * the one fc.check gives at the same index, for several seeds, scenarios and options.
 */
import fc from 'fast-check';
import { xorshift128plus } from 'pure-rand/generator/xorshift128plus';
import type { Case, CaseSource } from './strategies/index.ts';

/** fast-check's reading of a seed (QualifiedParameters.ts `readSeed`): a 32-bit integer as it is,
 *  any other number folded into one. */
function fastCheckSeed(seed: number): number {
  const low = seed | 0;
  return seed === low ? low : low ^ ((seed - low) * 0x100000000);
}

/** Draws `source`'s cases for `seed`, at indexes that never decrease (the generator only jumps on). */
export class CaseDrawer {
  private readonly examples: readonly Case[];
  /** As fast-check checks it: the run id given to generate sets the arbitrary's bias. */
  private readonly property: fc.IRawProperty<[Case]>;
  private readonly rng;
  /** Jumps made so far: the g-th generated case is drawn after g + 1. */
  private jumps = 0;

  constructor(source: CaseSource, seed: number) {
    this.examples = source.examples ?? [];
    this.property = fc.property<[Case]>(source.arbitrary, () => true);
    this.rng = xorshift128plus(fastCheckSeed(seed));
  }

  /** The case at `index` (0-based, in the unsharded sequence). */
  at(index: number): Case {
    if (index < this.examples.length) return this.examples[index]!;
    const generated = index - this.examples.length;
    if (generated + 1 < this.jumps)
      throw new Error(`CaseDrawer: case ${index} asked for after a later one (indexes never decrease)`);
    while (this.jumps <= generated) {
      this.rng.jump();
      this.jumps++;
    }
    return this.property.generate(new fc.Random(this.rng), generated).value[0];
  }
}
