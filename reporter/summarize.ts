// Pure aggregation: worker results + run metadata -> Report (report.json).
// No I/O, no clock: everything time-dependent comes in through RunMeta.
// A stage's summary is put together from one module per section
// (summarize-*.ts); the run's verdict is summarize-verdict.ts's.
import type { InfraRow } from '../contract/infra-row.ts';
import type { PaymentMode, WorkerResult } from '../contract/worker-result.ts';
import { keyFindings } from './findings.ts';
import { judgeHypotheses } from './hypotheses.ts';
import { serverTimingByStage, type SampledStage } from './hypotheses-figures.ts';
import type { CollectionError, LoadGenerator, Report, StageGate, StageSummary, Versions } from './schema.ts';
import { CallFigures, NOTIFICATION_OP } from './summarize-calls.ts';
import { CorrectnessFigures } from './summarize-correctness.ts';
import { FlowOutcomes } from './summarize-flows.ts';
import { coveredTypes, KnownGapFigures } from './summarize-known-gaps.ts';
import { NotificationFigures } from './summarize-notifications.ts';
import { runVerdict, stagePassed } from './summarize-verdict.ts';

export interface RunMeta {
  runId: string;
  mode: PaymentMode | null;
  target: string | null;
  versions: Versions;
  gitSha: string | null;
  /** Stages selected for the run; stages that produced results are added. */
  levels: readonly number[];
  /** FLOWS_PER_WORKER of the run: flows one worker process ran at once (1 unless set). */
  flowsPerWorker?: number;
  /** STAGE_DURATION in ms: fixed-duration mode, each slot starts flows back to back until then; absent or null in rounds mode. */
  stageDurationMs?: number | null;
  /** ROUNDS of the run (rounds mode); absent when the run did not say. */
  rounds?: number | null;
  /** ISO time the report was made. */
  generatedAt: string;
  gates?: Readonly<Record<number, StageGate>>;
  infrastructure?: readonly InfraRow[];
  /** Why there are no infrastructure rows; a default is used when absent. */
  infraUnavailableReason?: string;
  collectionErrors?: readonly CollectionError[];
  /** A stop reason the results cannot show (e.g. the ramp runner's); otherwise derived. */
  stopReason?: string;
  /** The load generator's own load per stage (reporter/load-generator.ts); absent: not measured. */
  loadGenerator?: Readonly<Record<number, LoadGenerator>>;
  /** The sampler's aggregates per stage (sampler/aggregate.ts), for the hypotheses; absent: only the Infrastructure rows' figures. */
  sampled?: Readonly<Record<number, SampledStage>>;
}

const DEFAULT_INFRA_UNAVAILABLE = 'no infrastructure sampler reported rows for these stages';

export function summarizeStage(
  stage: number,
  flows: readonly WorkerResult[],
  gate: StageGate | null,
  collectionErrors: number,
): StageSummary {
  const outcomes = new FlowOutcomes();
  const calls = new CallFigures();
  const notifications = new NotificationFigures();
  const knownGaps = new KnownGapFigures();
  const correctness = new CorrectnessFigures();
  for (const flow of flows) {
    const covered = coveredTypes(flow);
    outcomes.add(flow);
    calls.add(flow);
    notifications.add(flow, covered);
    knownGaps.add(flow, covered);
    correctness.add(flow);
  }
  const o = outcomes.summary();
  const c = calls.summary(notifications.latencies());
  const measured = correctness.summary();

  return {
    stage,
    workers: o.workers,
    flows: o.flows,
    pass: o.pass,
    fail: o.fail,
    interrupted: o.interrupted,
    runnerReported: o.runnerReported,
    passed: stagePassed({ ...o, correctness: measured.correctness }, gate, collectionErrors),
    wallTimeMs: o.wallTimeMs,
    flowsPerSec: o.flowsPerSec,
    ops: c.ops,
    opSamples: c.opSamples,
    probeTimings: c.probeTimings,
    probeCalls: c.probeCalls,
    steps: c.steps,
    p95: c.p95,
    fiveXXRate: c.fiveXXRate,
    notifications: notifications.summary(c.ops[NOTIFICATION_OP], measured.correctness.wrongRecipient),
    correctness: measured.correctness,
    correctnessNotMeasured: measured.correctnessNotMeasured,
    correctnessEvidence: measured.correctnessEvidence,
    failures: o.failures,
    indeterminate: c.indeterminate,
    knownGaps: knownGaps.summary(),
    stoppedBy: o.stoppedBy,
    durationMs: null,
    releasedToEndMs: o.releasedToEndMs,
    gate,
    loadGenerator: null,
    collectionErrors,
  };
}

