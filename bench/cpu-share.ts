// CPU share of a stage run: CPU seconds (utime + stime from /proc, every
// process of the tree, exited ones at their last reading) of the runner side
// (Playwright runner, its workers, the infrastructure sampler) against the
// sandbox side (launcher, backend, scanner, chain, Postgres).
import type { Classified, Role } from './process-roles.ts';
import { cpuInWindow, hostBusyCores } from './proc.ts';
import type { RunResult } from './playwright-run.ts';
import { isWorker } from './process-roles.ts';
import { round } from './stats.ts';

export interface CpuShare {
  /** What the window is: the stage (first worker start to last worker exit) or the whole run. */
  window: string;
  windowS: number;
  /** Runner side / (runner side + sandbox side). */
  runnerShare: number | null;
  cpuS: Record<Role, number>;
  /** Sandbox CPU seconds per component. */
  sandboxCpuS: Record<string, number>;
  /** CPU seconds the whole host was busy in the window, and the part outside the runner and sandbox trees (other users, the bench). */
  hostBusyCpuS: number | null;
  outsideCpuS: number | null;
}

export interface CpuShares {
  stage: CpuShare;
  /** Barrier release to the last flow's end: while the target's latencies are being measured. */
  flows: CpuShare | null;
  wholeRun: CpuShare;
  /**
   * Cross-check of the sampling: CPU seconds the kernel counted for every descendant that was waited for
   * (the bench's cutime + cstime growth), against the sampled sum of those same processes (a re-parented process and
   * its descendants are reaped by init, so they are left out of both).
   */
  reapedCpuS: number;
  sampledNotReparentedCpuS: number;
  /** Processes whose parent exited first (their subtree's CPU is sampled but never reaches the reaped total). */
  reparented: string[];
  /** The watcher's own cost: ms per tick and ticks, in the bench process (in neither side). */
  watcherMsPerTick: number;
}

function share(run: RunResult, classified: readonly Classified[], from: number, to: number, window: string): CpuShare {
  const cpuS: Record<Role, number> = { runner: 0, worker: 0, sampler: 0, sandbox: 0 };
  const sandboxCpuS: Record<string, number> = {};
  for (const c of classified) {
    const used = cpuInWindow(c.proc, from, to);
    cpuS[c.role] += used;
    if (c.role === 'sandbox') sandboxCpuS[c.component ?? 'other'] = (sandboxCpuS[c.component ?? 'other'] ?? 0) + used;
  }
  const runnerSide = cpuS.runner + cpuS.worker + cpuS.sampler;
  const total = runnerSide + cpuS.sandbox;
  const r = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v, 1)!]));
  const hostCores = hostBusyCores(run.watcher, from, to);
  const hostBusyCpuS = hostCores === null ? null : hostCores * ((to - from) / 1000);
  return {
    window,
    windowS: round((to - from) / 1000, 1)!,
    hostBusyCpuS: round(hostBusyCpuS, 1),
    outsideCpuS: hostBusyCpuS === null ? null : round(Math.max(0, hostBusyCpuS - total), 1),
    runnerShare: total > 0 ? round(runnerSide / total, 3) : null,
    cpuS: r(cpuS) as Record<Role, number>,
    sandboxCpuS: r(sandboxCpuS),
  };
}

/** flowsWindow: barrier release and last flow end (epoch ms), from the worker results. */
export function cpuShares(run: RunResult, classified: readonly Classified[], flowsWindow: [number, number] | null): CpuShares {
  const workers = classified.filter((c) => isWorker(c.proc.cmd)).map((c) => c.proc);
  const lastSeen = Math.max(run.exitedAt, ...classified.map((c) => c.proc.lastSeen));
  const whole = share(run, classified, run.spawnedAt - 1, lastSeen, 'whole run: spawn to exit, sandbox start and stop included');
  const stage =
    workers.length > 0
      ? share(
          run,
          classified,
          Math.min(...workers.map((w) => w.startedAt)),
          Math.max(...workers.map((w) => w.lastSeen)),
          'stage: first worker start to last worker exit',
        )
      : { ...whole, window: 'no worker processes were seen: whole run', runnerShare: whole.runnerShare };
  // The kernel's reaped total holds a process only if it and every ancestor up to the runner were waited for.
  const byPid = new Map(classified.map((c) => [c.proc.pid, c.proc]));
  const reaped = (pid: number): boolean => {
    const proc = byPid.get(pid);
    if (!proc || proc.reparented) return false;
    return pid === run.watcher.rootPid || reaped(proc.ppid);
  };
  const sampled = classified.filter((c) => reaped(c.proc.pid)).reduce((sum, c) => sum + (c.proc.readings.at(-1)?.cpuS ?? 0), 0);
  return {
    stage,
    flows: flowsWindow ? share(run, classified, flowsWindow[0], flowsWindow[1], 'flows: barrier release to last flow end') : null,
    wholeRun: whole,
    reapedCpuS: round(run.reapedCpuS, 1)!,
    sampledNotReparentedCpuS: round(sampled, 1)!,
    reparented: classified
      .filter((c) => c.proc.reparented)
      .map((c) => `${c.proc.pid} ${c.role}/${c.component ?? ''} ${c.proc.cmd.slice(0, 80)}`),
    watcherMsPerTick: round(run.watcher.tickMsTotal / Math.max(1, run.watcher.ticks), 2)!,
  };
}
