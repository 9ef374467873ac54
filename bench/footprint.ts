// Runner footprint: our stage (`playwright test --project=C<n>` against the
// embedded sandbox) beside a bare Playwright run of an empty test with the same
// number of workers, measured from /proc in the same bench run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { classify, isWorker, type Classified } from './process-roles.ts';
import { log, runPlaywright, type RunResult } from './playwright-run.ts';
import { cpuInWindow, peakRssMb, readingAt } from './proc.ts';
import { median, round } from './stats.ts';
import { tcpBarrier } from './tcp-barrier.ts';

const ROOT = resolve(import.meta.dirname, '..');

export interface Footprint {
  kind: 'suite' | 'bare';
  level: number;
  exitCode: number | null;
  timedOut: boolean;
  /** Worker processes seen. */
  workers: number;
  /** Each worker's peak RSS over the run; median and max across workers, MB. */
  workerPeakRssMedianMb: number | null;
  workerPeakRssMaxMb: number | null;
  /** Each worker's RSS at the reading nearest the barrier release; median across workers, MB. */
  workerRssAtReleaseMedianMb: number | null;
  /** Highest sum of all workers' RSS at one reading, MB. */
  workersRssSumPeakMb: number | null;
  runnerRssPeakMb: number | null;
  samplerRssPeakMb: number | null;
  /** Spawn of `playwright test` to the first worker process (includes the sandbox start for the suite). */
  spawnToFirstWorkerS: number | null;
  /** First worker process started to the barrier release (worker start, imports, fixtures, setup). */
  firstWorkerToReleaseS: number | null;
  spawnToReleaseS: number | null;
  wallS: number;
  /** Per worker CPU seconds from its start to the barrier release (imports, fixtures, flow setup), and after it; medians. */
  workerCpuToReleaseMedianS: number | null;
  workerCpuAfterReleaseMedianS: number | null;
  /** Suite only: flows that passed / flows with a worker result. */
  flowsPassed?: number;
  flowsReported?: number;
  runId: string;
  logFile: string;
}

export interface SuiteRun {
  run: RunResult;
  classified: Classified[];
  footprint: Footprint;
  reportDir: string;
  /** Barrier release to the last flow's end, epoch ms; null when no flow reported. */
  flowsWindow: [number, number] | null;
}

export interface BenchDirs {
  /** A folder of the bench's own under the OS temp dir. */
  tmp: string;
  stamp: string;
}

const s = (ms: number | null) => (ms === null ? null : round(ms / 1000, 1));

function measure(kind: Footprint['kind'], level: number, run: RunResult, releasedAt: number | null, runId: string): Footprint {
  const procs = [...run.watcher.procs.values()];
  const workers = procs.filter((p) => isWorker(p.cmd));
  const peaks = workers.map(peakRssMb);
  const atRelease = releasedAt === null ? [] : workers.flatMap((w) => readingAt(w, releasedAt)?.rssMb ?? []);
  // Sum of workers' RSS per watcher tick (every process read in one tick shares its timestamp).
  const sums = new Map<number, number>();
  for (const w of workers) for (const r of w.readings) sums.set(r.t, (sums.get(r.t) ?? 0) + r.rssMb);
  const root = run.watcher.procs.get(run.watcher.rootPid);
  const sampler = procs.find((p) => /sampler\/main\.ts/.test(p.cmd));
  const firstWorker = workers.length ? Math.min(...workers.map((w) => w.startedAt)) : null;
  return {
    kind,
    level,
    exitCode: run.exitCode,
    timedOut: run.timedOut,
    workers: workers.length,
    workerPeakRssMedianMb: round(median(peaks), 1),
    workerPeakRssMaxMb: round(peaks.length ? Math.max(...peaks) : null, 1),
    workerRssAtReleaseMedianMb: round(median(atRelease), 1),
    workersRssSumPeakMb: round(sums.size ? Math.max(...sums.values()) : null, 0),
    runnerRssPeakMb: round(root ? peakRssMb(root) : null, 1),
    samplerRssPeakMb: round(sampler ? peakRssMb(sampler) : null, 1),
    spawnToFirstWorkerS: s(firstWorker === null ? null : firstWorker - run.spawnedAt),
    firstWorkerToReleaseS: s(firstWorker === null || releasedAt === null ? null : releasedAt - firstWorker),
    spawnToReleaseS: s(releasedAt === null ? null : releasedAt - run.spawnedAt),
    wallS: round((run.exitedAt - run.spawnedAt) / 1000, 1)!,
    workerCpuToReleaseMedianS:
      releasedAt === null ? null : round(median(workers.map((w) => cpuInWindow(w, w.startedAt - 1, releasedAt))), 2),
    workerCpuAfterReleaseMedianS:
      releasedAt === null ? null : round(median(workers.map((w) => cpuInWindow(w, releasedAt, w.lastSeen + 1))), 2),
    runId,
    logFile: run.logFile,
  };
}

