// A /proc watcher for one process tree: every interval it lists the root's
// descendants (by ppid, remembered at first sight so orphans stay counted) and
// records each one's CPU ticks (utime + stime) and resident set size. A process
// that exits keeps its last reading, so short-lived children still count up to
// their last sample. Linux only; the figures that need it say so when /proc is missing.
import { existsSync, readdirSync } from 'node:fs';
import { readProc, statFields } from '../lib/proc.ts';

/** /proc times are in USER_HZ, 100 on every Linux architecture Node supports. */
const USER_HZ = 100;

export interface Reading {
  t: number;
  /** utime + stime, seconds (children excluded: they are counted as processes of their own). */
  cpuS: number;
  rssMb: number;
}

export interface Proc {
  pid: number;
  ppid: number;
  /** The command line, read again while the process is young (a fork shows its parent's until it execs). */
  cmd: string;
  /** Epoch ms the process started (from its starttime and the boot time; 10 ms resolution). */
  startedAt: number;
  readings: Reading[];
  /** Epoch ms of the last reading; the process was gone at the next tick (or the watch stopped). */
  lastSeen: number;
  /** Its parent exited first and it was re-parented: its CPU is not in the tree's reaped total. */
  reparented: boolean;
}

interface StatFields {
  ppid: number;
  cpuTicks: number;
  startTicks: number;
  rssPages: number;
}

function parseStat(text: string): StatFields | null {
  const f = statFields(text);
  if (!f) return null;
  // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, starttime 22, rss 24.
  const ppid = Number(f[1]);
  const cpuTicks = Number(f[11]) + Number(f[12]);
  const startTicks = Number(f[19]);
  const rssPages = Number(f[21]);
  return [ppid, cpuTicks, startTicks, rssPages].every(Number.isFinite) ? { ppid, cpuTicks, startTicks, rssPages } : null;
}

const read = (path: string): string | null => readProc(path) ?? null;

/** Page size in kB: this process's VmRSS over its rss pages (4 on x86-64, read rather than assumed). */
function pageKb(): number {
  const pages = Number(statFields(read('/proc/self/stat') ?? '')?.[21]);
  const vmRss = Number(/VmRSS:\s+([0-9]+) kB/.exec(read('/proc/self/status') ?? '')?.[1]);
  const ratio = vmRss / pages;
  // Both readings move between the two reads; snap to the nearest power of two.
  return Number.isFinite(ratio) && ratio > 0 ? 2 ** Math.round(Math.log2(ratio)) : 4;
}

export const procAvailable = (): boolean => existsSync('/proc/self/stat') && existsSync('/proc/stat');

function bootTimeMs(): number {
  const line = (read('/proc/stat') ?? '').split('\n').find((l) => l.startsWith('btime '));
  if (!line) throw new Error('/proc/stat has no btime line');
  return Number(line.split(/\s+/)[1]) * 1000;
}

/** CPU seconds of this process's reaped children (cutime + cstime): exact for every descendant that was waited for. */
export function reapedChildrenCpuS(): number {
  // f[0] is field 3: cutime and cstime are fields 16 and 17.
  const f = statFields(read('/proc/self/stat') ?? '');
  return f ? (Number(f[13]) + Number(f[14])) / USER_HZ : NaN;
}

export class TreeWatcher {
  readonly procs = new Map<number, Proc>();
  private timer: NodeJS.Timeout | undefined;
  private readonly boot = bootTimeMs();
  private readonly pageKb = pageKb();
  /** Ticks taken and how long they took, so the overhead of watching is on record. */
  ticks = 0;
  tickMsTotal = 0;
  /** Epoch ms of the last tick: a process whose lastSeen equals it was alive then (and still the same process). */
  lastTick = 0;
  /** The whole host per tick (/proc/stat): CPU seconds busy on all cores (everything but idle and iowait). */
  readonly host: { t: number; busyS: number }[] = [];

