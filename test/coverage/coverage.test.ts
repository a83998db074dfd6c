/**
 * Coverage is a pure function of a history: each event counted at the state it landed in, every
 * abstract state visited; merged coverage is the sum of its parts; `run --coverage` prints it and
 * `--json` carries it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { caseCoverage, CELL, emptyCoverage, features, mergeCoverage } from '../../harness/coverage.ts';
import { explore } from '../../harness/explore.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { simulate } from '../../harness/targets/sim/simulate.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { history } from '../properties/build.ts';

const deploy = (client: number, app = 'mysql') => ({ kind: 'deploy' as const, client, app, units: 1 });

/** bootstrap; client-0 connects, logs in, watches; an upgrade; a deploy lands during the steps. */
function upgradeHistory() {
  return history({ clients: ['client-0'] })
    .at(0, { type: 'bootstrap', version: '1.24.0', desired: '1.24.2' })
    .at(0, { type: 'upgrade-pending', from: '1.24.0', to: '1.24.2' })
    .at(0, { type: 'event', index: 0, event: { kind: 'bootstrap' }, applied: true })
    .at(5, { type: 'client-conn', client: 'client-0', conn: 1, state: 'open' })
    .at(6, { type: 'login', conn: 1, client: 'client-0', ok: true })
    .at(7, { type: 'watcher-start', conn: 1, client: 'client-0', watcher: 'w1' })
    .at(100, { type: 'event', index: 1, event: deploy(0), applied: true })
    .at(100, { type: 'invoke', client: 'client-0', op: 1, f: 'deploy', value: { app: 'mysql', units: 1 } })
    .at(200, { type: 'download', version: '1.24.2', ok: true }, { type: 'agent-down', reason: 'upgrade' })
    .at(200, { type: 'conn-close', conn: 1, client: 'client-0', reason: 'agent-down' })
    .at(200, { type: 'watcher-stop', conn: 1, client: 'client-0', watcher: 'w1', reason: 'connection' })
    .at(200, { type: 'client-conn', client: 'client-0', conn: 1, state: 'closed' })
    .at(300, { type: 'agent-up', version: '1.24.2' }, { type: 'version', from: '1.24.0', to: '1.24.2' })
    .at(300, { type: 'upgrade-steps', version: '1.24.2' })
    .at(350, { type: 'event', index: 2, event: { kind: 'restart' }, applied: true })
    .at(350, { type: 'agent-down', reason: 'restart' })
    .at(400, { type: 'event', index: 3, event: { kind: 'wait', durationMs: 1 }, applied: true })
    .at(500, { type: 'agent-up', version: '1.24.2' }, { type: 'upgrade-steps', version: '1.24.2' })
    .at(900, { type: 'upgrade-end', version: '1.24.2' })
    .at(950, { type: 'event', index: 4, event: { kind: 'disconnect', client: 0 }, applied: false })
    .end(1000);
}

