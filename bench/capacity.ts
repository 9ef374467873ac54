// Sandbox capacity: the ramp (every stage of CONCURRENCY_LEVELS with its gate)
// against the embedded sandbox, in one payment mode. From the run's report.json:
// the highest stage at which every spec latency goal (p50 and p95 of
// helpers/stages.ts LATENCY_GOALS) holds and the stage passed, flows per second
// at C32, and the bottleneck from the infrastructure timeline and /proc.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LATENCY_GOALS } from '../helpers/stages.ts';
import type { Report } from '../reporter/schema.ts';
import { parseSamples } from '../sampler/aggregate.ts';
import { between, mean, max, series } from '../sampler/series.ts';
import { classify } from './classify.ts';
import { cpuInWindow } from './proc.ts';
import { log, runPlaywright } from './playwright-run.ts';
import { readWorkerResults, suiteArgs, suiteEnv, type BenchDirs } from './footprint.ts';
import { round } from './stats.ts';

export interface StageCapacity {
  stage: number;
  flows: number;
  pass: number;
  fail: number;
  passed: boolean;
  wallS: number | null;
  flowsPerSec: number | null;
  /** Goals missed at this stage, as `<op> p95 <ms> > <goal>`. */
  goalsMissed: string[];
  gateReasons: string[];
  /** Host CPU busy (0..1 of all cores) and per component CPU (% of one core), averaged over the stage window. */
  hostCpuAvg: number | null;
  hostCpuMax: number | null;
  componentCpuPct: Record<string, number | null>;
  /** From /proc over the stage window: cores used (CPU seconds / wall seconds) per side and component. */
  coresUsed: Record<string, number>;
}

