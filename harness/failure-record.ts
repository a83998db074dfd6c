/**
 * A failure as saved: everything a replay needs (the scenario itself, every field, controller
 * changes included; the overrides, target, client command, time scale and exploration options; the
 * plan and sim seed) plus what was seen (property, violations, history hash, how it was shrunk).
 * The full history is kept beside it as JSON lines. Files are read back through a zod schema, so a
 * damaged or foreign file is refused in one line that names the field.
 */
import { z } from 'zod';
import { shrinkStoppedJson, type Failure } from './explore-result.ts';
import type { RunConfig } from './run-config.ts';
import type { RunSettings } from './run-settings.ts';
import type { Scenario } from './scenario.ts';
import { scenarioFileSchema, type ScenarioFile } from './scenario-schema.ts';
import { fromFile } from './scenario-file.ts';
import { isVersion } from './controller/version.ts';
import { API_ACTIVITIES, type ApiActivity } from './controller/activity-triggers.ts';
import { STRATEGY_NAMES } from './strategies/names.ts';
import { MAX_SLOW_LATENCY_MS } from './plan.ts';
import { PROPERTY_NAMES } from '../properties/property.ts';

export const FAILURE_FORMAT = 'upgrade-chaos-failure/2';

const nat = z.number().int().nonnegative();
const version = z.string().refine(isVersion, 'must be a version like "1.24.3"');
const client = nat;
// A fault tied to a client's API activity (plan.ts ActivityTie): without these keys a saved
// failure with such a fault could be neither replayed nor read back from the corpus.
const on = z.enum(API_ACTIVITIES as readonly [ApiActivity, ...ApiActivity[]]).optional();

const planEvent = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('bootstrap') }),
  z.strictObject({ kind: z.literal('publish'), version }),
  z.strictObject({
    kind: z.literal('upgrade'),
    version: version.optional(),
    uploadTools: z.boolean().optional(),
    when: z.strictObject({ client, on: on.unwrap() }).optional(),
  }),
  z.strictObject({
    kind: z.literal('deploy'),
    client,
    app: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be an application name'),
    units: nat,
  }),
  z.strictObject({
    kind: z.literal('remove'),
    client,
    app: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be an application name'),
    on: z.literal('login').optional(),
  }),
  z.strictObject({ kind: z.literal('rewatch'), client }),
  z.strictObject({
    kind: z.literal('chained-upgrade'),
    version,
    when: z.strictObject({ client, on: on.unwrap() }).optional(),
  }),
  z.strictObject({ kind: z.literal('disconnect'), client, on }),
  z.strictObject({ kind: z.literal('partition'), client, durationMs: nat, on }),
  z.strictObject({
    kind: z.literal('slow'),
    client,
    durationMs: nat,
    latencyMs: z.number().int().min(1, 'must be at least 1 ms').max(MAX_SLOW_LATENCY_MS),
    on,
  }),
  z.strictObject({ kind: z.literal('half-open'), client, on }),
  z.strictObject({ kind: z.literal('stop-watcher'), client, on }),
  z.strictObject({ kind: z.literal('pause'), durationMs: nat }),
  z.strictObject({ kind: z.literal('crash'), downMs: nat, graceful: z.literal(true).optional() }),
  z.strictObject({ kind: z.literal('restart'), when: z.strictObject({ client, on: on.unwrap() }).optional() }),
  z.strictObject({ kind: z.literal('wait'), durationMs: nat }),
]);

const propertyName = z.enum(PROPERTY_NAMES);

// What drives a replay is strict: a misspelt key would be ignored and the replay run something else.
const settings = z.strictObject({
  target: z.strictObject({
    name: z.string(),
    timeScale: z.number().positive().optional(),
    clientCommand: z.string().optional(),
    url: z.string().optional(),
    username: z.string().optional(),
    tls: z.boolean().optional(),
  }),
  overrides: z.strictObject({
    controller: z.string().optional(),
    client: z.string().optional(),
    properties: z.array(z.string()).readonly().optional(),
  }),
  strategy: z.enum(STRATEGY_NAMES),
  maxEvents: z.number().int().min(1).max(200).optional(),
  runs: nat,
  seed: z.number().int(),
  checkDeterminism: z.boolean(),
  timeLimitMs: nat.optional(),
  shard: z.strictObject({ index: z.number().int().min(1), count: z.number().int().min(1) }).optional(),
});

const commandOutput = z.object({
  client: z.string(),
  command: z.string(),
  exitCode: z.number().int().optional(),
  signal: z.string().optional(),
  timedOut: z.boolean(),
  stoppedBy: z.string().optional(),
  connected: z.boolean().optional(),
  stdout: z.string(),
  stderr: z.string(),
});

