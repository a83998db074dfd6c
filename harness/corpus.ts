/**
 * The failure corpus of a user's project (default `.upgrade-chaos/failures.jsonl`): every new
 * failure is appended as one JSON line, and each `run` of a scenario first plays that scenario's
 * entries again, as Hypothesis's example database and proptest's regression files do. A bug found
 * once is checked on every later run until it is fixed, whatever seed the run draws. A run given an
 * explicit --seed plays none (cli/run-command.ts): it must be what a fresh machine runs.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ExploreResult, Failure } from './explore-result.ts';
import { checkPlan } from './plan-check.ts';
import { parseFailureRecord, type FailureRecord } from './failure-record.ts';
import { historyHash, type HistoryRecord } from './history.ts';
import type { Plan } from './plan.ts';
import type { RunConfig } from './run-config.ts';
import { clientCommandLabel, type RunSettings } from './run-settings.ts';
import { checkProperties } from '../properties/index.ts';
import { UsageError } from './errors.ts';
import { count } from './plural.ts';

export const DEFAULT_CORPUS = '.upgrade-chaos/failures.jsonl';

export class FailureCorpus {
  private readonly records: FailureRecord[];

  constructor(readonly path: string) {
    this.records = existsSync(path) ? readCorpus(path) : [];
  }

  /** The entries recorded for a scenario (by name), oldest first. */
  entriesFor(scenario: string): FailureRecord[] {
    return this.records.filter((r) => r.scenario.name === scenario);
  }

  /** Appends a record unless the corpus already holds the same case for the same property. */
  add(record: FailureRecord): boolean {
    const key = caseKey(record);
    if (this.records.some((r) => caseKey(r) === key)) return false;
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, JSON.stringify(record) + '\n');
    this.records.push(record);
    return true;
  }
}

function caseKey(r: FailureRecord): string {
  return JSON.stringify([r.scenario.name, r.property, r.simSeed, r.plan]);
}

function readCorpus(path: string): FailureRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, i }) => {
      let data: unknown;
      try {
        data = JSON.parse(line);
      } catch {
        throw new UsageError(`failure corpus ${path}, line ${i + 1}: not JSON (fix or delete the line)`);
      }
      const parsed = parseFailureRecord(data);
      if ('error' in parsed)
        throw new UsageError(`failure corpus ${path}, line ${i + 1}: ${parsed.error} (fix or delete the line)`);
      return parsed.record;
    });
}

/**
 * The client a run plays, as corpus entries are matched by it: a --client-cmd program by its command
 * line (`deploy.py` and `deploy.py no-rewatch` are different programs: a failure of one replayed
 * against the other, each for a minute, is not news of it), or a built-in client profile by name.
 * A record keeps it: its settings' client command, else the profile its overrides or its scenario name.
 */
export function clientKind(settings: RunSettings, profile: string): string {
  const command = settings.target.clientCommand;
  return command !== undefined ? clientCommandLabel(command) : `client profile ${profile}`;
}

/** The client an entry was found with (clientKind of what its record kept). */
export function entryClient(entry: FailureRecord): string {
  return clientKind(entry.settings, entry.settings.overrides.client ?? entry.scenario.client);
}

/**
 * The entries found with the client this run plays, and those found with another: a failure of one
 * client replayed against another is that client's failure, not a regression of the first (a built-in
 * profile's race played against a user's program would be reported as the program's).
 */
export function entriesForClient(
  entries: readonly FailureRecord[],
  client: string,
): { kept: FailureRecord[]; leftOut: FailureRecord[] } {
  const kept = entries.filter((e) => entryClient(e) === client);
  return { kept, leftOut: entries.filter((e) => entryClient(e) !== client) };
}

/** A corpus entry that still fails, with the settings it was recorded with (its replay command's). */
export type CorpusFailure = Failure & { recorded: RunSettings };

/** Plays a plan where the run plays its cases (the sim, or the real target). */
export type PlayCase = (config: RunConfig, plan: Plan, simSeed: number) => Promise<HistoryRecord[]>;

/**
 * Plays each entry's case under today's configuration and judges the property it was recorded for:
 * if that is still violated, it is a failure, not shrunk (it was shrunk when found). Entries for a
 * property this run does not check, or whose plan no longer fits the scenario (fewer clients), are
 * left out. `replayed` counts the entries played.
 */
export async function replayCorpus(
  play: PlayCase,
  config: RunConfig,
  entries: readonly FailureRecord[],
  target: string,
  signal?: AbortSignal,
): Promise<{ failures: CorpusFailure[]; replayed: number }> {
  const failures: CorpusFailure[] = [];
  let replayed = 0;
  for (const entry of entries) {
    if (signal?.aborted) break;
    const property = entry.property;
    if (!config.properties.includes(property) || !fits(entry.plan, config)) continue;
    const only: RunConfig = { ...config, properties: [property] };
    let history: HistoryRecord[];
    try {
      history = await play(only, entry.plan, entry.simSeed);
    } catch (e) {
      if (signal?.aborted) break; // an interrupt stopped the run in flight
      throw e;
    }
    replayed++;
    const violations = checkProperties(history, only.properties);
    if (violations.length > 0) {
      failures.push({
        recorded: entry.settings,
        shrunkOn: 'none',
        reason: 'corpus',
        target,
        clientOutputs: [],
        property,
        seed: entry.seed,
        path: entry.path,
        events: entry.events,
        shrunkEvents: entry.plan.length,
        plan: entry.plan,
        simSeed: entry.simSeed,
        historyHash: historyHash(history),
        violations,
        history,
        shrinkMs: 0,
      });
    }
  }
  return { failures, replayed };
}

function fits(plan: Plan, config: RunConfig): boolean {
  try {
    checkPlan(plan, config.scenario.clients);
    return true;
  } catch {
    return false;
  }
}

/**
 * The exploration's result with the corpus's failures first (a property failing both ways is one
 * verdict): a property an entry violated is `violated` whatever the exploration's runs said (an
 * interrupt may have stopped them before the first), and a note says the entries ran before them.
 * Entries that all passed again get a note too: saved failures replayed are never silent.
 * `replayMs`, the time the replays took, counts in elapsedMs: the scenario took that long.
 */
export function withCorpusFailures(
  result: ExploreResult,
  fromCorpus: readonly Failure[],
  replayed = fromCorpus.length,
  replayMs = 0,
): ExploreResult {
  if (fromCorpus.length === 0) {
    if (replayed === 0) return result;
    const passed = `replayed ${count(replayed, 'saved failure')}: all passed`;
    return { ...result, elapsedMs: result.elapsedMs + Math.round(replayMs), notes: [...(result.notes ?? []), passed] };
  }
  const seen = new Set(fromCorpus.map((f) => `${f.property} ${f.historyHash}`));
  const failing = new Set(fromCorpus.map((f) => f.property));
  const note = `${count(fromCorpus.length, 'failure-corpus entry', 'failure-corpus entries')} failed again, played before the ${count(result.runs, 'run')}`;
  return {
    ...result,
    elapsedMs: result.elapsedMs + Math.round(replayMs),
    verdict: 'fail',
    properties: result.properties.map((o) =>
      failing.has(o.property) ? { ...o, verdict: 'violated', violated: true } : o,
    ),
    failures: [...fromCorpus, ...result.failures.filter((f) => !seen.has(`${f.property} ${f.historyHash}`))],
    notes: [...(result.notes ?? []), note],
  };
}
