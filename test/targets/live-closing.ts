/**
 * The closing sequence driven as a real target drives it (every step asynchronous, the wait asking
 * its question once a model second), on a virtual clock, so a test reads its records at exact times.
 * A test gives the steps it is about; the rest are those of a quiet run with no clients.
 */
import { VirtualScheduler } from '../../harness/clock.ts';
import { Recorder } from '../../harness/history.ts';
import { closeRun, type FinalModel, type RunEnding } from '../../harness/targets/closing.ts';
import { DEFAULT_DEADLINES } from '../../harness/scenario.ts';

type Steps = Partial<Omit<RunEnding<FinalModel>, 'clock' | 'history'>>;

/** Closes a run that reached quiescence at `startMs`; returns its history's recorder. */
export async function closeLiveRun(steps: Steps, startMs = 0): Promise<Recorder> {
  const clock = new VirtualScheduler();
  clock.runUntil(startMs);
  const history = new Recorder(() => clock.now());
  await closeRun({
    clock,
    history,
    deadlines: DEFAULT_DEADLINES,
    clients: new Map(),
    healFaults: () => {},
    runUntil: async (limitMs, quiet) => {
      while (clock.now() < limitMs) {
        if (quiet && (await quiet())) return;
        clock.runUntil(Math.min(limitMs, clock.now() + 1_000));
      }
    },
    controllerQuiet: () => true,
    finalModel: () => ({ version: '1.24.0', model: { applications: {} } }),
    ...steps,
  });
  return history;
}
