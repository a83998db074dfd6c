/**
 * Scenarios from JSON files, so a team can describe its own situation without writing code:
 * `run --scenario ./my-scenario.json`. Every field is checked; the first problem is reported in one
 * line naming the file and the field.
 */
import { readFileSync } from 'node:fs';
import { EVENT_KINDS } from './plan.ts';
import { DEFAULT_DEADLINES, DEFAULT_WEIGHTS, type Scenario } from './scenario.ts';
import { isVersion } from './controller/version.ts';
import { isPropertyName } from '../properties/property.ts';
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
  const bad = (why: string): never => {
    throw new UsageError(`scenario file ${path}: ${why}`);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return bad('must be a JSON object');
  const s = data as Record<string, unknown>;
  const str = (key: string, optional = false): string | undefined => {
    if (optional && s[key] === undefined) return undefined;
    if (typeof s[key] !== 'string' || s[key] === '') bad(`"${key}" must be a non-empty string`);
    return s[key] as string;
  };
  const int = (value: unknown, what: string, min: number, max: number): number => {
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max)
      bad(`${what} must be an integer from ${min} to ${max}`);
    return value as number;
  };

  const versions = s['versions'] ?? [];
  if (!Array.isArray(versions) || !versions.every((v) => typeof v === 'string' && isVersion(v)))
    bad('"versions" must be a list of versions like "1.24.3"');
  const testedVersion = str('testedVersion', true);
  if (testedVersion !== undefined && !isVersion(testedVersion))
    bad(`"testedVersion" is not a version: ${testedVersion}`);

  const weights = (s['weights'] ?? DEFAULT_WEIGHTS) as Record<string, unknown>;
  if (typeof weights !== 'object' || weights === null) bad('"weights" must be an object of event kind -> number');
  for (const [kind, w] of Object.entries(weights)) {
    if (!EVENT_KINDS.includes(kind as never) || kind === 'bootstrap') bad(`"weights" has unknown event kind "${kind}"`);
    if (typeof w !== 'number' || !(w >= 0)) bad(`"weights.${kind}" must be a number >= 0`);
  }

  const expect = s['expect'];
  if (typeof expect !== 'object' || expect === null || Object.keys(expect).length === 0)
    bad('"expect" must name at least one property');
  for (const [property, verdict] of Object.entries(expect as object)) {
    if (!isPropertyName(property)) bad(`"expect" names unknown property "${property}"`);
    if (verdict !== 'held' && verdict !== 'violated') bad(`"expect.${property}" must be "held" or "violated"`);
  }

  const deadlines = { ...DEFAULT_DEADLINES };
  if (s['deadlines'] !== undefined) {
    if (typeof s['deadlines'] !== 'object' || s['deadlines'] === null) bad('"deadlines" must be an object');
    for (const [key, value] of Object.entries(s['deadlines'] as object)) {
      if (!(key in deadlines))
        bad(`"deadlines" has unknown key "${key}" (known: ${Object.keys(DEFAULT_DEADLINES).join(', ')})`);
      deadlines[key as keyof typeof deadlines] = int(value, `"deadlines.${key}"`, 1, 86_400_000);
    }
  }
  const changes = s['controllerChanges'];
  if (changes !== undefined && (typeof changes !== 'object' || changes === null || Array.isArray(changes)))
    bad('"controllerChanges" must be an object');
  const timeScale = s['timeScale'];
  if (timeScale !== undefined && (typeof timeScale !== 'number' || !(timeScale > 0 && timeScale <= 100)))
    bad(`"timeScale" must be a number in (0, 100], got ${JSON.stringify(timeScale)}`);

  return {
    name: str('name')!,
    source: path,
    summary: str('summary', true) ?? str('name')!,
    description: str('description', true) ?? '',
    controller: str('controller')!,
    ...(changes !== undefined ? { controllerChanges: changes as Record<string, unknown> } : {}),
    client: str('client')!,
    clients: int(s['clients'] ?? 1, '"clients"', 1, 16),
    ...(testedVersion !== undefined ? { testedVersion } : {}),
    versions: versions as string[],
    weights: weights as Scenario['weights'],
    ...(s['uploadTools'] === true ? { uploadTools: true } : {}),
    maxEvents: int(s['maxEvents'] ?? 20, '"maxEvents"', 1, 200),
    expect: expect as Scenario['expect'],
    deadlines,
    ...(timeScale !== undefined ? { timeScale: timeScale as number } : {}),
  };
}
