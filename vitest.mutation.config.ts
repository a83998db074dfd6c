/** Vitest for `npm run mutation` only: the kill criteria (test/mutation/corpus.mutation.ts, the client's reports
 *  (test/clients/client-reports.test.ts), the check that every fault a scenario draws takes effect, and that the
 *  controller says quiet only when no hook runs or waits (test/core/controller-quiet.test.ts), and that faults and
 *  upgrades tied to client activity fire (test/activity, its sim-only files); all but the first are also part of
 *  `npm test`). */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/mutation/**/*.mutation.ts',
      'test/coverage/faults-take-effect.test.ts',
      'test/clients/client-reports.test.ts',
      'test/core/controller-quiet.test.ts',
      // Ties to client activity: no corpus verdict depends on a tied fault or upgrade firing, so
      // without these every mutant of harness/controller/activity-triggers.ts survived (79 of 79),
      // arm() emptied included.
      'test/activity/activity-faults.test.ts', // its process-target half reaches no mutant: Stryker skips it
      'test/activity/tied-upgrades.test.ts',
      'test/activity/one-per-moment.test.ts',
    ],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
