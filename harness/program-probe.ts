/**
 * A failing run whose --client-cmd program exited non-zero without ever connecting, launched by a
 * deploy before bootstrap: its URL refused dials at the TCP level then (as a controller that is not
 * up does), and a refused dial leaves no trace, so the run cannot tell a program that gave up on
 * refused dials (a finding) from one that never dialled at all (a program that crashed at import:
 * it tested nothing). The probe tells them apart by launching the program once more with the
 * controller up first: a program that exits non-zero without a connection to a URL that takes them
 * is unusable whatever the plan (command-client.ts says so, and the run throws that error), one
 * that connects is not, and the failure stands as found.
 */
import type { CommandOutput } from './clients/command-client.ts';
import type { Plan } from './plan.ts';
import type { RunConfig } from './run-config.ts';
import type { Target } from './targets/target.ts';
import { hooksOf, runOn, type Sample, type TargetRun } from './target-run.ts';

/** Whether a program of the run exited non-zero, by itself, without a connection to its URL. */
export function exitedUnconnected(outputs: readonly CommandOutput[]): boolean {
  return outputs.some(
    (o) => o.connected === false && !o.timedOut && o.exitCode !== undefined && o.exitCode !== 0 && !o.signal,
  );
}

/** The plan's deploys (the program's bundle, and its launch) after a bootstrap: the URL takes
 *  connections from the program's launch on. */
export function controllerUpFirst(plan: Plan): Plan {
  return [{ kind: 'bootstrap' }, ...plan.filter((e) => e.kind === 'deploy')];
}

/**
 * Throws the unusable program's error (a UsageError for --client-cmd) when the sample's program
 * exited unconnected and does so again with the controller up at its launch; else the sample's
 * failure stands. Runs the program (and resolves to that run) only when the sample leaves the
 * question open.
 */
export async function probeUnconnectedProgram(
  target: Target,
  config: RunConfig,
  sample: Sample,
  options: { signal?: AbortSignal | undefined; onStatus?: ((line: string) => void) | undefined },
): Promise<TargetRun | undefined> {
  if (!exitedUnconnected(sample.result.clientOutputs)) return undefined;
  const plan = controllerUpFirst(sample.plan);
  return runOn(target, config, plan, sample.simSeed, hooksOf(options, 'checking the program with the controller up'));
}