const ascendingUnique = (levels: Iterable<number>): number[] => [...new Set(levels)].sort((a, b) => a - b);

function groupByStage(results: readonly WorkerResult[]): Map<number, WorkerResult[]> {
  const byStage = new Map<number, WorkerResult[]>();
  for (const result of results) {
    const flows = byStage.get(result.stage);
    if (flows) flows.push(result);
    else byStage.set(result.stage, [result]);
  }
  return byStage;
}

export function summarize(results: readonly WorkerResult[], meta: RunMeta): Report {
  const collectionErrors = [...(meta.collectionErrors ?? [])];
  const byStage = groupByStage(results);
  const stageLevels = ascendingUnique([...byStage.keys(), ...collectionErrors.flatMap((e) => (e.stage === null ? [] : [e.stage]))]);
  const stages = stageLevels.map((level) => ({
    ...summarizeStage(
      level,
      byStage.get(level) ?? [],
      meta.gates?.[level] ?? null,
      collectionErrors.filter((e) => e.stage === level).length,
    ),
    loadGenerator: meta.loadGenerator?.[level] ?? null,
    durationMs: meta.stageDurationMs ?? null,
  }));
  const levels = ascendingUnique([...meta.levels, ...stageLevels]);
  const stagesNotRun = levels.filter((level) => !stages.some((s) => s.stage === level));
  const verdict = runVerdict({
    levels,
    stages,
    stagesNotRun,
    collectionErrors,
    measured: results.length > 0 || collectionErrors.length > 0,
    stopReason: meta.stopReason,
  });
  const infrastructure = {
    rows: [...(meta.infrastructure ?? [])].sort((a, b) => a.stage - b.stage),
    unavailableReason: meta.infrastructure?.length ? null : (meta.infraUnavailableReason ?? DEFAULT_INFRA_UNAVAILABLE),
  };

  return {
    runId: meta.runId,
    mode: meta.mode,
    target: meta.target,
    adapter: results.find((r) => r.target.adapter)?.target.adapter ?? null,
    notOffered: results.find((r) => r.target.notOffered)?.target.notOffered ?? [],
    versions: meta.versions,
    gitSha: meta.gitSha,
    generatedAt: meta.generatedAt,
    startedAt: results.length > 0 ? results.reduce((min, r) => Math.min(min, r.startedAt), Infinity) : null,
    levels,
    flowsPerWorker: meta.flowsPerWorker ?? 1,
    stageLength: meta.stageDurationMs
      ? { mode: 'fixed-duration', rounds: null, durationMs: meta.stageDurationMs }
      : { mode: 'rounds', rounds: meta.rounds ?? null, durationMs: null },
    stagesNotRun,
    overall: verdict.overall,
    safeConcurrency: verdict.safeConcurrency,
    safeConcurrencyNote: verdict.safeConcurrencyNote,
    stopReason: verdict.stopReason,
    failedConditions: verdict.failedConditions,
    stages,
    findings: keyFindings(stages, collectionErrors),
    infrastructure,
    collectionErrors,
    hypotheses: judgeHypotheses({
      report: { mode: meta.mode, stages, infrastructure },
      serverTiming: serverTimingByStage(results, 'createPaymentIntent'),
      ...(meta.sampled ? { sampled: meta.sampled } : {}),
    }),
  };
}
