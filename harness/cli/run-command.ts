/**
 * `upgrade-chaos run`: with --scenario, plain property semantics (exit 1 if any claimed property is
 * violated); without, every built-in scenario, each verdict compared with its expectation (exit 0
 * when all match). Each scenario first plays its entries of the failure corpus (not with an
 * explicit --seed: that reproduces a run as on a fresh machine), then explores; failures are saved
 * right after, then formatted. An interrupt keeps what was found and exits 130.
 */
import type { Logger } from 'pino';
import type { ExploreResult, Failure, ReplayCase } from '../explore-result.ts';
import { replayLine } from './replay-line.ts';
import { checkPrerequisites, openTarget, parseCommandFlags, runnableConfigs } from './target-flags.ts';
import { workersFlag } from './worker-flags.ts';
import {
  clientKind,
  DEFAULT_CORPUS,
  entriesForClient,
  entryClient,
  FailureCorpus,
  replayCorpus,
  withCorpusFailures,
  type CorpusFailure,
  type PlayCase,
} from '../corpus.ts';
import { scenarioByNameOrPath } from '../scenario-file.ts';
import type { FailureRecord } from '../failure-record.ts';
import { resolveRun, type Overrides, type RunConfig } from '../run-config.ts';
import { clientCommandLabel, playedClient, type RunSettings } from '../run-settings.ts';
import { SCENARIOS } from '../../scenarios/index.ts';
import { formatClientVerdict, formatFailure, formatSummary } from '../../reports/console.ts';
import { runJson } from '../../reports/json.ts';
import type { Summary } from '../../reports/summary.ts';
import { formatCoverage, unobservedClients } from '../../reports/coverage.ts';
import { count } from '../plural.ts';
import {
  expectedOfController,
  judgeExpectation,
  MARKS,
  NOT_IN_SHARD,
  unexpectedPass,
  type Judged,
} from '../../reports/expectation.ts';
import type { PropertyName } from '../../properties/index.ts';
import type { parseFlags } from './options.ts';
import { EXPLORING_FLAGS, exploreOptionsOf, runSettingsOf, stopOnFailureOf } from './settings-flags.ts';
import { Invocation, type Recorded } from './invocation.ts';
import { TargetError, UsageError } from '../errors.ts';

export const RUN_FLAGS = {
  ...EXPLORING_FLAGS,
  scenario: { type: 'string' },
  controller: { type: 'string' },
  client: { type: 'string' },
  property: { type: 'string', multiple: true },
  'time-limit': { type: 'string' },
  'check-determinism': { type: 'boolean' },
  corpus: { type: 'string' },
  'no-corpus': { type: 'boolean' },
  coverage: { type: 'boolean' },
} as const;

/** run has no flag that leaves one scenario of the corpus out: what to do instead. */
const RUN_LEAVE_OUT =
  'run has no flag to leave a scenario out: run the others one at a time with --scenario NAME, or use qualify --scenario NAME (repeatable)';

export interface CommandIO {
  out: (text: string) => void;
  log: Logger;
}

type RunValues = ReturnType<typeof parseFlags<typeof RUN_FLAGS>>['values'];

/** run's overrides of the scenario: --controller, --client, --property. */
function overridesOf(values: RunValues): Overrides {
  return {
    ...(values.controller !== undefined ? { controller: values.controller } : {}),
    ...(values.client !== undefined ? { client: values.client } : {}),
    ...(values.property !== undefined ? { properties: values.property } : {}),
  };
}

