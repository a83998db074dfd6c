/**
 * A target runs one plan and returns its history. The sim does it in-process on a virtual clock;
 * the process, container and external targets drive a controller over real sockets in real time
 * and record the same history schema with wall-clock times.
 */
import type { CommandOutput } from '../clients/command-client.ts';
import type { HistoryRecord } from '../history.ts';
import type { Plan } from '../plan.ts';
import type { RunConfig } from '../run-config.ts';

export type TargetName = 'sim' | 'process' | 'container' | 'external';

/** What the caller gives a run besides its case. */
export interface RunHooks {
  /** Aborts (an interrupt): a real target stops the run in flight at once and rejects with its reason. */
  signal?: AbortSignal | undefined;
  /** A line for people on what a run in flight is doing or waiting for (real targets, every few
   *  seconds: a real run may take minutes). */
  onStatus?: ((line: string) => void) | undefined;
  /**
   * Model time (the history's clock) at which a real target ends the closing sequence's waits, as
   * if their deadlines had passed (the `quiet` record then says not reached). Shrinking on a real
   * target sets it from when the failure it shrinks showed, so that a candidate whose client hangs
   * until its own deadline does not cost that deadline: what the run shows before the cut is what
   * it would have shown uncut (shrinking counts only violations before it). The plan is always
   * played whole. The sim, whose run takes a millisecond, ignores it.
   */
  cutAtMs?: number | undefined;
}

export interface Target {
  readonly name: TargetName;
  /** Plays the plan (with the quiescence phase) and returns the history. */
  run(config: RunConfig, plan: Plan, seed: number, hooks?: RunHooks): Promise<HistoryRecord[]>;
  /**
   * Plays one case and returns its history with what the run left besides. A target whose
   * maxConcurrency is above 1 takes further calls before earlier ones resolve, each run on a
   * controller and network of its own.
   */
  runCase?(config: RunConfig, plan: Plan, seed: number, hooks?: RunHooks): Promise<CaseRun>;
  /** How many runs it can have in flight at once (absent: 1). */
  readonly maxConcurrency?: number;
  /** How many runs in flight suit it on this machine when the user does not say (absent: 1). */
  readonly defaultConcurrency?: number;
  /** Stops every process, server, proxy and container the target started. */
  close(): Promise<void>;
  /** What the last run left besides its history (real targets): a black-box client's output. */
  artifacts?(): RunArtifacts;
}

/** One case's run: its history, with the black-box client's output when there was one. */
export interface CaseRun {
  history: HistoryRecord[];
  clientOutputs: CommandOutput[];
}

/** Plays one case on any target (runCase where it has one, else run and artifacts). */
export async function runCase(
  target: Target,
  config: RunConfig,
  plan: Plan,
  seed: number,
  hooks?: RunHooks,
): Promise<CaseRun> {
  if (target.runCase) return target.runCase(config, plan, seed, hooks);
  const history = await target.run(config, plan, seed, hooks);
  return { history, clientOutputs: target.artifacts?.().clientOutputs ?? [] };
}

export interface RunArtifacts {
  /** stdout, stderr and exit of each `--client-cmd` program, to show with a failing run. */
  clientOutputs: CommandOutput[];
}