  constructor(
    readonly rootPid: number,
    readonly intervalMs = 250,
  ) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.tick();
  }

  tick(): void {
    const t0 = performance.now();
    const now = Date.now();
    const stats = new Map<number, StatFields>();
    for (const name of readdirSync('/proc')) {
      if (!/^[0-9]+$/.test(name)) continue;
      const pid = Number(name);
      // Known processes are read every tick; others only to learn whether they joined the tree.
      const text = read(`/proc/${pid}/stat`);
      const stat = text ? parseStat(text) : null;
      if (stat) stats.set(pid, stat);
    }
    // Join the tree: the root, or a process whose parent is in it (parents first, so repeat until stable).
    let grew = true;
    while (grew) {
      grew = false;
      for (const [pid, stat] of stats) {
        if (this.procs.has(pid)) continue;
        if (pid !== this.rootPid && !this.procs.has(stat.ppid)) continue;
        this.procs.set(pid, {
          pid,
          ppid: stat.ppid,
          cmd: '',
          startedAt: this.boot + (stat.startTicks / USER_HZ) * 1000,
          readings: [],
          lastSeen: now,
          reparented: false,
        });
        grew = true;
      }
    }
    for (const [pid, proc] of this.procs) {
      const stat = stats.get(pid);
      // A pid seen again with another start time is a new process that reused the number: not ours.
      if (!stat || Math.abs(this.boot + (stat.startTicks / USER_HZ) * 1000 - proc.startedAt) > 20) continue;
      proc.lastSeen = now;
      if (stat.ppid !== proc.ppid && pid !== this.rootPid) proc.reparented = true;
      proc.readings.push({ t: now, cpuS: stat.cpuTicks / USER_HZ, rssMb: (stat.rssPages * this.pageKb) / 1024 });
      if (proc.readings.length <= 4 || proc.cmd === '') {
        const cmd = read(`/proc/${pid}/cmdline`);
        if (cmd) proc.cmd = cmd.split('\0').filter(Boolean).join(' ');
      }
    }
    const cpuLine = (read('/proc/stat') ?? '').split('\n').find((l) => l.startsWith('cpu '));
    if (cpuLine) {
      const n = cpuLine.trim().split(/\s+/).slice(1, 9).map(Number);
      const busy = n.reduce((a, b) => a + b, 0) - (n[3] ?? 0) - (n[4] ?? 0);
      if (Number.isFinite(busy)) this.host.push({ t: now, busyS: busy / USER_HZ });
    }
    this.lastTick = now;
    this.ticks += 1;
    this.tickMsTotal += performance.now() - t0;
  }
}

/** CPU seconds a process used in [from, to]: its last reading at or before `to` minus its last at or before `from` (0 if it started later). */
export function cpuInWindow(proc: Proc, from: number, to: number): number {
  let before = 0;
  let until = 0;
  for (const r of proc.readings) {
    if (r.t <= from) before = r.cpuS;
    if (r.t <= to) until = r.cpuS;
  }
  // A process that started inside the window counts from zero; its CPU before its first reading is real CPU too.
  if (proc.startedAt >= from) before = 0;
  return Math.max(0, until - before);
}

export const peakRssMb = (proc: Proc): number => Math.max(0, ...proc.readings.map((r) => r.rssMb));

/** The reading nearest to time t (for RSS at a moment such as a barrier release). */
export function readingAt(proc: Proc, t: number): Reading | undefined {
  let best: Reading | undefined;
  for (const r of proc.readings) if (!best || Math.abs(r.t - t) < Math.abs(best.t - t)) best = r;
  return best;
}

/** Cores the whole host kept busy on average in [from, to], from the watcher's /proc/stat readings; null without two readings. */
export function hostBusyCores(watcher: TreeWatcher, from: number, to: number): number | null {
  const inside = watcher.host.filter((h) => h.t >= from && h.t <= to);
  const first = inside[0];
  const last = inside.at(-1);
  if (!first || !last || last.t <= first.t) return null;
  return (last.busyS - first.busyS) / ((last.t - first.t) / 1000);
}