/** The environment of a suite run that keeps every output under `dir` (nothing in the working tree). */
export function suiteEnv(dir: string, runId: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    BASE_URL: '', // empty counts as unset: the embedded sandbox on free ports
    RUN_ID: runId,
    REPORTS_DIR: join(dir, 'reports'),
    SANDBOX_STATE_FILE: join(dir, 'sandbox-state.json'),
    PLAYWRIGHT_HTML_OUTPUT_DIR: join(dir, 'playwright-report'),
    PLAYWRIGHT_HTML_OPEN: 'never',
    PLAYWRIGHT_BLOB_OUTPUT_DIR: join(dir, 'blob-report'),
    // Workers of a large stage take minutes to start on 2 cores: the bench measures that time rather
    // than failing the stage at the default 120 s barrier timeout.
    BARRIER_TIMEOUT_MS: '600000',
    ...extra,
  };
}

/**
 * The config's reporters but Allure, whose results folder is fixed in the working tree
 * (reporter/allure-categories.ts); HTML and blob are redirected by environment.
 */
export const suiteArgs = (dir: string, projects: string[]): string[] => [
  ...projects.map((p) => `--project=${p}`),
  `--output=${join(dir, 'test-results')}`,
  `--reporter=list,html,blob,${join(ROOT, 'reporter/profile-reporter.ts')}`,
];

export interface WorkerResultLite {
  workerId: string;
  stage: number;
  status: string;
  barrierReleasedAt: number | null;
  startedAt: number;
  endedAt: number;
}

export function readWorkerResults(reportDir: string): WorkerResultLite[] {
  const dir = join(reportDir, 'workers');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as WorkerResultLite);
}

export async function suiteFootprint(dirs: BenchDirs, level: number, mode: string, timeoutMs: number): Promise<SuiteRun> {
  const runId = `bench-${dirs.stamp}-C${level}-${mode}`;
  const dir = join(dirs.tmp, runId);
  log(`suite C${level} (${mode} mode): playwright test --project=C${level}`);
  const run = await runPlaywright({
    label: `suite C${level}`,
    args: suiteArgs(dir, [`C${level}`]),
    env: suiteEnv(dir, runId, { PAYMENT_MODE: mode }),
    dir,
    timeoutMs,
  });
  const reportDir = join(dir, 'reports', runId);
  const results = readWorkerResults(reportDir);
  const releases = results.flatMap((r) => (r.barrierReleasedAt ? [r.barrierReleasedAt] : []));
  const releasedAt = releases.length ? Math.max(...releases) : null;
  const footprint = {
    ...measure('suite', level, run, releasedAt, runId),
    flowsPassed: results.filter((r) => r.status === 'pass').length,
    flowsReported: results.length,
  };
  log(
    `suite C${level}: exit ${run.exitCode}, ${footprint.workers} workers, worker peak RSS median ${footprint.workerPeakRssMedianMb} MB, ` +
      `${footprint.flowsPassed}/${level} flows passed, ${footprint.wallS} s`,
  );
  const flowsWindow: [number, number] | null =
    releasedAt !== null && results.length ? [releasedAt, Math.max(...results.map((r) => r.endedAt))] : null;
  return { run, classified: classify(run.watcher.procs), footprint, reportDir, flowsWindow };
}

export async function bareFootprint(dirs: BenchDirs, level: number, timeoutMs: number): Promise<Footprint> {
  const runId = `bench-${dirs.stamp}-bare-C${level}`;
  const dir = join(dirs.tmp, runId);
  const barrier = await tcpBarrier(level);
  log(`bare C${level}: ${level} workers, one empty test each`);
  try {
    const run = await runPlaywright({
      label: `bare C${level}`,
      args: ['-c', join(ROOT, 'bench/bare/playwright.config.ts'), `--output=${join(dir, 'test-results')}`],
      env: { BENCH_BARE_WORKERS: String(level), BENCH_BARRIER_PORT: String(barrier.port) },
      dir,
      timeoutMs,
    });
    const footprint = measure('bare', level, run, barrier.releasedAt(), runId);
    log(`bare C${level}: exit ${run.exitCode}, ${footprint.workers} workers, worker peak RSS median ${footprint.workerPeakRssMedianMb} MB`);
    return footprint;
  } finally {
    await barrier.close();
  }
}

/** Our median per-worker peak RSS over the bare one's, per level. */
export function rssRatio(suite: Footprint, bare: Footprint): number | null {
  if (!suite.workerPeakRssMedianMb || !bare.workerPeakRssMedianMb) return null;
  return round(suite.workerPeakRssMedianMb / bare.workerPeakRssMedianMb, 2);
}
