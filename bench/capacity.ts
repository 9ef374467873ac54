// Sandbox capacity: the ramp (every stage of CONCURRENCY_LEVELS with its gate)
// against the embedded sandbox, in one payment mode. From the run's report.json:
// the highest stage at which every spec latency goal (p50 and p95 of
// config/stages.ts LATENCY_GOALS) holds and the stage passed, flows per second
// at C32, and the bottleneck from the infrastructure timeline and /proc.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LATENCY_GOALS } from '../config/stages.ts';
import type { Report } from '../reporter/schema.ts';
import { parseSamples } from '../sampler/aggregate.ts';
import { between, mean, max, series } from '../sampler/series.ts';
import { classify, type Classified } from './process-roles.ts';
import { cpuInWindow, hostBusyCores } from './proc.ts';
import { log, runPlaywright, type RunResult } from './playwright-run.ts';
import { readWorkerResults, suiteArgs, suiteEnv, type BenchDirs, type SuiteRun } from './footprint.ts';
import { round } from './stats.ts';

export interface StageCapacity {
  stage: number;
  /** Which run measured it: the ramp, or the footprint run of that stage alone. */
  source: string;
  flows: number;
  pass: number;
  fail: number;
  passed: boolean;
  wallS: number | null;
  /** Passed flows / stage wall time (first flow start, setup included, to last flow end): the report's figure. */
  flowsPerSec: number | null;
  /** Passed flows / (last flow end - barrier release): throughput once every flow runs. */
  flowsPerSecFromRelease: number | null;
  /** The op closest to (or furthest over) its p95 goal. */
  worstOp: string | null;
  /** Goals missed at this stage, as `<op> p95 <ms> > <goal>`. */
  goalsMissed: string[];
  gateReasons: string[];
  /** Host CPU busy (0..1 of all cores) and per component CPU (% of one core), averaged over the stage window. */
  hostCpuAvg: number | null;
  hostCpuMax: number | null;
  componentCpuPct: Record<string, number | null>;
  /**
   * From /proc over the stage window: cores used (CPU seconds / wall seconds) per side and component, and
   * `outside`: the host's busy cores not in the run's process tree (other users of the machine, the bench itself).
   */
  coresUsed: Record<string, number>;
}

export interface Capacity {
  mode: string;
  levels: number[];
  /** The levels the ramp ran (a reused top level left out). */
  rampLevels: number[];
  exitCode: number | null;
  wallS: number;
  runId: string;
  /** The ramp report's own safe concurrency (stages that passed, gate included). */
  safeConcurrency: number | null;
  stopReason: string | null;
  /** Highest stage such that it and every stage below passed and met every latency goal (p50 and p95). */
  goalSafeStage: number | null;
  /** The same with the p95 goals only (the issue's "within every p95 goal"). */
  p95SafeStage: number | null;
  stages: StageCapacity[];
  bottleneck: string;
  findings: string[];
  reason?: string;
}

