/** Vitest for `npm run mutation` only: the kill criteria (test/mutation/corpus.mutation.ts, the client's reports
 *  (test/clients/client-reports.test.ts), the check that every fault a scenario draws takes effect, and that the
 *  controller says quiet only when no hook runs or waits (test/core/controller-quiet.test.ts); the last three are
 *  also part of `npm test`). */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/mutation/**/*.mutation.ts',
      'test/coverage/faults-take-effect.test.ts',
      'test/clients/client-reports.test.ts',
      'test/core/controller-quiet.test.ts',
    ],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