export const failureRecordSchema = z.strictObject({
  format: z.literal(FAILURE_FORMAT),
  id: z.string().min(1),
  /** The scenario, every field, in the shape of a scenario file (the same schema checks it). */
  scenario: scenarioFileSchema,
  /** The file the scenario was loaded from, if it came from one (replay does not need it). */
  scenarioSource: z.string().optional(),
  settings,
  property: propertyName,
  seed: z.number().int(),
  path: z.string().regex(/^\d+(:\d+)*$/, 'must look like "12:3:0"'),
  simSeed: z.number().int(),
  plan: z.array(planEvent).min(1),
  events: nat,
  historyHash: z.string(),
  violations: z.array(
    z.object({
      property: propertyName,
      t: z.number(),
      message: z.string(),
      client: z.string().optional(),
      clientOnly: z.literal(true).optional(),
    }),
  ),
  shrunkOn: z.enum(['sim', 'sim-then-target', 'target', 'none']),
  /** Set when shrinking on the target ran out of its time budget: the plan is only partly shrunk. */
  shrinkStopped: z.strictObject({ limitMs: nat, message: z.string() }).optional(),
  reason: z.enum(['replay', 'corpus', 'interrupted']).optional(),
  reproduced: z.strictObject({ runs: nat, failed: nat }).optional(),
  clientOutputs: z.array(commandOutput).optional(),
  tool: z.strictObject({ version: z.string(), commit: z.string().optional() }),
  savedAt: z.string(),
});

export type FailureRecord = z.infer<typeof failureRecordSchema>;

/** Name and commit of the tool that saved a record or report. */
export interface ToolInfo {
  version: string;
  commit?: string;
}

/** A failure's id: readable, and distinct for distinct failures of one invocation. */
export function failureId(config: RunConfig, f: Failure): string {
  return `${config.scenario.name}.${config.controller.name}.${f.property}.${f.historyHash.slice(0, 8)}`;
}

export function failureRecord(
  config: RunConfig,
  f: Failure,
  settings: RunSettings,
  meta: { id: string; tool: ToolInfo; savedAt: string },
): FailureRecord {
  const stopped = shrinkStoppedJson(f);
  return {
    format: FAILURE_FORMAT,
    id: meta.id,
    scenario: scenarioFileOf(config.scenario),
    ...(config.scenario.source !== undefined ? { scenarioSource: config.scenario.source } : {}),
    settings,
    property: f.property,
    seed: f.seed,
    path: f.path,
    simSeed: f.simSeed,
    plan: f.plan,
    events: f.events,
    historyHash: f.historyHash,
    violations: f.violations.map(({ property, t, message, client, clientOnly }) => ({
      property,
      t,
      message,
      ...(client !== undefined ? { client } : {}),
      ...(clientOnly ? { clientOnly } : {}),
    })),
    shrunkOn: f.shrunkOn,
    ...(stopped ? { shrinkStopped: stopped } : {}),
    ...(f.shrunkOn === 'none' ? { reason: f.reason } : {}),
    ...(f.shrunkOn !== 'sim' && f.reproduced ? { reproduced: f.reproduced } : {}),
    ...(f.shrunkOn !== 'sim' && f.clientOutputs.length ? { clientOutputs: f.clientOutputs } : {}),
    tool: meta.tool,
    savedAt: meta.savedAt,
  };
}

/** A scenario as a scenario file holds it (a file's own path is kept beside it, not in it). */
function scenarioFileOf(scenario: Scenario): ScenarioFile {
  const { source: _source, ...fields } = scenario;
  // The same fields by construction (a Scenario is what a file becomes); the schema checks it on the way back.
  return fields as unknown as ScenarioFile;
}

/** The scenario a record carries, as replay runs it. */
export function scenarioOfRecord(record: FailureRecord): Scenario {
  return fromFile(record.scenario, record.scenarioSource);
}

/** Parses a record; the error names the first field that is wrong, e.g. "plan event 2 (kind): ...". */
export function parseFailureRecord(data: unknown): { record: FailureRecord } | { error: string } {
  const parsed = failureRecordSchema.safeParse(data);
  if (parsed.success) return { record: parsed.data };
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'unrecognized_keys')
    return { error: `${fieldName(issue.path)} has unknown key "${issue.keys[0]}"` };
  return { error: `${fieldName(issue.path)}: ${issue.message}` };
}

function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the record';
  if (path[0] === 'plan' && typeof path[1] === 'number') {
    const rest = path.slice(2).join('.');
    return `plan event ${path[1] + 1}${rest ? ` (${rest})` : ''}`;
  }
  return path.map(String).join('.');
}
