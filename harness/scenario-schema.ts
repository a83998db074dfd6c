/**
 * The shape of a scenario file, as one zod schema: the loader (scenario-file.ts) validates with it,
 * and scenarios/scenario.schema.json is generated from it (`npm run schema`), so editors complete
 * and check the files with the same rules. The lists it accepts come from their one definition
 * (event kinds from plan.ts, properties from properties/, deadlines from scenario.ts): a new event
 * kind or property flows in without an edit here. Unknown keys are refused, at every level.
 */
import { z } from 'zod';
import { VERSION_RE } from './controller/version.ts';
import type { ControllerProfile } from './controller/profile.ts';
import { WEIGHT_KEYS } from './plan.ts';
import { DEFAULT_DEADLINES } from './scenario.ts';
import { PROPERTY_NAMES } from '../properties/property.ts';

/** fast-check's weighted choices take integers; a weight above this would starve every other kind. */
export const MAX_WEIGHT = 1000;
/** A scenario's name names its results folder: nothing that could leave it, or hide. */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

const got = (input: unknown): string => JSON.stringify(input) ?? String(input);

const version = z.string({ error: 'must be a version like "1.24.3"' }).regex(VERSION_RE, {
  error: (issue) => `must be a version like "1.24.3", got ${got(issue.input)}`,
});

function integer(min: number, max: number): z.ZodInt {
  const error = (issue: { input?: unknown }): string =>
    `must be an integer from ${min} to ${max}, got ${got(issue.input)}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
}

const nonEmptyString = z
  .string({ error: 'must be a non-empty string' })
  .min(1, { error: 'must be a non-empty string' });

const weightKinds = WEIGHT_KEYS;
const weights = z
  .strictObject(Object.fromEntries(weightKinds.map((kind) => [kind, integer(0, MAX_WEIGHT).optional()])), {
    error: 'must be an object of event kind -> integer weight',
  })
  .refine((w) => Object.values(w).some((n) => n !== undefined && n > 0), {
    error: 'must give at least one event kind a weight above 0',
  })
  .describe('Relative weight of each event kind in generated plans (integers); absent or 0 means never.');

const verdict = z.enum(['held', 'violated'], { error: 'must be "held" or "violated"' });
const expect = z
  .strictObject(Object.fromEntries(PROPERTY_NAMES.map((name) => [name, verdict.optional()])), {
    error: 'must name at least one property',
  })
  .refine((e) => Object.keys(e).length > 0, { error: 'must name at least one property' })
  .describe('The properties this scenario claims, with the verdict expected of each.');

const deadlines = z.strictObject(
  Object.fromEntries(Object.keys(DEFAULT_DEADLINES).map((key) => [key, integer(1, 86_400_000).optional()])),
);

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.map((v) => `"${v}"`).join(', ')}` });
const range = z
  .tuple([integer(0, 86_400_000), integer(0, 86_400_000)])
  .refine(([min, max]) => min <= max, { error: 'must be [min, max] with min <= max' });
const bool = z.boolean({ error: 'must be true or false' });

/** Every field of a controller profile a scenario may change (all but its name and summary); the
 *  `satisfies` makes a new profile field a compile error here until it is given a rule. */
const profileChanges = {
  clientVersion: version,
  streams: z
    .array(version, { error: 'must be a list of versions' })
    .min(1, { error: 'must list at least one version' }),
  implicitUpgrade: bool,
  informOnly: bool,
  agentVersionPin: version,
  bootstrapUploadTools: bool,
  clientMachine: z.strictObject({ arch: nonEmptyString, series: nonEmptyString, jujuOnPath: version }),
  api: oneOf(['open', 'restricted']),
  upgradeErrorStyle: oneOf(['1.2x', '2.x']),
  restrictedWindow: oneOf(['upgrade', 'steps-at-login']),
  interruptedHook: oneOf(['error', 'retry', 'rerun']),
  stepsRewriteModel: bool,
  timing: z.strictObject({
    upgraderDelayMs: range,
    downloadMs: range,
    downloadFailureRate: z.number({ error: 'must be a number from 0 to 1' }).min(0).max(1),
    retryMs: integer(0, 86_400_000),
    restartMs: range,
    stepsMs: range,
    hookMs: range,
    hookRetryMs: integer(0, 86_400_000),
  }),
} satisfies Record<Exclude<keyof ControllerProfile, 'name' | 'summary'>, z.ZodType>;

const controllerChanges = z
  .strictObject(Object.fromEntries(Object.entries(profileChanges).map(([key, rule]) => [key, rule.optional()])))
  .describe("Changes to the controller profile's fields (a pinned agent-version, other streams, timings).");

export const scenarioFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string({ error: 'must be a non-empty string' }).regex(NAME_RE, {
      error: (issue) =>
        `must be letters, digits, ".", "_" or "-" (at most 80, it names the results folder), got ${got(issue.input)}`,
    }),
    summary: nonEmptyString.optional(),
    description: z.string().optional(),
    controller: nonEmptyString.describe('Controller profile name (see `upgrade-chaos scenarios`).'),
    controllerChanges: controllerChanges.optional(),
    client: nonEmptyString.describe('Client profile name (see `upgrade-chaos scenarios`).'),
    clients: integer(1, 16).optional(),
    testedVersion: version.optional().describe('The version the user qualified; judged by version-as-tested.'),
    versions: z
      .array(version, { error: 'must be a list of versions like "1.24.3"' })
      .optional()
      .describe('Versions publish and upgrade events choose from.'),
    weights: weights.optional(),
    uploadTools: bool.optional(),
    maxEvents: integer(1, 200).optional(),
    expect,
    deadlines: deadlines.optional(),
    timeScale: z
      .number({ error: 'must be a number in (0, 100]' })
      .gt(0, { error: 'must be a number in (0, 100]' })
      .max(100, { error: 'must be a number in (0, 100]' })
      .optional()
      .describe('Real targets: real time per model millisecond when --time-scale is not given.'),
  })
  .refine((s) => s.expect['version-as-tested'] === undefined || s.testedVersion !== undefined, {
    path: ['expect', 'version-as-tested'],
    error: 'needs "testedVersion": without it the property has nothing to judge',
  });

export type ScenarioFile = z.infer<typeof scenarioFileSchema>;

/** The JSON Schema shipped as scenarios/scenario.schema.json. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(scenarioFileSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    $id: 'https://github.com/upgrade-chaos/upgrade-chaos/scenarios/scenario.schema.json',
    title: 'upgrade-chaos scenario file',
  };
}

/** Every problem of a failed parse, in one line that names each key: a misspelt key and a missing
 *  one are both said at once, not one per attempt. */
export function describeIssue(error: z.ZodError): string {
  return [...new Set(error.issues.map(describeOne))].join('; ');
}

function describeOne(issue: z.core.$ZodIssue): string {
  const where = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    if (where === 'weights') return `"weights" has unknown event kind "${key}" (known: ${weightKinds.join(', ')})`;
    if (where === 'expect') return `"expect" names unknown property "${key}" (known: ${PROPERTY_NAMES.join(', ')})`;
    return `${where ? `"${where}" has ` : ''}unknown key "${key}"`;
  }
  return where ? `"${where}" ${issue.message}` : issue.message;
}
