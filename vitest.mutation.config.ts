/** Vitest for `npm run mutation` only: the kill criteria (test/mutation/corpus.mutation.ts, and the
 *  check that every fault a scenario draws takes effect, also part of `npm test`). */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/mutation/**/*.mutation.ts', 'test/coverage/faults-take-effect.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