describe('caseCoverage', () => {
  const c = caseCoverage(upgradeHistory());

  it('counts each event at the upgrade phase it landed in, before its own records', () => {
    expect(c.events.bootstrap).toMatchObject({ total: 1, applied: 1, phases: { 'before-bootstrap': 1 } });
    expect(c.events.deploy!.phases).toEqual({ pending: 1 });
    expect(c.events.restart!.phases).toEqual({ steps: 1 });
    expect(c.events.wait!.phases).toEqual({ 'agent-down': 1 });
    expect(c.events.disconnect).toMatchObject({ total: 1, applied: 0, phases: { done: 1 } });
  });

  it("counts the client's state: connected and watching before a deploy, offline after the restart", () => {
    expect(c.events.deploy!.clients).toEqual({ connected: 1, watching: 1 });
    expect(c.events.restart!.clients).toEqual({ offline: 1, deploying: 1 });
  });

  it('lists every abstract state visited, a crash as the fault in force', () => {
    const states = Object.keys(c.states);
    expect(states).toContain('pending | connected+watching | none');
    expect(states).toContain('pending | connected+watching+deploying | none');
    expect(states).toContain('agent-down | offline+deploying | crash');
    expect(states).toContain('done | offline+deploying | none');
    expect(states).not.toContain('downloading | offline | none');
  });

  it('features name the same states and each event with the state it landed in', () => {
    const f = features(upgradeHistory());
    // one client here: the projection on it is the whole state
    for (const s of Object.keys(c.states)) {
      const [phase, rest] = [s.slice(0, s.indexOf(' | ')), s.slice(s.indexOf(' | '))];
      expect(f.has(`${phase} #0${rest}`) || f.has(`${phase} #1${rest}`)).toBe(true);
    }
    expect(f.has('deploy @ pending #1 | connected+watching')).toBe(true);
    expect(f.has('restart @ steps #1 | ')).toBe(true);
    expect(f.has('disconnect(no-op) @ done #1 | offline+deploying')).toBe(true);
    expect(f.has('lost 1 connections')).toBe(true);
  });

  it('names cells (how far the run got: phase, upgrades, crashes in this upgrade, lost connections) and event pairs', () => {
    const cells = [...features(upgradeHistory()).keys()].filter((k) => k.startsWith(CELL));
    expect(cells).toContain('cell pending #1 crashed 0 | lost 0');
    expect(cells).toContain('cell steps #1 crashed 0 | lost 1'); // the upgrade's restart closed its connection
    expect(cells).toContain('cell agent-down #1 crashed 1 | lost 1'); // the restart event is a crash
    expect(cells).toContain('cell done #1 crashed 1 | lost 1');
    expect(cells).not.toContain('cell steps #1 crashed 0 | lost 0');
    const f = features(upgradeHistory());
    expect(f.has('deploy@pending → restart@steps')).toBe(true);
    expect(f.has('bootstrap@before-bootstrap → deploy@pending')).toBe(true);
    expect([...f.keys()].some((k) => k.includes('→ disconnect'))).toBe(false); // not applied: no edge
    // when each cell was first reached: the crash at 350
    expect(f.get('cell agent-down #1 crashed 1 | lost 1')).toBe(350);
  });
});

describe('features, at the edges of the plan', () => {
  // A deploy before the bootstrap at t=0, then a chained upgrade that acts only after the plan.
  const edges = () =>
    history({ clients: ['client-0'] })
      .at(0, { type: 'event', index: 0, event: deploy(0), applied: false })
      .at(0, { type: 'bootstrap', version: '1.24.0', desired: '1.24.0' })
      .at(0, { type: 'event', index: 1, event: { kind: 'bootstrap' }, applied: true })
      .at(10, { type: 'event', index: 2, event: { kind: 'chained-upgrade', version: '1.24.3' }, applied: true })
      .at(10, { type: 'quiescence' })
      .at(20, { type: 'upgrade-pending', from: '1.24.0', to: '1.24.3' })
      .at(30, { type: 'client-conn', client: 'client-0', conn: 1, state: 'open' })
      .at(40, { type: 'upgrade-end', version: '1.24.3' })
      .end(50);

  it('counts an event at t=0 in the state of the clients run-start names (offline), as caseCoverage does', () => {
    const f = features(edges());
    expect(f.has('deploy(no-op) @ before-bootstrap #0 | offline')).toBe(true);
    expect([...f.keys()].some((k) => k.includes('undefined'))).toBe(false);
    expect(caseCoverage(edges()).events.deploy!.clients).toEqual({ offline: 1 });
  });

  it('reads the closing sequence for the upgrade cells only: an upgrade that starts after the last event', () => {
    const f = features(edges());
    expect(f.get(`${CELL}pending #1 after the plan`)).toBe(20);
    expect(f.get(`${CELL}done #1 after the plan`)).toBe(40);
    // no abstract state, event or connection feature from the closing sequence
    expect([...f.keys()].filter((k) => !k.startsWith(CELL) && /pending|done|logging-in/.test(k))).toEqual([]);
  });
});