export async function runCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandFlags(argv, RUN_FLAGS);
  if (values['check-determinism'] && (values.target ?? 'sim') !== 'sim') {
    throw new UsageError(
      '--check-determinism needs the sim: real targets are not deterministic (replay --repeat N says how often a failure comes back)',
    );
  }
  if (values['no-corpus'] && values.corpus !== undefined) throw new UsageError('--corpus and --no-corpus contradict');
  const settings = runSettingsOf(values, overridesOf(values));
  const named = values.scenario !== undefined;
  const scenarios = named ? [scenarioByNameOrPath(values.scenario!)] : SCENARIOS;
  const { configs, skipped } = runnableConfigs(
    scenarios.map((s) => resolveRun(s, settings.overrides, settings.target.clientCommand)),
    values,
    named,
  );
  const corpus = values['no-corpus'] ? undefined : new FailureCorpus(values.corpus ?? DEFAULT_CORPUS);
  const workers = workersFlag(values, configs.length * settings.runs);
  await checkPrerequisites(configs, values, named ? undefined : RUN_LEAVE_OUT);
  // A --client-cmd program is judged as the client it replaces (expectation.ts), under a named
  // scenario or across the corpus: the built-in clients' expectations say nothing of it.
  const judged: Judged = settings.target.clientCommand ? 'client-command' : named ? 'properties' : 'expectations';
  // Made before the target opens: what it refuses (--report and --out together, a folder holding a
  // report) must not leave a controller server running; it listens for an interrupt from now on.
  const invocation = new Invocation({
    command: 'run',
    judged,
    settings,
    reportDir: values.report,
    outDir: values.out,
    label: named ? configs[0]!.scenario.name : 'corpus',
    stderr: process.stderr,
  });
  const { target, explorer, close } = await openTarget(values, workers).catch((e: unknown) => {
    invocation.interrupt.dispose();
    throw e;
  });
  invocation.started();
  // A corpus entry's case is the one its recorded options draw at its seed and path; it failed
  // again on this run's target, so that is where its replay line points.
  const replay = (config: RunConfig) => (f: ReplayCase) =>
    replayLine(config, f, 'recorded' in f ? { ...(f as CorpusFailure).recorded, target: settings.target } : settings);
  const explored: { config: RunConfig; result: ExploreResult; recorded: Recorded }[] = [];
  try {
    for (const config of configs) {
      if (invocation.interrupted) break;
      io.log.info({ scenario: config.scenario.name, target: target.name, ...settings.shard }, 'exploring');
      const client = clientKind(settings, config.client.name);
      const entries = corpusEntries(corpus, config.scenario.name, client, values.seed !== undefined);
      const play: PlayCase = (c, plan, simSeed) =>
        target.run(c, plan, simSeed, { signal: invocation.interrupt.signal, onStatus: invocation.onStatus });
      const replayStart = performance.now();
      const fromCorpus = await replayCorpus(play, config, entries, target.name, invocation.interrupt.signal);
      const replayMs = performance.now() - replayStart;
      const options = {
        ...exploreOptionsOf(settings),
        coverage: values.coverage ?? false,
        // As the run is judged: a corpus run fails only on what its scenarios do not expect (as
        // qualify), a named scenario on any violation, a --client-cmd program on any but the
        // controller's violations its scenario expects.
        ...stopOnFailureOf(values, judged),
      };
      const found = await explorer(config, invocation.exploreOptions(options));
      const program = settings.target.clientCommand !== undefined || config.client.command !== undefined;
      // Built-in clients leave no output: how many runs started a program means nothing without one.
      const { programRuns: _programRuns, ...builtIn } = found;
      const ran = program ? found : builtIn;
      const covered = program && ran.coverage ? { ...ran, coverage: unobservedClients(ran.coverage) } : ran;
      const result = withCorpusFailures(covered, fromCorpus.failures, fromCorpus.replayed, replayMs);
      const recorded = invocation.record(config, result, replay(config));
      if (corpus) keepInCorpus(corpus, config, found, recorded, judged);
      explored.push({ config, result, recorded });
      if (!values.json) io.out(humanReport(config, result, recorded, replay(config), judged, settings));
    }
  } catch (e) {
    invocation.interrupt.dispose();
    if (e instanceof TargetError) {
      invocation.stoppedByTarget(e, skipped);
      if (!values.json)
        io.out(
          `Stopped by a target failure after ${explored.length} of ${configs.length} scenario(s): ` +
            `what was found before it is in ${invocation.dir}`,
        );
    }
    throw e;
  } finally {
    await close();
  }
  const summary = invocation.finish(skipped);
  // No verdict (no run completed) is no violation either: an interrupt exits 130 all the same. An
  // inconclusive run (a property judged in no run) does not pass (reports/inconclusive.ts).
  const passed = summary.verdict !== 'fail' && summary.verdict !== 'inconclusive';
  if (values.json) {
    const fileOf = (r: Recorded) => (f: Failure) => r.saved.get(f)?.file;
    const json = explored.map(({ config, result, recorded }) => ({
      ...runJson(result, replay(config), fileOf(recorded)),
      ...(judged === 'expectations' ? expectationsJson(config, recorded) : {}),
      ...(judged === 'client-command' ? clientCommandJson(config, recorded, summary.verdict) : {}),
    }));
    const top = { results: invocation.dir, ...(summary.interrupted ? { interrupted: true } : {}) };
    io.out(
      JSON.stringify(
        named
          ? { ...json[0], ...(summary.verdict === 'inconclusive' ? { verdict: summary.verdict } : {}), ...top }
          : { verdict: summary.verdict, seed: settings.seed, scenarios: json, skipped, ...top },
      ),
    );
  } else {
    if (!named) for (const s of skipped) io.out(`Skipped ${s}.`);
    if (summary.interrupted) io.out(`Interrupted: ${explored.length} of ${configs.length} scenario(s) explored.`);
    if (!named)
      io.out(
        summary.verdict === 'none'
          ? 'No verdict: no run completed.'
          : summary.verdict === 'inconclusive'
            ? 'INCONCLUSIVE: some property was judged in no run of a scenario (see above).'
            : summary.verdict === 'interrupted'
              ? 'INTERRUPTED: nothing failed so far, and not every run was made.'
              : judged === 'client-command'
                ? passed
                  ? 'PASS for your client in every scenario.'
                  : 'FAIL for your client in some scenario (see above).'
                : passed
                  ? "All verdicts match the scenarios' expectations."
                  : 'Some verdicts differ from the expectations (see above).',
      );
    io.out(`Results: ${invocation.dir}`);
  }
  return invocation.exitCode(passed);
}

