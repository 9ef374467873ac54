// CPU share of a stage run: CPU seconds (utime + stime from /proc, every
// process of the tree, exited ones at their last reading) of the runner side
// (Playwright runner, its workers, the infrastructure sampler) against the
// sandbox side (launcher, backend, scanner, chain, Postgres).
import type { Classified, Role } from './classify.ts';
import { cpuInWindow } from './proc.ts';
import type { RunResult } from './playwright-run.ts';
import { isWorker } from './classify.ts';
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
}

export interface CpuShares {
  stage: CpuShare;
  wholeRun: CpuShare;
  /** Sum of every sampled process over the whole run / the exact CPU of the reaped tree (bench cutime + cstime). */
  sampledCoverage: number | null;
  /** The watcher's own cost: ms per tick and ticks, in the bench process (in neither side). */
  watcherMsPerTick: number;
}

function share(classified: readonly Classified[], from: number, to: number, window: string): CpuShare {
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
  return {
    window,
    windowS: round((to - from) / 1000, 1)!,
    runnerShare: total > 0 ? round(runnerSide / total, 3) : null,
    cpuS: r(cpuS) as Record<Role, number>,
    sandboxCpuS: r(sandboxCpuS),
  };
}

export function cpuShares(run: RunResult, classified: readonly Classified[]): CpuShares {
  const workers = classified.filter((c) => isWorker(c.proc.cmd)).map((c) => c.proc);
  const whole = share(classified, run.spawnedAt - 1, run.exitedAt + 60_000, 'whole run: spawn to exit, sandbox start and stop included');
  const stage =
    workers.length > 0
      ? share(
          classified,
          Math.min(...workers.map((w) => w.startedAt)),
          Math.max(...workers.map((w) => w.lastSeen)),
          'stage: first worker start to last worker exit',
        )
      : { ...whole, window: 'no worker processes were seen: whole run', runnerShare: whole.runnerShare };
  const sampledTotal = Object.values(whole.cpuS).reduce((a, b) => a + b, 0);
  return {
    stage,
    wholeRun: whole,
    sampledCoverage: run.reapedCpuS > 0 ? round(sampledTotal / run.reapedCpuS, 3) : null,
    watcherMsPerTick: round(run.watcher.tickMsTotal / Math.max(1, run.watcher.ticks), 2)!,
  };
}
