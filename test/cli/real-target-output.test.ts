/**
 * What a run on a real target tells a new user: a --client-cmd run names the program, not the
 * built-in client it replaces, and its plans hold client-0's events only (the program is the one
 * client every client event goes to); every replay line points at the target the failure came back
 * on (a failure-corpus entry found on the sim, failing again on the process target, included), with
 * a `--repeat` hint, since one real run may pass where another failed; a replay of a program's
 * failure offers no vitest test (it would play the sim's own client).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { caseArbitrary } from '../../harness/case-params.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { SUGGESTED_REPEAT } from '../../reports/console.ts';
import { escapeXml } from '../../reports/xml.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { BIN, cliIn, readSummary, workFolder } from '../reports/cli-helpers.ts';

const work = workFolder('real-target-output');
afterAll(work.remove);
const cli = cliIn(work.dir);

/** A deployment program that always fails (having dialled): every run violates deployments-complete. */
const failing = resolve('test/fixtures/clients/dials-then-fails.mjs');
/** The process target, driven by that program, at a time scale that keeps runs short. */
const ON_PROCESS = ['--target', 'process', '--time-scale', '0.02', '--client-cmd', `node ${failing}`];

/** summary.json, junit.xml and report.html name the program that played the client, never the
 *  scenario's built-in client (reconnecting) it replaced. */
function expectReportsNameTheProgram(dir: string): void {
  const label = `--client-cmd "node ${failing}"`;
  expect(readSummary(dir).scenarios.map((s) => s.client)).toEqual([label]);
  const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
  expect(junit).toContain(`<property name="client" value="${escapeXml(label)}"/>`);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  expect(html).toContain(`juju-1.24 × ${escapeXml(label)}`);
  for (const text of [junit, html]) expect(text).not.toMatch(/reconnecting/);
}

