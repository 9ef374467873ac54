// Pure parsers of Linux /proc text (proc(5)). The sources read the files;
// these turn their text into numbers, so they are unit-tested on fixtures.
import { statFields } from '../lib/proc.ts';

/** /proc times are in USER_HZ, which is 100 on every Linux architecture Node supports. */
export const USER_HZ = 100;

export interface CpuTimes {
  /** All jiffies of user, nice, system, idle, iowait, irq, softirq and steal (guest time is already in user). */
  total: number;
  /** idle + iowait. */
  idle: number;
  cores: number;
}

/** The aggregate `cpu` line of /proc/stat, and the number of `cpuN` lines. */
export function parseProcStat(text: string): CpuTimes {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error(`/proc/stat has no aggregate "cpu " line (starts ${JSON.stringify(text.slice(0, 40))})`);
  const n = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (n.length < 4 || n.some((v) => !Number.isFinite(v))) throw new Error(`/proc/stat cpu line ${JSON.stringify(line)} is not numbers`);
  const [, , , idle = 0, iowait = 0] = n;
  return { total: n.reduce((a, b) => a + b, 0), idle: idle + iowait, cores: text.split('\n').filter((l) => /^cpu\d+ /.test(l)).length };
}

/** Busy fraction (0..1) of all cores between two /proc/stat readings; null when no time passed. */
export function cpuBusyFraction(before: CpuTimes, after: CpuTimes): number | null {
  const total = after.total - before.total;
  if (total <= 0) return null;
  return Math.min(1, Math.max(0, (total - (after.idle - before.idle)) / total));
}

/** Fields of a `Key: value kB` file (/proc/meminfo, /proc/<pid>/status), numbers only, in kB. */
export function parseKbFields(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_()]+):\s+([0-9]+)(?: kB)?$/.exec(line.trim());
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

export interface Memory {
  usedFraction: number;
  totalKb: number;
  availableKb: number;
}

/** Used = MemTotal - MemAvailable (what the kernel could not hand out without swapping). */
export function parseMeminfo(text: string): Memory {
  const fields = parseKbFields(text);
  const totalKb = fields.get('MemTotal');
  const availableKb = fields.get('MemAvailable');
  if (!totalKb || availableKb === undefined) throw new Error('/proc/meminfo has no MemTotal or MemAvailable line');
  return { usedFraction: (totalKb - availableKb) / totalKb, totalKb, availableKb };
}

export interface PidStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime: the process's CPU plus that of children it has reaped. */
  ticks: number;
}

/** /proc/<pid>/stat. The command name may hold spaces and parentheses: fields start after the last ')'. */
export function parsePidStat(text: string): PidStat {
  const f = statFields(text) ?? [];
  const pid = Number(text.slice(0, text.indexOf(' ')));
  // f[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
  const nums = [f[1], f[11], f[12], f[13], f[14]].map(Number);
  if (f.length === 0 || nums.some((v) => !Number.isFinite(v)))
    throw new Error(`/proc/<pid>/stat text ${JSON.stringify(text.slice(0, 60))} is not parsable`);
  const [ppid, utime, stime, cutime, cstime] = nums as [number, number, number, number, number];
  return { pid, ppid, ticks: utime + stime + cutime + cstime };
}

/**
 * Resident kB of one process from /proc/<pid>/status, split so a process tree
 * can count shared memory once: Postgres backends all map the same shared buffers.
 */
export function parsePidStatus(text: string): { privateKb: number; sharedKb: number } {
  const fields = parseKbFields(text);
  const anon = fields.get('RssAnon');
  const file = fields.get('RssFile');
  const shmem = fields.get('RssShmem');
  if (anon !== undefined && file !== undefined && shmem !== undefined) return { privateKb: anon + file, sharedKb: shmem };
  const rss = fields.get('VmRSS');
  // Kernel threads have no VmRSS; kernels before 4.5 have no Rss* split.
  return { privateKb: rss ?? 0, sharedKb: 0 };
}

/** The pids of `root` and all its descendants, from a pid -> ppid table. */
export function processTree(root: number, parents: ReadonlyMap<number, number>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const out: number[] = [];
  const queue = parents.has(root) ? [root] : [];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}