/**
 * The corpus entries a run of `scenario` plays first: those found with the client it plays (a line on
 * stderr says how many others it left out, and with which clients they were found). None with an
 * explicit --seed: a user who gives one reproduces a run and must get what a fresh machine gets, and
 * failures kept from earlier runs would be added to it; a line on stderr says what was left out. New
 * failures are still kept.
 */
function corpusEntries(
  corpus: FailureCorpus | undefined,
  scenario: string,
  client: string,
  seedGiven: boolean,
): FailureRecord[] {
  const { kept, leftOut } = entriesForClient(corpus?.entriesFor(scenario) ?? [], client);
  const notReplayed = (n: number) =>
    `upgrade-chaos run: ${count(n, 'failure-corpus entry', 'failure-corpus entries')} of ${scenario} not replayed: `;
  if (leftOut.length > 0) {
    const foundWith = [...new Set(leftOut.map(entryClient))].join(', ');
    process.stderr.write(
      notReplayed(leftOut.length) +
        `found with ${foundWith}, and this run's client is ${client} (an entry replays only against the client that found it: the same profile, or the same --client-cmd command line)\n`,
    );
  }
  if (!seedGiven || kept.length === 0) return kept;
  process.stderr.write(
    notReplayed(kept.length) + `--seed reproduces a run as on a fresh machine (run without --seed to replay them)\n`,
  );
  return [];
}

/** A corpus run's judgement of a scenario in --json: what it expected, and what differed (a shard
 *  also lists the expected violations it did not see, which do not fail it). */
function expectationsJson(config: RunConfig, recorded: Recorded) {
  const { mismatches, notInShard } = recorded.scenario;
  return { expected: config.scenario.expect, mismatches, ...(notInShard ? { notInShard } : {}) };
}

/** A --client-cmd run's judgement in --json: `verdict` as judged (what the exit code says), the
 *  violations that are the client's, and those the scenario expects of its controller. */
function clientCommandJson(config: RunConfig, recorded: Recorded, verdict: Summary['verdict']) {
  return {
    verdict,
    judged: 'client-command' as const,
    clientViolations: recorded.scenario.mismatches,
    expectedOfController: controllerViolations(config, recorded),
  };
}

/** The properties a --client-cmd run violated that the scenario expects its controller to violate. */
function controllerViolations(config: RunConfig, recorded: Recorded): PropertyName[] {
  const expected = config.scenario.expect;
  return recorded.scenario.outcomes
    .filter((o) => o.violated && expectedOfController(o.property, expected[o.property]))
    .map((o) => o.property);
}

/** The line under the header: the scenario's summary describes its built-in client, so a program's
 *  run says what plays instead. */