export interface Capacity {
  mode: string;
  levels: number[];
  exitCode: number | null;
  wallS: number;
  runId: string;
  /** The report's own safe concurrency (stages that passed, gate included). */
  safeConcurrency: number | null;
  stopReason: string | null;
  /** Highest stage such that it and every stage below passed and met every latency goal. */
  goalSafeStage: number | null;
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

/** The bottleneck in words, from the highest stage that ran: what used the CPU, and the op furthest over its goal. */
function bottleneck(stages: StageCapacity[], report: Report): string {
  const top = stages.filter((s) => s.flows > 0).at(-1);
  if (!top) return 'no stage ran';
  const sandbox = Object.entries(top.coresUsed).filter(([k]) => k.startsWith('sandbox.'));
  const biggest = sandbox.sort((a, b) => b[1] - a[1])[0];
  const runner = (top.coresUsed['runner.workers'] ?? 0) + (top.coresUsed['runner.runner'] ?? 0) + (top.coresUsed['runner.sampler'] ?? 0);
  const reportStage = report.stages.find((s) => s.stage === top.stage);
  let worstOp = '';
  if (reportStage) {
    const ratios = Object.entries(LATENCY_GOALS).flatMap(([op, g]) =>
      reportStage.ops[op] ? [{ label: g.label, p95: reportStage.ops[op]!.p95, ratio: reportStage.ops[op]!.p95 / g.p95, goal: g.p95 }] : [],
    );
    const worst = ratios.sort((a, b) => b.ratio - a.ratio)[0];
    if (worst)
      worstOp = `; the op closest to (or furthest over) its p95 goal is ${worst.label}: ${Math.round(worst.p95)} ms of ${worst.goal} ms`;
  }
  const host = top.hostCpuAvg === null ? 'host CPU n/a' : `host CPU ${Math.round(top.hostCpuAvg * 100)}% busy on average`;
  const biggestText = biggest ? `; largest sandbox consumer ${biggest[0].slice('sandbox.'.length)} at ${biggest[1].toFixed(2)} cores` : '';
  return `at C${top.stage}: ${host}${biggestText}; runner side (workers, runner, sampler) ${runner.toFixed(2)} cores${worstOp}`;
}

export async function capacity(dirs: BenchDirs, mode: string, levels: number[], timeoutMs: number): Promise<Capacity> {
  const runId = `bench-${dirs.stamp}-ramp-${mode}`;
  const dir = join(dirs.tmp, runId);
  log(`capacity (${mode} mode): CONCURRENCY_LEVELS=${levels.join(',')} playwright test (stages and gates)`);
  const run = await runPlaywright({
    label: `ramp ${mode}`,
    args: suiteArgs(dir, []),
    env: suiteEnv(dir, runId, { PAYMENT_MODE: mode, CONCURRENCY_LEVELS: levels.join(',') }),
    dir,
    timeoutMs,
  });
  const wallS = round((run.exitedAt - run.spawnedAt) / 1000, 1)!;
  const reportDir = join(dir, 'reports', runId);
  const reportFile = join(reportDir, 'report.json');
  const base = { mode, levels, exitCode: run.exitCode, wallS, runId };
  if (!existsSync(reportFile)) {
    return {
      ...base,
      safeConcurrency: null,
      stopReason: null,
      goalSafeStage: null,
      stages: [],
      bottleneck: 'n/a',
      findings: [],
      reason: `the run wrote no report.json (exit ${run.exitCode}${run.timedOut ? ', timed out' : ''}; log ${run.logFile})`,
    };
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
  const results = readWorkerResults(reportDir);
  const timelineFile = join(reportDir, 'infra.jsonl');
  const samples = existsSync(timelineFile) ? parseSamples(readFileSync(timelineFile, 'utf8')) : [];
  const classified = classify(run.watcher.procs);

  const stages: StageCapacity[] = report.stages.map((s) => {
    const flows = results.filter((r) => r.stage === s.stage);
    const start = flows.length ? Math.min(...flows.map((r) => r.startedAt)) : 0;
    const end = flows.length ? Math.max(...flows.map((r) => r.endedAt)) : 0;
    const window = between(samples, start, end);
    const componentCpuPct: Record<string, number | null> = {};
    for (const c of ['backend', 'scanner', 'postgres', 'chain']) componentCpuPct[c] = num(mean(series(window, 'processes', `${c}.cpuPct`)));
    const coresUsed: Record<string, number> = {};
    if (end > start) {
      for (const c of classified) {
        const key = c.role === 'sandbox' ? `sandbox.${c.component}` : `runner.${c.role === 'worker' ? 'workers' : c.role}`;
        coresUsed[key] = (coresUsed[key] ?? 0) + cpuInWindow(c.proc, start, end) / ((end - start) / 1000);
      }
      for (const k of Object.keys(coresUsed)) coresUsed[k] = round(coresUsed[k]!, 2)!;
    }
    return {
      stage: s.stage,
      flows: s.flows,
      pass: s.pass,
      fail: s.fail,
      passed: s.passed,
      wallS: s.wallTimeMs === null ? null : round(s.wallTimeMs / 1000, 1),
      flowsPerSec: round(s.flowsPerSec, 2),
      goalsMissed: goalsMissed(s),
      gateReasons: s.gate?.reasons ?? [],
      hostCpuAvg: num(mean(series(window, 'host', 'cpuFraction'))),
      hostCpuMax: num(max(series(window, 'host', 'cpuFraction'))),
      componentCpuPct,
      coresUsed,
    };
  });
  let goalSafeStage: number | null = null;
  for (const level of levels) {
    const s = stages.find((x) => x.stage === level);
    if (!s || s.flows === 0 || !s.passed || s.goalsMissed.length > 0) break;
    goalSafeStage = level;
  }
  const result: Capacity = {
    ...base,
    safeConcurrency: report.safeConcurrency,
    stopReason: report.stopReason,
    goalSafeStage,
    stages,
    bottleneck: bottleneck(stages, report),
    findings: report.findings.map((f) => `${f.severity} ${f.title}: ${f.evidence}`),
  };
  log(
    `capacity (${mode}): exit ${run.exitCode} in ${wallS} s; goal-safe stage ${goalSafeStage === null ? 'none' : `C${goalSafeStage}`}, ` +
      `report safeConcurrency ${report.safeConcurrency}`,
  );
  return result;
}