describe('real-target output', { timeout: 240_000 }, () => {
  it("draws a --client-cmd program one client, client-0, and no event a program cannot obey (removes are the operator's)", () => {
    const gated = scenarioByName('juju-1.24-gated-api')!;
    expect(gated.clients).toBe(2);
    expect(gated.weights.rewatch && gated.weights.remove).toBeGreaterThan(0);
    const config = resolveRun(gated, {}, `node ${failing}`);
    expect(config.scenario.clients).toBe(1);
    const clients = new Set<number>();
    const kinds = new Set<string>();
    let tiedRemoves = 0;
    for (const [plan] of fc.sample(caseArbitrary(config, {}), { numRuns: 200, seed: 1 }))
      for (const e of plan) {
        kinds.add(e.kind);
        if ('client' in e) clients.add(e.client);
        if (e.kind === 'remove' && e.on === 'login') tiedRemoves++;
      }
    // Removals tied to the program's login after a lost watcher (remove-on-activity), as often as plain ones.
    expect(config.scenario.weights['remove-on-activity']).toBe(gated.weights.remove);
    expect(tiedRemoves).toBeGreaterThan(0);
    expect([...clients]).toEqual([0]);
    expect(kinds).toContain('deploy');
    expect(kinds).not.toContain('rewatch');
    expect(kinds).toContain('remove'); // the operator's removal of an application of theirs (controller/operator.ts)
    // The built-in client still gets them, and a recorded program scenario resolves to itself.
    const builtIn = fc.sample(caseArbitrary(resolveRun(gated), {}), { numRuns: 200, seed: 1 });
    expect(builtIn.some(([plan]) => plan.some((e) => e.kind === 'rewatch'))).toBe(true);
    expect(builtIn.some(([plan]) => plan.some((e) => e.kind === 'remove' && e.on !== undefined))).toBe(false);
    expect(resolveRun(config.scenario, {}, `node ${failing}`).scenario).toEqual(config.scenario);
  });

  it('names the program in the header, prints client-0 only, and replays on the process target with --repeat', async () => {
    const r = await cli(
      'run',
      ...ON_PROCESS,
      '--scenario',
      'juju-1.24-gated-api',
      '--runs',
      '2',
      '--seed',
      '1',
      '--no-corpus',
      '--coverage',
      '--report',
      'named',
    );
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout).toContain(`━━ juju-1.24-gated-api (juju-1.24 × --client-cmd "node ${failing}" as client-0) ━━`);
    expectReportsNameTheProgram(join(work.dir, 'named'));
    expect(r.stdout).toContain(
      `The juju-1.24 controller of juju-1.24-gated-api; the client under test is --client-cmd "node ${failing}"`,
    );
    expect(r.stdout).not.toMatch(/the client reconnects/);
    expect(r.stdout).not.toMatch(/client-1/);
    // The program's own state is not observed: no table that puts every event "offline".
    expect(r.stdout).toContain('Client state each event landed in: unknown. The client is a --client-cmd program');
    expect(r.stdout).not.toMatch(/^ {2}event +events +offline/m);
    const replay = /^Replay: (.*)$/m.exec(r.stdout)![1]!;
    expect(replay).toMatch(/--target process .*--client-cmd/);
    expect(r.stdout).toContain(`${replay} --repeat ${SUGGESTED_REPEAT}`);
    // The replay fails again, and offers no vitest test: that would play the sim's client and pass.
    const replayed = await execa(replay.replace(/^npx upgrade-chaos /, `node ${BIN} `), {
      shell: true,
      cwd: work.dir,
      reject: false,
    });
    expect(replayed.exitCode, replayed.stderr).toBe(1);
    // It prints what the program said, as the run does.
    expect(replayed.stdout).toContain(`client-0 ran node ${failing}: exited 1`);
    expect(replayed.stdout).toMatch(/ {2}stderr:\n {4}dials-then-fails: giving up/);
    expect(replayed.stdout).not.toMatch(/vitest test that fails/);
    expect(replayed.stdout).toContain(
      `No vitest test: it would play the sim's own client, not --client-cmd "node ${failing}".`,
    );
  });

  it('report merge of shards names the program, and refuses shards of different programs', async () => {
    // Two shards of the run above, as two machines would have left them (cases aside, the same).
    const asShard = (index: number, clientCommand: string) => {
      const dir = join(work.dir, `shard-${index}-${clientCommand.length}`);
      cpSync(join(work.dir, 'named'), dir, { recursive: true });
      const summary = readSummary(dir);
      summary.settings.shard = { index, count: 2 };
      summary.settings.target.clientCommand = clientCommand;
      writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
      return dir;
    };
    const merged = await cli(
      'report',
      'merge',
      asShard(1, `node ${failing}`),
      asShard(2, `node ${failing}`),
      '--out',
      'merged',
    );
    expect(merged.exitCode, merged.stderr).toBe(1);
    expectReportsNameTheProgram(join(work.dir, 'merged'));
    const mixed = await cli(
      'report',
      'merge',
      asShard(1, `node ${failing}`),
      asShard(2, 'node other.mjs'),
      '--out',
      'mixed',
    );
    expect(mixed.exitCode).toBe(2);
    expect(mixed.stderr).toMatch(/report merge: the reports differ in client command/);
  });

  it("a failure-corpus entry a program found, failing again on this run's target, replays there", async () => {
    const corpus = join(work.dir, 'corpus.jsonl');
    const scenario = ['--scenario', 'juju-1.22-implicit-upgrade', '--property', 'deployments-complete'];
    const onSim = await cli('run', ...scenario, '--seed', '1', '--runs', '300', '--corpus', corpus);
    expect(onSim.exitCode, onSim.stderr).toBe(1);
    // An entry replays only against the kind of client that found it: this one says a program found
    // it, at another time scale. Its plan deploys, so the program that always fails fails it: no luck
    // involved. No --seed: a run given one is reproduced as on a fresh machine, without the corpus.
    const entry = JSON.parse(readFileSync(corpus, 'utf8').trim().split('\n')[0]!);
    entry.settings.target = { name: 'process', timeScale: 1, clientCommand: `node ${failing}` };
    writeFileSync(corpus, JSON.stringify(entry) + '\n');
    const r = await cli('run', ...ON_PROCESS, ...scenario, '--runs', '1', '--corpus', corpus, '--json');
    const failures = JSON.parse(r.stdout).failures as { shrunkOn: string; replay: string }[];
    const fromCorpus = failures.find((f) => f.shrunkOn === 'none');
    expect(fromCorpus, r.stdout).toBeDefined();
    expect(fromCorpus!.replay).toMatch(/--target process --time-scale 0\.02 --client-cmd /);
  });

  it("a program's saved failure replays that program on another target, and is refused on the sim", async () => {
    const out = join(work.dir, 'retarget');
    const run = await cli(
      'run',
      ...ON_PROCESS,
      '--scenario',
      'juju-1.24-gated-api',
      '--runs',
      '1',
      '--seed',
      '1',
      '--no-corpus',
      '--out',
      out,
      '--json',
    );
    expect(run.exitCode, run.stderr).toBe(1);
    const file = resolve(work.dir, (JSON.parse(run.stdout).failures as { file: string }[])[0]!.file);
    // --target given without --client-cmd: the program still runs (a built-in client would pass).
    const again = await cli('replay', file, '--target', 'process', '--json');
    expect(again.exitCode, again.stderr).toBe(1);
    // --client-cmd given without --target: the recorded target (process, its time scale) runs it.
    const other = `node ${failing} fixed`;
    const withProgram = await cli('replay', file, '--client-cmd', other, '--json');
    expect(withProgram.exitCode, withProgram.stderr).toBe(1);
    const [replayed] = JSON.parse(withProgram.stdout).failures as { replay: string }[];
    expect(replayed!.replay).toContain(`--target process --time-scale 0.02 --client-cmd '${other}'`);
    const onSim = await cli('replay', file, '--target', 'sim');
    expect(onSim.exitCode).toBe(2);
    expect(onSim.stderr.trim().split('\n')).toEqual([
      `upgrade-chaos: this failure was found with --client-cmd "node ${failing}", which the sim cannot run: replay it on --target process, container or external`,
    ]);
  });
});
