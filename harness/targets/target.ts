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

export interface Target {
  readonly name: TargetName;
  /** Plays the plan (with the quiescence phase) and returns the history. */
  run(config: RunConfig, plan: Plan, seed: number): Promise<HistoryRecord[]>;
  /** Stops every process, server, proxy and container the target started. */
  close(): Promise<void>;
  /** What the last run left besides its history (real targets): a black-box client's output. */
  artifacts?(): RunArtifacts;
}

export interface RunArtifacts {
  /** stdout, stderr and exit of each `--client-cmd` program, to show with a failing run. */
  clientOutputs: CommandOutput[];
}