describe('mergeCoverage', () => {
  it('adds counts and state visits, in any order', () => {
    const config = resolveRun(scenarioByName('juju-1.24-gated-api')!);
    const a = caseCoverage(
      simulate(config, [{ kind: 'bootstrap' }, deploy(0), { kind: 'wait', durationMs: 20_000 }], 1),
    );
    const b = caseCoverage(simulate(config, [deploy(1), { kind: 'bootstrap' }, { kind: 'restart' }], 2));
    const ab = mergeCoverage(mergeCoverage(emptyCoverage(), a), b);
    const ba = mergeCoverage(mergeCoverage(emptyCoverage(), b), a);
    expect(ab.runs).toBe(2);
    expect(ab.events.deploy!.total).toBe(2);
    expect(JSON.stringify(Object.entries(ab.states).sort())).toBe(JSON.stringify(Object.entries(ba.states).sort()));
  });

  it('explore adds up every case of phase one when asked, and only then', () => {
    const config = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!);
    const result = explore(config, { runs: 50, seed: 4, coverage: true });
    expect(result.coverage!.runs).toBe(result.runs);
    expect(result.coverage!.events.bootstrap!.total).toBe(result.runs);
    expect(explore(config, { runs: 5, seed: 4 }).coverage).toBeUndefined();
  });
});

describe('coverage counts', () => {
  it('add up: each event in one connection state of each client it concerns, events at t=0 included', () => {
    // One client, and two (an event that names none counts in both clients' states).
    for (const name of ['juju-1.22-network-partition', 'juju-1.24-crashed-controller']) {
      const config = resolveRun(scenarioByName(name)!);
      const coverage = explore(config, { runs: 100, seed: 1, coverage: true }).coverage!;
      for (const [kind, e] of Object.entries(coverage.events)) {
        const phases = Object.values(e.phases).reduce((a, b) => a + b, 0);
        expect(phases, kind).toBe(e.total);
        const connection = (e.clients.offline ?? 0) + (e.clients['logging-in'] ?? 0) + (e.clients.connected ?? 0);
        // An upgrade tied to a client's moment has a row of its own (`upgrade@login`) and concerns that client.
        const concerned = CLIENT_EVENTS.has(kind) || kind.includes('@') ? 1 : config.scenario.clients;
        expect(connection, `${name}: ${kind}`).toBe(e.total * concerned);
      }
    }
  });
});

/** The event kinds that name a client (the others concern every client). */
const CLIENT_EVENTS = new Set(['deploy', 'remove', 'rewatch', 'disconnect', 'partition', 'half-open', 'stop-watcher']);

describe('run --coverage', () => {
  const BIN = join(import.meta.dirname, '../../bin/upgrade-chaos.js');
  const out = mkdtempSync(join(tmpdir(), 'upgrade-chaos-coverage-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const args = ['run', '--scenario', 'juju-1.25-no-implicit-upgrade', '--runs', '200', '--seed', '2', '--coverage'];

  it('prints the event × phase and event × client-state tables', async () => {
    const r = await execa('node', [BIN, ...args, '--out', out], { reject: false });
    expect(r.stdout).toMatch(/Coverage over 200 runs/);
    expect(r.stdout).toMatch(/event +events +before-bootstrap +idle +pending +downloading +agent-down +steps +done/);
    expect(r.stdout).toMatch(/event +events +offline +logging-in +connected +watching +deploying +partitioned/);
    expect(r.stdout).toMatch(/offline \+ logging-in \+ connected add up to the events/);
    // Upgrades tied to a client's moment are rows of their own, one per moment.
    expect(r.stdout).toMatch(
      /\n {2}(chained-)?upgrade@(login|watch-answered|deploy-received|watch-next|deploy-answered) +\d/,
    );
    expect(r.stdout).toMatch(/abstract states visited/);
  });

  it('puts the same in --json as `coverage`', async () => {
    const r = await execa('node', [BIN, ...args, '--json', '--out', out], { reject: false });
    const json = JSON.parse(r.stdout);
    expect(json.coverage.runs).toBe(200);
    expect(json.coverage.events.bootstrap.total).toBe(200);
    expect(Object.keys(json.coverage.states).length).toBeGreaterThan(5);
  });
});
