import { loadavg } from 'node:os';
import { explore } from '../harness/explore.ts';
import { exploreOnWorkers } from '../harness/explore-on-workers.ts';
import { resolveRun } from '../harness/run-config.ts';
import { SimPool } from '../harness/workers/sim-pool.ts';
import { scenarioByName } from '../scenarios/index.ts';
import { mainThreadCpuMicros } from './thread-cpu.ts';
const runs = Number(process.env['RUNS'] ?? 5000);
const rounds = Number(process.env['ROUNDS'] ?? 4);
const config = resolveRun(scenarioByName('juju-1.24-gated-api')!);
const pool = new SimPool(Number(process.env['POOL'] ?? 1));
explore(config, { runs: 3000, seed: 100 });
await exploreOnWorkers(pool, config, { runs: 3000, seed: 101 });
const cpuOf = async (f: () => unknown) => {
  const c = process.cpuUsage();
  const m = mainThreadCpuMicros()!;
  const t = performance.now();
  await f();
  const d = process.cpuUsage(c);
  return {
    cpu: (d.user + d.system) / 1e6,
    main: (mainThreadCpuMicros()! - m) / 1e6,
    wall: (performance.now() - t) / 1000,
  };
};
for (let r = 0; r < rounds; r++) {
  const a = await cpuOf(() => explore(config, { runs, seed: r + 1 }));
  const b = await cpuOf(() => exploreOnWorkers(pool, config, { runs, seed: r + 1 }));
  console.log(
    `in-process ${(runs / a.cpu).toFixed(0)} runs/cpu-s (wall ${(runs / a.wall).toFixed(0)}); pool ${(runs / (b.cpu - b.main)).toFixed(0)} runs/worker-cpu-s (wall ${(runs / b.wall).toFixed(0)}, main ${b.main.toFixed(2)}s of ${b.cpu.toFixed(2)}s); load ${loadavg()[0]!.toFixed(1)}`,
  );
}
await pool.close();
