/**
 * What this machine gives two threads at once against one, for plain JavaScript that allocates
 * and computes much as the sim does (no sim code, no messages): the ceiling of any speed-up from
 * a second worker. Two "cores" may be two hardware threads of one core, or share a cache or a
 * memory bus, or be busy with others' work; then even this loop gets less than 2x, and the sim's
 * workers cannot beat it. Each thread counts the rounds of the loop it completes in a fixed time.
 * On Linux with autogroup scheduling, a busy session elsewhere is enough: the threads of one
 * process share one session's part of the CPU (on the shared 2-core machine at load 20, two threads
 * of one process got 0.82-1.05x one thread, two processes in sessions of their own 1.76-1.83x).
 */
import { Worker } from 'node:worker_threads';

const LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
let rounds = 0;
let keep = [];
let x = 1;
const end = performance.now() + workerData.ms;
while (performance.now() < end) {
  for (let i = 0; i < 2000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    keep.push({ at: i, value: x & 0xffff, kind: i % 3 === 0 ? 'a' : 'b' });
    if (keep.length > 5000) keep = [];
  }
  rounds++;
}
parentPort.postMessage(rounds + (x & 0));
`;

function loopFor(ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOOP, { eval: true, workerData: { ms } });
    worker.once('message', (rounds: number) => resolve(rounds));
    worker.once('error', reject);
  });
}

/** Rounds of the loop done in `ms` by one thread alone, then by two at once, alternating
 *  `pairs` times; the ratio of their totals (2 is a perfect second core). */
export async function threadCeiling(ms = 1000, pairs = 3): Promise<number> {
  let one = 0;
  let two = 0;
  for (let i = 0; i < pairs; i++) {
    one += await loopFor(ms);
    two += (await Promise.all([loopFor(ms), loopFor(ms)])).reduce((a, b) => a + b, 0);
  }
  return Math.round((two / one) * 100) / 100;
}
