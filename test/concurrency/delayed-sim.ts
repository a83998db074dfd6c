/**
 * The sim behind the real-target interface, answering each run after a real delay drawn from the
 * run's sim seed, so runs end out of case order; it counts the runs in flight, and the most at once.
 */
import { createSimTarget } from '../../harness/targets/sim/target.ts';
import type { HistoryRecord } from '../../harness/history.ts';
import type { Target } from '../../harness/targets/target.ts';

export type DelayedSim = Target & { inFlight: number; mostInFlight: number };

export function delayedSim(options: {
  /** Real milliseconds a run takes, from its sim seed. */
  delayMs: (simSeed: number) => number;
  /** What the sim's history becomes (the default: as it is). */
  history?: (history: HistoryRecord[]) => HistoryRecord[];
}): DelayedSim {
  const sim = createSimTarget();
  const target = {
    name: 'sim' as const,
    inFlight: 0,
    mostInFlight: 0,
    maxConcurrency: Infinity,
    run: async (...args: Parameters<Target['run']>) => {
      target.inFlight++;
      target.mostInFlight = Math.max(target.mostInFlight, target.inFlight);
      const history = await sim.run(...args);
      await new Promise((r) => setTimeout(r, options.delayMs(args[2])));
      target.inFlight--;
      return options.history ? options.history(history) : history;
    },
    close: () => sim.close(),
  };
  return target;
}
