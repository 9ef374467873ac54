// Each target component's CPU% (of one core, as top shows it) and resident
// memory, summed over its process tree, for the pids the target lists in
// GET /health; and each component's restart count from the same answer. The
// Postgres postmaster's tree holds its backends, so its sum is the database's.
import { readProc } from '../../lib/proc.ts';
import { readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Health } from '../../contract/http.ts';
import { parsePidStat, parsePidStatus, processTree, USER_HZ, type PidStat } from '../proc.ts';
import { request } from '../http.ts';
import { naField, toMb, type Fields, type Source } from '../types.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

async function fetchHealth(target: string): Promise<Health> {
  const url = new URL('/health', target);
  const res = await request(url);
  // A degraded target answers 503 with the same body: still a reading.
  const parsed = Health.safeParse(await res.json().catch(() => undefined));
  if (!parsed.success) throw new Error(`GET ${url.href} answered ${res.status} without a Health body: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

// Synchronous reads on purpose: /proc files are generated in memory, and a
// promise and thread-pool hop per file cost more than the read (async reads
// doubled this source's CPU per sample when measured: 43 ms against 21 ms).
/** Every process on this host: pid -> its /proc/<pid>/stat (parent, CPU ticks). */
export function procTable(): Map<number, PidStat> {
  const table = new Map<number, PidStat>();
  for (const entry of readdirSync('/proc')) {
    const text = /^[0-9]+$/.test(entry) ? readProc(`/proc/${entry}/stat`) : undefined;
    if (text !== undefined) table.set(Number(entry), parsePidStat(text));
  }
  return table;
}

/** Resident kB of a tree: private memory summed, shared memory (Postgres' shared buffers) counted once. */
export function treeRssKb(pids: readonly number[]): number {
  const present = pids.flatMap((pid) => {
    const text = readProc(`/proc/${pid}/status`);
    return text === undefined ? [] : [parsePidStatus(text)];
  });
  return present.reduce((sum, p) => sum + p.privateKb, 0) + Math.max(0, ...present.map((p) => p.sharedKb));
}

interface TreeReading {
  pid: number;
  ticks: number;
  atMs: number;
}

/** Percent of one core between two readings of the same root pid. */
function cpuPct(before: TreeReading | undefined, now: TreeReading): number | string {
  // A new pid (first reading, or a restarted component) has no delta yet.
  if (before === undefined || before.pid !== now.pid || now.atMs <= before.atMs)
    return naField(`first reading of pid ${now.pid}, no CPU delta yet`);
  if (now.ticks < before.ticks) return naField(`CPU time of pid ${now.pid}'s tree went down (a child exited without being reaped in it)`);
  return Math.round(((now.ticks - before.ticks) / USER_HZ / ((now.atMs - before.atMs) / 1_000)) * 1_000) / 10;
}

/** `notLocal`: why the target's processes are not sampled (its adapter declares none on this host); unset: the loopback check decides. */
export function processesSource(target: string, notLocal?: string): Source {
  const local = !notLocal && LOOPBACK.has(new URL(target).hostname);
  const previous = new Map<string, TreeReading>();
  return {
    async sample() {
      if (!local)
        return {
          na: notLocal ?? `target ${new URL(target).origin} is not on this host: the pids in its /health are not local processes`,
        };
      const health = await fetchHealth(target);
      const table = procTable();
      const atMs = performance.now();
      const parents = new Map([...table].map(([pid, stat]) => [pid, stat.ppid]));
      const fields: Fields = {};
      for (const { name, state, restarts, pid } of health.components) {
        Object.assign(fields, { [`${name}.state`]: state, [`${name}.restarts`]: restarts, [`${name}.pid`]: pid });
        if (pid === null || !table.has(pid)) {
          const why = pid === null ? `no pid in /health (state ${state})` : `pid ${pid} from /health is not a process on this host`;
          fields[`${name}.cpuPct`] = fields[`${name}.rssMb`] = naField(why);
          previous.delete(name);
          continue;
        }
        const tree = processTree(pid, parents);
        const ticks = tree.reduce((sum, p) => sum + (table.get(p)?.ticks ?? 0), 0);
        const reading = { pid, ticks, atMs };
        fields[`${name}.cpuPct`] = cpuPct(previous.get(name), reading);
        previous.set(name, reading);
        fields[`${name}.rssMb`] = toMb(treeRssKb(tree) * 1024);
        fields[`${name}.procs`] = tree.length;
      }
      return fields;
    },
  };
}
