/**
 * The CPU time of this process's main thread alone, beside process.cpuUsage() (every thread: the
 * sim workers, V8's compiler and collector). Node 20 has no per-thread figure (threadCpuUsage came
 * in 23.9), so it reads Linux's /proc/self/task/<pid>/stat, where the main thread's id is the
 * process id; elsewhere undefined.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on every Linux we run). */
const TICKS_PER_SECOND = 100;

/** The main thread's user + system CPU so far, in microseconds; undefined off Linux. */
export function mainThreadCpuMicros(): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces, so after its closing parenthesis):
  // state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1e6) / TICKS_PER_SECOND : undefined;
}
