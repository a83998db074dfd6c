/**
 * A failure saved to disk: everything a replay needs (scenario, profiles, plan, sim seed) plus
 * what was seen (property, violations, history hash). `replay FILE` runs it again exactly.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Failure } from './explore-result.ts';
import { EVENT_KINDS, type Plan, type PlanEvent } from './plan.ts';
import type { RunConfig } from './run-config.ts';
import { isVersion } from './controller/version.ts';
import { UsageError } from './errors.ts';

export interface FailureFile {
  format: 'upgrade-chaos-failure/1';
  scenario: string;
  controller: string;
  client: string;
  property: string;
  seed: number;
  path: string;
  simSeed: number;
  plan: Plan;
  historyHash: string;
  violations: { property: string; t: number; message: string }[];
}

export function failureFile(config: RunConfig, failure: Failure): FailureFile {
  return {
    format: 'upgrade-chaos-failure/1',
    scenario: config.scenario.source ?? config.scenario.name,
    controller: config.controller.name,
    client: config.client.name,
    property: failure.property,
    seed: failure.seed,
    path: failure.path,
    simSeed: failure.simSeed,
    plan: failure.plan,
    historyHash: failure.historyHash,
    violations: failure.violations.map(({ property, t, message }) => ({ property, t, message })),
  };
}

/** Writes the failure (and its full history) under dir; returns the file's path. */
export function saveFailure(dir: string, config: RunConfig, failure: Failure): string {
  const folder = join(dir, config.scenario.name);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${failure.property}-seed${failure.seed}.json`);
  const extra = {
    ...(failure.clientOutputs ? { clientOutputs: failure.clientOutputs } : {}),
    history: failure.history,
  };
  writeFileSync(file, JSON.stringify({ ...failureFile(config, failure), ...extra }, null, 1) + '\n');
  return file;
}

export function loadFailureFile(path: string): FailureFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(
      `cannot read replay file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`replay file ${path} is not JSON`);
  }
  const bad = (why: string): never => {
    throw new UsageError(`replay file ${path}: ${why}`);
  };
  if (typeof data !== 'object' || data === null) bad('not an object');
  const f = data as Record<string, unknown>;
  if (f['format'] !== 'upgrade-chaos-failure/1') bad('format must be "upgrade-chaos-failure/1"');
  for (const key of ['scenario', 'controller', 'client', 'property'] as const)
    if (typeof f[key] !== 'string') bad(`${key} must be a string`);
  if (!Number.isInteger(f['simSeed'])) bad('simSeed must be an integer');
  if (!Array.isArray(f['plan'])) bad('plan must be a list of events');
  (f['plan'] as unknown[]).forEach((e, i) => checkEvent(e, i, bad));
  return data as FailureFile;
}

function checkEvent(e: unknown, i: number, bad: (why: string) => never): asserts e is PlanEvent {
  const where = `plan event ${i + 1}`;
  if (typeof e !== 'object' || e === null) bad(`${where} is not an object`);
  const ev = e as Record<string, unknown>;
  if (!EVENT_KINDS.includes(ev['kind'] as PlanEvent['kind']))
    bad(`${where} has unknown kind ${JSON.stringify(ev['kind'])}`);
  const nat = (key: string) => {
    if (!Number.isInteger(ev[key]) || (ev[key] as number) < 0)
      bad(`${where} (${String(ev['kind'])}) needs a non-negative integer ${key}`);
  };
  const version = (key: string, optional: boolean) => {
    if (optional && ev[key] === undefined) return;
    if (typeof ev[key] !== 'string' || !isVersion(ev[key]))
      bad(`${where} (${String(ev['kind'])}) needs a version in ${key}`);
  };
  switch (ev['kind']) {
    case 'publish':
      version('version', false);
      break;
    case 'upgrade':
      version('version', true);
      break;
    case 'deploy':
      nat('client');
      nat('units');
      if (typeof ev['app'] !== 'string' || !/^[a-z][a-z0-9-]*$/.test(ev['app']))
        bad(`${where} (deploy) needs an application name`);
      break;
    case 'disconnect':
      nat('client');
      break;
    case 'partition':
      nat('client');
      nat('durationMs');
      break;
    case 'wait':
      nat('durationMs');
      break;
  }
}

/** A plan must bootstrap exactly once, and name only the scenario's clients. */
export function checkPlan(plan: Plan, clients: number): void {
  const bootstraps = plan.filter((e) => e.kind === 'bootstrap').length;
  if (bootstraps !== 1) throw new UsageError(`a plan must bootstrap exactly once (this one does ${bootstraps} times)`);
  for (const e of plan) {
    if ('client' in e && e.client >= clients)
      throw new UsageError(`plan names client-${e.client} but the scenario has ${clients} client(s)`);
  }
}