function scenarioLine(config: RunConfig, settings: RunSettings): string {
  const command = settings.target.clientCommand;
  if (command === undefined) return config.scenario.summary;
  return `The ${config.controller.name} controller of ${config.scenario.name}; the client under test is ${clientCommandLabel(command)}, in place of the scenario's ${config.client.name} client`;
}

/** The client as the header names it: a --client-cmd program is the run's one client. */
function clientLabel(config: RunConfig, settings: RunSettings): string {
  const played = playedClient(config.client.name, settings.target);
  return settings.target.clientCommand === undefined ? played : `${played} as client-0`;
}

/**
 * New failures join the corpus: with --scenario every violation (the run fails on it); in a corpus
 * run only violations the scenario did not expect, and with --client-cmd none the scenario expects
 * of its controller, so expected ones do not pile up.
 */
function keepInCorpus(
  corpus: FailureCorpus,
  config: RunConfig,
  found: ExploreResult,
  recorded: Recorded,
  judged: Judged,
): void {
  for (const f of found.failures) {
    const expected = config.scenario.expect[f.property];
    if (judged === 'expectations' && expected === 'violated') continue;
    if (judged === 'client-command' && expectedOfController(f.property, expected)) continue;
    const saved = recorded.saved.get(f);
    if (saved) corpus.add(saved.record);
  }
}

/** A scenario's section of the terminal output. With expectations, an expected violation is one line
 *  (its timeline is in the report); anything unexpected is shown in full. A --client-cmd run shows the
 *  violations the scenario expects of its controller the same way, and says whose each verdict is. */
function humanReport(
  config: RunConfig,
  result: ExploreResult,
  recorded: Recorded,
  replay: (f: ReplayCase) => string,
  judged: Judged,
  settings: RunSettings,
): string {
  const expectations = judged === 'expectations';
  const expected = config.scenario.expect;
  const lines = [`━━ ${config.scenario.name} (${config.controller.name} × ${clientLabel(config, settings)}) ━━`];
  if (!expectations) lines.push(scenarioLine(config, settings), '');
  const ofController = (property: PropertyName) =>
    judged === 'client-command' && expectedOfController(property, expected[property]);
  for (const f of result.failures) {
    const file = recorded.saved.get(f)?.file;
    if (expectations && expected[f.property] === 'violated')
      lines.push(`  ${f.property} violated as expected (${count(f.shrunkEvents, 'event')}): ${file ?? replay(f)}`);
    else if (ofController(f.property))
      lines.push(
        `  ${f.property} violated as the scenario expects of its ${config.controller.name} controller, ` +
          `not your client's doing (${count(f.shrunkEvents, 'event')}): ${file ?? replay(f)}`,
      );
    else lines.push(formatFailure(f, replay(f), file !== undefined ? { savedTo: file } : {}), '');
  }
  if (judged === 'client-command') lines.push(clientCommandVerdict(config, result, recorded));
  else lines.push(formatSummary(result, expectations && recorded.scenario.mismatches.length === 0, replay));
  if (result.coverage) lines.push(formatCoverage(result.coverage));
  if (expectations) {
    for (const o of result.properties) {
      const expected = config.scenario.expect[o.property];
      const observed = o.verdict; // unknown never matches an expectation
      const judgement = judgeExpectation(expected, observed, settings.shard !== undefined);
      const first = o.firstFailureRun ? ` (first at run ${o.firstFailureRun})` : '';
      const note =
        judgement === 'not-in-shard'
          ? `: ${NOT_IN_SHARD}`
          : judgement === 'differs' && observed === 'held'
            ? ` (${unexpectedPass(result.runs)})`
            : '';
      lines.push(
        `  ${MARKS[judgement]} ${o.property.padEnd(24)} expected ${expected ?? '-'}, observed ${observed}${first}${note}`,
      );
    }
    const mismatches = recorded.scenario.mismatches;
    if (mismatches.length) lines.push(`  MISMATCH: ${mismatches.join('; ')}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * A --client-cmd run's verdict line: PASS or FAIL for the client under test, with the violations the
 * scenario expects of its controller named apart (they do not fail it), then the summary's notes.
 */
function clientCommandVerdict(config: RunConfig, result: ExploreResult, recorded: Recorded): string {
  const ofController = controllerViolations(config, recorded);
  return formatClientVerdict(result, recorded.scenario.mismatches, ofController, config.controller.name);
}
