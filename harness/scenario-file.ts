/**
 * Scenarios from JSON files, so a team can describe its own situation without writing code:
 * `run --scenario ./my-scenario.json`. Every field is checked (scenario-schema.ts, unknown keys
 * included); the first problem is reported in one line naming the file and the field.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_DEADLINES, DEFAULT_WEIGHTS, type Scenario } from './scenario.ts';
import { describeIssue, scenarioFileSchema, type ScenarioFile } from './scenario-schema.ts';
import { UsageError } from './errors.ts';
import { SCENARIOS, scenarioByName } from '../scenarios/index.ts';

/** A built-in scenario by name, or a scenario file by path; a UsageError names the known ones. */
export function scenarioByNameOrPath(name: string): Scenario {
  if (isScenarioPath(name)) return loadScenarioFile(name);
  const scenario = scenarioByName(name);
  if (!scenario) throw new UsageError(`unknown scenario "${name}" (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);
  return scenario;
}

export function isScenarioPath(name: string): boolean {
  return name.endsWith('.json') || name.includes('/');
}

export function loadScenarioFile(path: string): Scenario {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`scenario file ${path}: ${code ? `cannot read it (${code})` : 'not JSON'}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new UsageError(`scenario file ${path}: must be a JSON object`);
  const parsed = scenarioFileSchema.safeParse(data);
  if (!parsed.success) throw new UsageError(`scenario file ${path}: ${describeIssue(parsed.error)}`);
  return fromFile(parsed.data, path);
}

/** A validated file (or a failure record's copy of a scenario) as a Scenario, with the defaults of
 *  what it leaves out; `path` is the file it came from, if any. */
export function fromFile(s: ScenarioFile, path: string | undefined): Scenario {
  return {
    name: s.name,
    ...(path !== undefined ? { source: path } : {}),
    summary: s.summary ?? s.name,
    description: s.description ?? '',
    controller: s.controller,
    ...(s.controllerChanges !== undefined ? { controllerChanges: s.controllerChanges } : {}),
    client: s.client,
    clients: s.clients ?? 1,
    ...(s.testedVersion !== undefined ? { testedVersion: s.testedVersion } : {}),
    versions: s.versions ?? [],
    weights: (s.weights ?? DEFAULT_WEIGHTS) as Scenario['weights'],
    ...(s.uploadTools === true ? { uploadTools: true } : {}),
    maxEvents: s.maxEvents ?? 20,
    expect: s.expect as Scenario['expect'],
    deadlines: { ...DEFAULT_DEADLINES, ...s.deadlines },
    ...(s.timeScale !== undefined ? { timeScale: s.timeScale } : {}),
  };
}
