/**
 * The soak test: the process target runs cases back to back for --minutes N (default 10), and
 * every --sample-seconds (default 30) the harness and the controller server are measured: resident
 * memory, heap (harness), open file descriptors, and the harness's child processes. A leak shows as
 * a column that keeps growing; the end compares the first and the last third of the samples.
 *
 *   npm run soak -- --minutes 10 [--scenario NAME] [--time-scale X] [--json FILE]
 *
 * Linux only (it reads /proc). Exit 0 when nothing grew beyond its tolerance, 1 when something did.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { caseArbitrary } from '../harness/case-params.ts';
import { resolveRun } from '../harness/run-config.ts';
import { createProcessTarget } from '../harness/targets/process/index.ts';
import { scenarioByName } from '../scenarios/index.ts';
import { checkProperties } from '../properties/index.ts';

interface Sample {
  minute: number;
  runs: number;
  harnessRssMb: number;
  harnessHeapMb: number;
  harnessFds: number;
  serverRssMb: number;
  serverFds: number;
  children: number;
}

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    'sample-seconds': { type: 'string', default: '30' },
    scenario: { type: 'string', default: 'juju-1.22-implicit-upgrade' },
    'time-scale': { type: 'string', default: '0.02' },
    json: { type: 'string' },
  },
});
const minutes = Number(values.minutes);
const sampleMs = Number(values['sample-seconds']) * 1000;

const mb = (kb: number): number => Math.round(kb / 102.4) / 10;
const fds = (pid: number | 'self'): number => readdirSync(`/proc/${pid}/fd`).length;
function rssKb(pid: number | 'self'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m);
  return line ? Number(line[1]) : 0;
}

/** Every live descendant of this process (grandchildren included), from /proc's parent links. */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone between the listing and the read
    }
  }
  const found: number[] = [];
  const walk = (pid: number): void => {
    for (const [child, ppid] of parent) {
      if (ppid !== pid) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

const config = resolveRun(scenarioByName(values.scenario)!);
const target = await createProcessTarget({ timeScale: Number(values['time-scale']) });
const cases = caseArbitrary(config, {});
const start = performance.now();
const samples: Sample[] = [];
let runs = 0;
let violations = 0;

function sample(): void {
  global.gc?.();
  const server = target.server.pid!;
  const s: Sample = {
    minute: Math.round((performance.now() - start) / 600) / 100,
    runs,
    harnessRssMb: mb(rssKb('self')),
    harnessHeapMb: Math.round(process.memoryUsage().heapUsed / 104857.6) / 10,
    harnessFds: fds('self'),
    serverRssMb: mb(rssKb(server)),
    serverFds: fds(server),
    children: descendants(process.pid).length,
  };
  samples.push(s);
  process.stdout.write(`${JSON.stringify(s)}\n`);
}

sample();
let next = performance.now() + sampleMs;
for (let seed = 1; performance.now() - start < minutes * 60_000; seed++) {
  const [plan, simSeed] = fc.sample(cases, { numRuns: 1, seed })[0]!;
  const history = await target.run(config, plan, simSeed);
  violations += checkProperties(history, config.properties).length > 0 ? 1 : 0;
  runs++;
  if (performance.now() >= next) {
    sample();
    next += sampleMs;
  }
}
sample();
await target.close();

/** A column grows when the median of the last third exceeds the first third's by the tolerance. */
function growth(key: keyof Sample, tolerance: number): string | undefined {
  const third = Math.max(1, Math.floor(samples.length / 3));
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const first = median(samples.slice(1, third + 1).map((s) => s[key]));
  const last = median(samples.slice(-third).map((s) => s[key]));
  return last > first * (1 + tolerance) + 2 ? `${key} grew from ${first} to ${last}` : undefined;
}
const grown = [
  growth('harnessRssMb', 0.25),
  growth('harnessHeapMb', 0.25),
  growth('harnessFds', 0.1),
  growth('serverRssMb', 0.25),
  growth('serverFds', 0.1),
  growth('children', 0),
].filter((g): g is string => g !== undefined);
const [first, last] = [samples[0]!, samples.at(-1)!];
process.stdout.write(
  `soak: ${runs} runs in ${minutes} min (${violations} with violations, expected for this scenario)\n` +
    `start: ${JSON.stringify(first)}\nend:   ${JSON.stringify(last)}\n` +
    (grown.length ? `GROWING: ${grown.join('; ')}\n` : 'nothing grew\n'),
);
if (values.json) writeFileSync(values.json, JSON.stringify({ runs, violations, samples, grown }, null, 2));
process.exitCode = grown.length ? 1 : 0;
