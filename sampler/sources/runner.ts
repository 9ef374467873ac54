// The load generator's own CPU: the Playwright runner process (the one that
// started the sampler, from its global setup) and its worker processes, as a
// share of the whole host between two readings. The sandbox and this sampler
// are children of the runner too, but not the load generator: only the runner
// itself and the processes running Playwright's worker entry (with anything
// they start) count. A worker that exits is reaped by the runner, whose
// counted CPU time then includes the worker's (cutime), so the sum stays whole.
import { parseProcStat, processTree, USER_HZ, type PidStat } from '../proc.ts';
import { naField, toMb, type Fields, type Source } from '../types.ts';
import { readProc } from '../../lib/proc.ts';
import { procTable, treeRssKb } from './processes.ts';

/** What Playwright's worker processes run (playwright/lib/worker/workerProcessEntry.js). */
export const WORKER_ENTRY = 'workerProcessEntry';

export interface RunnerReading {
  /** CPU ticks (USER_HZ) of the runner and its workers' trees, reaped children included. */
  ticks: number;
  /** All host jiffies (every core) at the reading. */
  hostTotal: number;
  /** The worker processes seen. */
  workers: number[];
  /** Every pid counted: the runner and each worker's tree. */
  pids: number[];
}

/** The runner's processes in a process table: itself, and each descendant that is a worker with its own descendants. */
export function runnerReading(
  runner: number,
  table: ReadonlyMap<number, PidStat>,
  isWorker: (pid: number) => boolean,
  hostTotal: number,
): RunnerReading | undefined {
  const self = table.get(runner);
  if (!self) return undefined;
  const parents = new Map([...table].map(([pid, stat]) => [pid, stat.ppid]));
  const workers = processTree(runner, parents).filter((pid) => pid !== runner && isWorker(pid));
  const pids = [...new Set([runner, ...workers.flatMap((w) => processTree(w, parents))])];
  return { ticks: pids.reduce((sum, pid) => sum + (table.get(pid)?.ticks ?? 0), 0), hostTotal, workers, pids };
}

/**
 * Share of the whole host (0..1) the runner's processes used between two readings: their ticks over all jiffies of
 * every core. A string (n/a with why) when there is no delta to take.
 */
export function runnerCpuShare(before: RunnerReading | undefined, now: RunnerReading): number | string {
  if (!before) return naField('first reading of the runner, no CPU delta yet');
  const host = now.hostTotal - before.hostTotal;
  if (host <= 0) return naField('no CPU time passed since the previous /proc/stat reading');
  if (now.ticks < before.ticks) return naField("the runner's CPU time went down (a worker exited before it was reaped)");
  return Math.round(Math.min(1, (now.ticks - before.ticks) / host) * 10_000) / 10_000;
}

/** The runner's processes; `runnerPid` undefined when the sampler was started without one (the entry says why). */
export function runnerSource(runnerPid: number | undefined): Source {
  const workerByPid = new Map<number, boolean>();
  let previous: { reading: RunnerReading; atMs: number } | undefined;
  const isWorker = (pid: number): boolean => {
    let known = workerByPid.get(pid);
    if (known === undefined) workerByPid.set(pid, (known = (readProc(`/proc/${pid}/cmdline`) ?? '').includes(WORKER_ENTRY)));
    return known;
  };
  return {
    async sample() {
      if (runnerPid === undefined) return { na: 'no runner pid (--runner-pid): the sampler was not started by a Playwright run' };
      const stat = readProc('/proc/stat');
      if (stat === undefined) return { na: `no /proc/stat on this host (${process.platform})` };
      const hostTotal = parseProcStat(stat).total;
      const table = procTable();
      for (const pid of workerByPid.keys()) if (!table.has(pid)) workerByPid.delete(pid); // pids are reused
      const reading = runnerReading(runnerPid, table, isWorker, hostTotal);
      if (!reading) return { na: `runner pid ${runnerPid} is not a process on this host (the run has ended)` };
      const atMs = performance.now();
      const share = runnerCpuShare(previous?.reading, reading);
      const seconds = previous ? (atMs - previous.atMs) / 1_000 : 0;
      const fields: Fields = {
        pid: runnerPid,
        workers: reading.workers.length,
        cpuFraction: share,
        cpuPct:
          typeof share === 'number' && seconds > 0
            ? Math.round(((reading.ticks - previous!.reading.ticks) / USER_HZ / seconds) * 1_000) / 10
            : naField('first reading of the runner, no CPU delta yet'),
        rssMb: toMb(treeRssKb(reading.pids) * 1024),
      };
      previous = { reading, atMs };
      return fields;
    },
  };
}
