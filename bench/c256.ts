// C256 on one machine with several flows per worker process (FLOWS_PER_WORKER,
// issue 7 item 5): total RSS of the runner side (runner, workers, sampler) at
// its peak. Run only when config/env.ts has the option.
import { join } from 'node:path';
import { classify } from './process-roles.ts';
import { log, runPlaywright } from './playwright-run.ts';
import { readWorkerResults, suiteArgs, suiteEnv, type BenchDirs } from './footprint.ts';
import { peakRssMb } from './proc.ts';
import { median, round } from './stats.ts';

export interface C256 {
  level: number;
  flowsPerWorker: number;
  workers: number;
  flowsPassed: number;
  flowsReported: number;
  /** Each worker's peak RSS, median across workers, MB. */
  workerPeakRssMedianMb: number | null;
  /** Highest sum over one watcher tick of the runner side's RSS, GB. */
  runnerRssPeakGb: number | null;
  exitCode: number | null;
  wallS: number;
  reason?: string;
}

/** `level` is 256 for the figure; a smaller one tries the path quickly (--multi-level). */
export async function c256(dirs: BenchDirs, mode: string, timeoutMs: number, level = 256, flowsPerWorker = 8): Promise<C256> {
  const runId = `bench-${dirs.stamp}-C${level}x${flowsPerWorker}-${mode}`;
  const dir = join(dirs.tmp, runId);
  log(`multi-flow workers (${mode} mode): FLOWS_PER_WORKER=${flowsPerWorker} playwright test --project=C${level}`);
  const run = await runPlaywright({
    label: `C${level}`,
    args: suiteArgs(dir, [`C${level}`]),
    env: suiteEnv(dir, runId, { PAYMENT_MODE: mode, CONCURRENCY_LEVELS: String(level), FLOWS_PER_WORKER: String(flowsPerWorker) }),
    dir,
    timeoutMs,
  });
  const runnerSide = classify(run.watcher.procs).filter((c) => c.role !== 'sandbox');
  const sums = new Map<number, number>();
  for (const c of runnerSide) for (const r of c.proc.readings) sums.set(r.t, (sums.get(r.t) ?? 0) + r.rssMb);
  const results = readWorkerResults(join(dir, 'reports', runId));
  return {
    level,
    flowsPerWorker,
    workers: runnerSide.filter((c) => c.role === 'worker').length,
    flowsPassed: results.filter((r) => r.status === 'pass').length,
    flowsReported: results.length,
    workerPeakRssMedianMb: round(median(runnerSide.filter((c) => c.role === 'worker').map((c) => peakRssMb(c.proc))), 1),
    runnerRssPeakGb: sums.size ? round(Math.max(...sums.values()) / 1024, 2) : null,
    exitCode: run.exitCode,
    wallS: round((run.exitedAt - run.spawnedAt) / 1000, 1)!,
  };
}
