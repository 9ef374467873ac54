// The reporter's output: report.json is a Report. Declared once here; the
// types are derived and the JSON Schema is generated from the same objects.
import { z } from 'zod';
import { InfraRow } from '../contract/infra-row.ts';
import { Hypothesis } from './hypotheses-schema.ts';
import { OtlpExportStatus } from './otel-status.ts';
import { Comparison } from './compare-schema.ts';
import { FailureClass, MeasuredCorrectness, PaymentMode, WorkerResult } from '../contract/worker-result.ts';

/** Latency of one operation (or step) in one stage, ms, exact nearest-rank percentiles. */
export const LatencyStats = z.object({
  n: z.number().int().positive(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
  /** Timed-out calls, kept in the percentiles at their duration (a lower bound of the true latency). */
  censored: z.number().int().nonnegative(),
  /** n < LOW_N: the percentiles are shown but not to be trusted. */
  lowN: z.boolean(),
});
export type LatencyStats = z.infer<typeof LatencyStats>;

export const NotificationStep = z.object({
  /** The notification type (the spec calls it step). */
  step: z.string(),
  /** Copies expected: one per device of each recipient (recipients x DEVICES_PER_USER); rows of older results count one per recipient. */
  expected: z.number().int().nonnegative(),
  observed: z.number().int().nonnegative(),
  /** Copies that never arrived, known gaps included (knownGap says how many of them an approved gap covered). */
  missing: z.number().int().nonnegative(),
  /** Missing copies an approved known gap (known-gaps.json) covered: no stop condition, reported as the gap. */
  knownGap: z.number().int().nonnegative().default(0),
  /** Extra copies beyond the one expected on a device. */
  duplicates: z.number().int().nonnegative(),
  /**
   * Copies of this type that reached an inbox of the flow they were not meant for (worker results' `misdelivered`, kind
   * wrong-recipient); null when no flow with this type recorded misdeliveries by type (older results, or the flow ended first).
   */
  wrongRecipient: z.number().int().nonnegative().nullable().default(null),
  /** Copies of this type from another flow that reached this flow's inboxes (kind cross-worker-leak); null as wrongRecipient. */
  crossWorkerLeaks: z.number().int().nonnegative().nullable().default(null),
  p95LatencyMs: z.number().nullable(),
  /** The first few missing copies no known gap covered, as `<workerId> → <recipient role>` (`… device 2` when recipients have several). */
  missingExamples: z.array(z.string()),
});
export type NotificationStep = z.infer<typeof NotificationStep>;

export const StageNotifications = NotificationStep.omit({ step: true, missingExamples: true, crossWorkerLeaks: true }).extend({
  /**
   * The flows' wrongRecipient counter summed (sockets, GET /notifications and system-of-record probes alike), so it can be
   * above the steps' sum; null when no flow measured it.
   */
  wrongRecipient: z.number().int().nonnegative().nullable(),
  p50LatencyMs: z.number().nullable(),
  /** Devices per recipient (DEVICES_PER_USER) as the rows say; null when the results carry no device (one row per recipient). */
  devicesPerRecipient: z.number().int().positive().nullable().default(null),
  /**
   * Socket payloads that broke the notification contract: a contract violation, distinct from a missing notification.
   * null when no flow reported the count (results written before it existed).
   */
  malformed: z
    .object({
      count: z.number().int().nonnegative(),
      flows: z.number().int().nonnegative(),
      /** One offending payload, redacted. */
      sample: z.string().nullable(),
    })
    .nullable()
    .default(null),
  steps: z.array(NotificationStep),
});
export type StageNotifications = z.infer<typeof StageNotifications>;

/** An approved known gap that covered failures of a stage's flows: the gap as the flows quote it, and what it covered. */
export const AppliedGap = z.object({
  /** The text after "known gap:" in the flows' errors: type or signature, reason, owner, expiry. */
  gap: z.string(),
  flows: z.number().int().positive(),
  /** Missing notification copies it covered. */
  missingCopies: z.number().int().nonnegative(),
  /** A few `<workerId> <step>: <message>`. */
  examples: z.array(z.string()),
});
export type AppliedGap = z.infer<typeof AppliedGap>;

/** The P0 another flow saw that stopped a stage's flows at their next step (STOP_ON_P0). */
export const StageStop = z.object({
  /** The flow that saw the P0. */
  workerId: z.string(),
  /** The P0 as `<counter>: <evidence>`. */
  what: z.string(),
  /** Flows it stopped (interrupted), and the first few of them. */
  interrupted: z.number().int().positive(),
  examples: z.array(z.string()),
});
export type StageStop = z.infer<typeof StageStop>;

export const StageGate = z.object({
  passed: z.boolean(),
  reasons: z.array(z.string()),
  /** Flows the gate judged (every round's); absent in gate results written before it was counted. */
  flows: z.number().int().nonnegative().optional(),
  /** Stop conditions the gate could not evaluate (no reading), each with why; absent in gate results from before. */
  notEvaluated: z.array(z.string()).optional(),
});
export type StageGate = z.infer<typeof StageGate>;

/** A gate's verdict on a stage, as the gate attaches it (attachment GATE_RESULT_ATTACHMENT, JSON body). */
export const GateResult = StageGate.extend({ stage: z.number().int().positive() });
export type GateResult = z.infer<typeof GateResult>;
export const GATE_RESULT_ATTACHMENT = 'escrow-gate-result';

/** A gate's Infrastructure row of its stage (contract/infra-row.ts InfraRow, JSON body). */
export const INFRA_ROW_ATTACHMENT = 'escrow-infra-row';

export const FailureGroup = z.object({
  /** unclassified: a failed flow whose worker result names no class; interrupted: cut short with no error of its own. */
  class: z.union([FailureClass, z.literal('unclassified'), z.literal('interrupted')]),
  count: z.number().int().positive(),
  /** A few `<workerId> <step>: <message>` lines. */
  examples: z.array(z.string()),
});
export type FailureGroup = z.infer<typeof FailureGroup>;

/** A test whose worker result is missing or unreadable: it counts against its stage, never silently dropped. */
export const CollectionError = z.object({
  stage: z.number().int().positive().nullable(),
  test: z.string(),
  message: z.string(),
});
export type CollectionError = z.infer<typeof CollectionError>;

const nullableMs = z.number().nullable();

/**
 * The load generator's own load while a stage's flows ran (reporter/load-generator.ts): the Playwright runner's and its
 * workers' CPU as a share of the host, and each worker's event-loop delay. Saturated: its latencies include
 * client-side queuing, so safe concurrency is not claimed at the stage. A figure not measured is null with why.
 */
export const LoadGenerator = z.object({
  /** Mean and max of the runner's processes' CPU, share (0..1) of the whole host, over the stage's readings. */
  cpuShareMean: z.number().nullable(),
  cpuShareMax: z.number().nullable(),
  cpuSamples: z.number().int().nonnegative(),
  cpuNotMeasured: z.string().nullable(),
  /** Most worker processes seen at once. */
  workersMax: z.number().int().nonnegative().nullable(),
  /** The highest, and the median, of the workers' event-loop delay p99 (each worker over its test), ms. */
  eventLoopP99MaxMs: z.number().nullable(),
  eventLoopP99MedianMs: z.number().nullable(),
  eventLoopReports: z.number().int().nonnegative(),
  eventLoopNotMeasured: z.string().nullable(),
  /** null: neither the CPU nor the event loop was measured. */
  saturated: z.boolean().nullable(),
  /** Each limit the stage went above. */
  reasons: z.array(z.string()),
});
export type LoadGenerator = z.infer<typeof LoadGenerator>;

export const StageSummary = z.object({
  stage: z.number().int().positive(),
  /** Peak number of flows running at once, measured from flow start/end times. */
  workers: z.number().int().nonnegative(),
  flows: z.number().int().nonnegative(),
  pass: z.number().int().nonnegative(),
  /** Flows that did not pass, interrupted ones included. */
  fail: z.number().int().nonnegative(),
  interrupted: z.number().int().nonnegative(),
  /** Flows that started but whose worker ended before they reported: the runner reported them (see reporter/unreported-flows.ts). */
  runnerReported: z.number().int().nonnegative(),
  passed: z.boolean(),
  wallTimeMs: nullableMs,
  /** Passed flows / wall time (first flow start to last flow end), per second. */
  flowsPerSec: z.number().nullable(),
  /** Per driver op from the flows' business calls (probe calls left out), plus `notification` (visibility latency per observed copy). */
  ops: z.record(z.string(), LatencyStats),
  /** Per op, its samples for comparisons between runs (ms, sorted, 0.1 ms; evenly spaced ranks beyond 2000); absent in older reports. */
  opSamples: z.record(z.string(), z.array(z.number())).optional(),
  /** Wall time of each correctness probe (worker results' probeTimingsMs), one sample per flow that ran it; apart from ops. */
  probeTimings: z.record(z.string(), LatencyStats).default({}),
  /** Calls made by correctness probes, per probe: left out of ops and every latency figure (still counted in the 5xx rate). */
  probeCalls: z.record(z.string(), z.number().int().positive()).default({}),
  /** Step timings (timingsMs) of the flows, nulls left out. */
  steps: z.record(z.string(), LatencyStats),
  p95: z.object({
    totalMs: nullableMs,
    paymentIntentMs: nullableMs,
    scannerCheckMs: nullableMs,
    scannerConfirmMs: nullableMs,
    notificationMs: nullableMs,
  }),
  /** Calls answered 5xx / calls answered with any status; null when no call got a status. */
  fiveXXRate: z.number().nullable(),
  notifications: StageNotifications,
  /** Each counter summed over the flows that measured it; null when no flow of the stage did (correctnessNotMeasured says why). */
  correctness: MeasuredCorrectness,
  /** Each counter some flows of the stage did not measure: how many, and why (`status mode`, `the flow did not report` ...). */
  correctnessNotMeasured: z.record(z.string(), z.object({ flows: z.number().int().positive(), reason: z.string() })).default({}),
  /** For each non-zero correctness counter: flows involved and the first few as `<workerId> payment <id> — <evidence>`. */
  correctnessEvidence: z.record(z.string(), z.object({ flows: z.number().int().positive(), examples: z.array(z.string()) })),
  failures: z.array(FailureGroup),
  /** Writes that got no answer, and what the system of record said about them after the flow. */
  indeterminate: z.object({
    writes: z.number().int().nonnegative(),
    happened: z.number().int().nonnegative(),
    didNotHappen: z.number().int().nonnegative(),
    unknown: z.number().int().nonnegative(),
    /** A few `<workerId> <op>: <verdict> (<how it was decided>)`. */
    examples: z.array(z.string()),
  }),
  /** Known gaps that covered failures of the stage's flows (missing notifications, or a failure signature). */
  knownGaps: z.array(AppliedGap).default([]),
  /** STOP_ON_P0: the P0s that stopped flows of the stage, and which flow saw each; empty when none did. */
  stoppedBy: z.array(StageStop).default([]),
  /** Fixed-duration mode: how long the stage's flows kept starting after the barrier (STAGE_DURATION); null in rounds mode. */
  durationMs: nullableMs.default(null),
  /** From the barrier's release to the last flow's end; null when no flow got past the barrier. */
  releasedToEndMs: nullableMs.default(null),
  /** null: no gate ran for this stage. */
  gate: StageGate.nullable(),
  /** The load generator's own load during the stage; null when the reporter had nothing to say about it. */
  loadGenerator: LoadGenerator.nullable().default(null),
  collectionErrors: z.number().int().nonnegative(),
});
export type StageSummary = z.infer<typeof StageSummary>;

export const Severity = z.enum(['P0', 'P1', 'P2', 'info']);
export type Severity = z.infer<typeof Severity>;

export const Finding = z.object({
  title: z.string(),
  severity: Severity,
  stages: z.array(z.number().int().positive()),
  evidence: z.string(),
  nextAction: z.string(),
});
export type Finding = z.infer<typeof Finding>;

export const Versions = WorkerResult.shape.target.shape.versions;
export type Versions = z.infer<typeof Versions>;

export const Report = z.object({
  runId: z.string(),
  mode: PaymentMode.nullable(),
  target: z.string().nullable(),
  /** The target adapter the flows ran through, and what the target does not offer (every figure needing it: not measured). */
  adapter: z.string().nullable().default(null),
  notOffered: z.array(z.string()).default([]),
  versions: Versions,
  /** The target's own commit (from /version). */
  gitSha: z.string().nullable(),
  generatedAt: z.string(),
  /** Epoch ms of the first flow's start; null when no flow ran. */
  startedAt: z.number().nullable(),
  /** Stages selected for the run, ascending. */
  levels: z.array(z.number().int().positive()),
  /** Flows one worker process ran at once (FLOWS_PER_WORKER); a stage ran on ceil(level / flowsPerWorker) processes. */
  flowsPerWorker: z.number().int().positive().default(1),
  /**
   * How long a stage lasted: `rounds` (each of level slots ran `rounds` flows, level x rounds in all; null when the
   * run did not say) or `fixed-duration` (each slot started flows back to back for durationMs after the barrier).
   */
  stageLength: z
    .object({
      mode: z.enum(['rounds', 'fixed-duration']),
      rounds: z.number().int().positive().nullable(),
      durationMs: z.number().positive().nullable(),
    })
    .default({ mode: 'rounds', rounds: null, durationMs: null }),
  stagesNotRun: z.array(z.number().int().positive()),
  /** not-measured: no flow ran (the preflight failed, or nothing was selected), so there is no profile to pass or fail. */
  overall: z.enum(['pass', 'fail', 'not-measured']),
  safeConcurrency: z.number().int().positive().nullable(),
  /** Why safe concurrency stops below a stage that passed: its measurements were saturated by the load generator. */
  safeConcurrencyNote: z.string().nullable().default(null),
  stopReason: z.string().nullable(),
  /** Every stop condition that failed the run, as `<stage>: <condition>`; empty unless overall is fail. The run's exit code follows it. */
  failedConditions: z.array(z.string()).default([]),
  stages: z.array(StageSummary),
  findings: z.array(Finding),
  /** Rows as the gates attached them; each may carry `sampled` (the sampler's other series, contract/infra-row.ts). */
  infrastructure: z.object({ rows: z.array(InfraRow), unavailableReason: z.string().nullable() }),
  collectionErrors: z.array(CollectionError),
  /** The procedure's hypotheses judged on this run's data (reporter/hypotheses.ts); empty in older reports. */
  hypotheses: z.array(Hypothesis).default([]),
  /** BASELINE was set: this run compared with that run (reporter/compare.ts). */
  comparison: Comparison.optional(),
  /** OTEL_EXPORTER_OTLP_ENDPOINT was set: what the OTLP metrics export did (reporter/otel-export.ts). */
  otlpExport: OtlpExportStatus.optional(),
});
export type Report = z.infer<typeof Report>;

/** JSON Schema of report.json, for consumers outside TypeScript. */
export const reportJsonSchema = (): unknown => z.toJSONSchema(Report, { io: 'output', unrepresentable: 'any' });
