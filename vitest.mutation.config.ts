/** Vitest for `npm run mutation` only: the corpus kill criterion (test/mutation/corpus.mutation.ts). */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/mutation/**/*.mutation.ts'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