function goalsMissed(stage: Report['stages'][number]): string[] {
  const missed: string[] = [];
  for (const [op, goal] of Object.entries(LATENCY_GOALS)) {
    const stats = stage.ops[op];
    if (!stats) continue;
    if (stats.p95 > goal.p95) missed.push(`${goal.label} p95 ${Math.round(stats.p95)} ms > ${goal.p95} ms`);
    if (stats.p50 > goal.p50) missed.push(`${goal.label} p50 ${Math.round(stats.p50)} ms > ${goal.p50} ms`);
  }
  return missed;
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** The bottleneck in words, from the highest stage that ran: what used the CPU, and the op closest to or over its goal. */
function bottleneck(stages: StageCapacity[]): string {
  const top = stages.filter((s) => s.flows > 0).at(-1);
  if (!top) return 'no stage ran';
  const sandbox = Object.entries(top.coresUsed).filter(([k]) => k.startsWith('sandbox.'));
  const biggest = sandbox.sort((a, b) => b[1] - a[1])[0];
  const runner = (top.coresUsed['runner.workers'] ?? 0) + (top.coresUsed['runner.runner'] ?? 0) + (top.coresUsed['runner.sampler'] ?? 0);
  const host = top.hostCpuAvg === null ? 'host CPU n/a' : `host CPU ${Math.round(top.hostCpuAvg * 100)}% busy on average`;
  const biggestText = biggest ? `; largest sandbox consumer ${biggest[0].slice('sandbox.'.length)} at ${biggest[1].toFixed(2)} cores` : '';
  const outside = top.coresUsed.outside === undefined ? '' : `; outside the run's processes ${top.coresUsed.outside.toFixed(2)} cores`;
  const op = top.worstOp ? `; the op closest to (or furthest over) its p95 goal is ${top.worstOp}` : '';
  return `at C${top.stage}: ${host}${biggestText}; runner side (workers, runner, sampler) ${runner.toFixed(2)} cores${outside}${op}`;
}

/** The op whose p95 is highest relative to its goal, as `<label>: <p95> ms of <goal> ms`. */
function worstOp(stage: Report['stages'][number]): string | null {
  const ratios = Object.entries(LATENCY_GOALS).flatMap(([op, g]) =>
    stage.ops[op] ? [{ label: g.label, p95: stage.ops[op]!.p95, ratio: stage.ops[op]!.p95 / g.p95, goal: g.p95 }] : [],
  );
  const worst = ratios.sort((a, b) => b.ratio - a.ratio)[0];
  return worst ? `${worst.label}: ${Math.round(worst.p95)} ms of ${worst.goal} ms` : null;
}

/** The stages of one run's report.json, with the infrastructure timeline and the /proc readings of its tree. */
function readStages(
  reportDir: string,
  run: RunResult,
  classified: readonly Classified[],
  source: string,
): { report: Report; stages: StageCapacity[] } | null {
  const reportFile = join(reportDir, 'report.json');
  if (!existsSync(reportFile)) return null;
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
  const results = readWorkerResults(reportDir);
  const timelineFile = join(reportDir, 'infra.jsonl');
  const samples = existsSync(timelineFile) ? parseSamples(readFileSync(timelineFile, 'utf8')) : [];
  const stages = report.stages.map((s): StageCapacity => {
    const flows = results.filter((r) => r.stage === s.stage);
    const start = flows.length ? Math.min(...flows.map((r) => r.startedAt)) : 0;
    const end = flows.length ? Math.max(...flows.map((r) => r.endedAt)) : 0;
    const releases = flows.flatMap((r) => (r.barrierReleasedAt ? [r.barrierReleasedAt] : []));
    const release = releases.length ? Math.max(...releases) : null;
    const window = between(samples, start, end);
    const componentCpuPct: Record<string, number | null> = {};
    for (const c of ['backend', 'scanner', 'postgres', 'chain']) componentCpuPct[c] = num(mean(series(window, 'processes', `${c}.cpuPct`)));
    const coresUsed: Record<string, number> = {};
    if (end > start) {
      for (const c of classified) {
        const key = c.role === 'sandbox' ? `sandbox.${c.component}` : `runner.${c.role === 'worker' ? 'workers' : c.role}`;
        coresUsed[key] = (coresUsed[key] ?? 0) + cpuInWindow(c.proc, start, end) / ((end - start) / 1000);
      }
      const ours = Object.values(coresUsed).reduce((a, b) => a + b, 0);
      const host = hostBusyCores(run.watcher, start, end);
      for (const k of Object.keys(coresUsed)) coresUsed[k] = round(coresUsed[k]!, 2)!;
      if (host !== null) coresUsed.outside = round(Math.max(0, host - ours), 2)!;
    }
    return {
      stage: s.stage,
      source,
      flows: s.flows,
      pass: s.pass,
      fail: s.fail,
      passed: s.passed,
      wallS: s.wallTimeMs === null ? null : round(s.wallTimeMs / 1000, 1),
      flowsPerSec: round(s.flowsPerSec, 2),
      flowsPerSecFromRelease: release !== null && end > release ? round(s.pass / ((end - release) / 1000), 2) : null,
      goalsMissed: goalsMissed(s),
      worstOp: worstOp(s),
      gateReasons: s.gate?.reasons ?? [],
      hostCpuAvg: num(mean(series(window, 'host', 'cpuFraction'))),
      hostCpuMax: num(max(series(window, 'host', 'cpuFraction'))),
      componentCpuPct,
      coresUsed,
    };
  });
  return { report, stages };
}

/**
 * The ramp in one mode. `reuse`: a suite run of the top level in the same mode (the footprint run of
 * `--project=C<top>`), taken as the top stage instead of running that stage a second time.
 */
export async function capacity(
  dirs: BenchDirs,
  mode: string,
  levels: number[],
  timeoutMs: number,
  reuse?: { level: number; suite: SuiteRun },
): Promise<Capacity> {
  const runId = `bench-${dirs.stamp}-ramp-${mode}`;
  const dir = join(dirs.tmp, runId);
  const rampLevels = reuse ? levels.filter((l) => l !== reuse.level) : levels;
  const reused = reuse
    ? readStages(reuse.suite.reportDir, reuse.suite.run, reuse.suite.classified, `--project=C${reuse.level} run (footprint)`)
    : null;
  const reusedStages = reused?.stages.filter((s) => s.stage === reuse!.level) ?? [];
  let ramp: { report: Report; stages: StageCapacity[] } | null = null;
  let exitCode: number | null = null;
  let wallS = 0;
  let reason: string | undefined;
  if (rampLevels.length) {
    log(
      `capacity (${mode} mode): CONCURRENCY_LEVELS=${rampLevels.join(',')} playwright test (stages and gates)` +
        (reuse ? `; C${reuse.level} from the footprint run` : ''),
    );
    const run = await runPlaywright({
      label: `ramp ${mode}`,
      args: suiteArgs(dir, []),
      env: suiteEnv(dir, runId, { PAYMENT_MODE: mode, CONCURRENCY_LEVELS: rampLevels.join(',') }),
      dir,
      timeoutMs,
    });
    exitCode = run.exitCode;
    wallS = round((run.exitedAt - run.spawnedAt) / 1000, 1)!;
    ramp = readStages(join(dir, 'reports', runId), run, classify(run.watcher.procs), 'ramp');
    if (!ramp) reason = `the ramp wrote no report.json (exit ${run.exitCode}${run.timedOut ? ', timed out' : ''}; log ${run.logFile})`;
  }
  if (reuse && !reused) reason = `the C${reuse.level} footprint run wrote no report.json`;
  const stages = [...(ramp?.stages ?? []), ...reusedStages].sort((a, b) => a.stage - b.stage);
  const safeStage = (missed: (s: StageCapacity) => string[]) => {
    let safe: number | null = null;
    for (const level of levels) {
      const s = stages.find((x) => x.stage === level);
      if (!s || s.flows === 0 || !s.passed || missed(s).length > 0) break;
      safe = level;
    }
    return safe;
  };
  const goalSafeStage = safeStage((s) => s.goalsMissed);
  const p95SafeStage = safeStage((s) => s.goalsMissed.filter((m) => / p95 /.test(m)));
  const result: Capacity = {
    mode,
    levels,
    rampLevels,
    exitCode,
    wallS,
    runId,
    safeConcurrency: ramp?.report.safeConcurrency ?? null,
    stopReason: ramp?.report.stopReason ?? null,
    goalSafeStage: reason ? null : goalSafeStage,
    p95SafeStage: reason ? null : p95SafeStage,
    stages,
    bottleneck: bottleneck(stages),
    findings: [...(ramp?.report.findings ?? []), ...(reused?.report.findings ?? [])].map((f) => `${f.severity} ${f.title}: ${f.evidence}`),
    ...(reason ? { reason } : {}),
  };
  log(`capacity (${mode}): ramp exit ${exitCode} in ${wallS} s; goal-safe stage ${goalSafeStage === null ? 'none' : `C${goalSafeStage}`}`);
  return result;
}
