/**
 * Every error the harness throws on purpose, in one leaf module that imports nothing, so any layer
 * (controller, wire, clients, targets, CLI) can throw them without importing the layers above.
 * Each carries the exit code the CLI maps it to (DESIGN.md): the CLI reads `exitCode`, nothing else.
 * Private control flow (ApiError, HttpError, FrameError) stays local to its module on purpose.
 */

/** Input a user can fix (a flag, a scenario file, a replay file): one line and exit 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  override readonly name = 'UsageError';
}

/** A target or its infrastructure failed (could not start, Docker missing, stopped answering): exit 3. */
export class TargetError extends Error {
  readonly exitCode = 3;
  override readonly name = 'TargetError';
}

/** --check-determinism saw the sim give two histories for one case: loud, and a failure (exit 1). */
export class NondeterminismError extends Error {
  readonly exitCode = 1;
  override readonly name = 'NondeterminismError';
}

/** The run was interrupted by SIGINT or SIGTERM: exit 130. */
export const INTERRUPTED_EXIT_CODE = 130;
