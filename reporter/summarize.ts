// Pure aggregation: worker results + run metadata -> Report (report.json).
// No I/O, no clock: everything time-dependent comes in through RunMeta.
import {
  CORRECTNESS_KEYS,
  MEASURED_IN,
  STEP_NAMES,
  type CorrectnessKey,
  type MeasuredCorrectness,
  type NotificationResult,
  type PaymentMode,
  type WorkerResult,
} from '../contract/worker-result.ts';
import type { InfraRow } from '../contract/infra-row.ts';
import { STOP_CONDITIONS, stageName } from '../config/stages.ts';
import { keyFindings } from './findings.ts';
import { stopLine } from './findings-correctness.ts';
import { EXAMPLES } from './format.ts';
import type {
  AppliedGap,
  CollectionError,
  FailureGroup,
  LoadGenerator,
  NotificationStep,
  Report,
  StageGate,
  StageStop,
  StageSummary,
  Versions,
} from './schema.ts';
import { percentileOrNull } from '../lib/stats.ts';
import { emptySamples, statsByKey, type Samples } from './latency.ts';

/** Op name of notification visibility latency in StageSummary.ops; must match the LATENCY_GOALS key. */
export const NOTIFICATION_OP = 'notification';

/** Why this flow has no number for a counter: its mode cannot measure it, it never reported, or it ended before the probe. */
export function notMeasuredReason(flow: Pick<WorkerResult, 'mode' | 'reportedBy'>, key: CorrectnessKey): string {
  if (flow.reportedBy === 'runner') return 'the flow did not report';
  if (!MEASURED_IN[key].includes(flow.mode)) return `${flow.mode} mode`;
  return 'the flow ended before its probe';
}

/** `4 (C8 3, C16 1)`-style parts need a number; a counter no flow of the stage measured is null, never 0. */
export const correctnessCount = (value: number | null): number => value ?? 0;

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
}

/** The stop reason of a run in which no flow ran and none was expected to report: nothing was measured. */
export const NOTHING_MEASURED = 'no flow ran, nothing was measured';

const DEFAULT_INFRA_UNAVAILABLE = 'no infrastructure sampler reported rows for these stages';

interface NotificationAcc {
  expected: number;
  observed: number;
  knownGap: number;
  duplicates: number;
  wrongRecipient: number | null;
  crossWorkerLeaks: number | null;
  latencies: number[];
  missingExamples: string[];
}

const newNotificationAcc = (): NotificationAcc => ({
  expected: 0,
  observed: 0,
  knownGap: 0,
  duplicates: 0,
  wrongRecipient: null,
  crossWorkerLeaks: null,
  latencies: [],
  missingExamples: [],
});

const MISSING_TYPE = /^missing (\S+) -> /;
const GAP_QUOTE = /\(known gap: ([\s\S]*)\)\s*$/;

/**
 * The gap a known-gap error quotes: the text after "known gap:" (its type or signature, reason, owner, expiry), without
 * the parenthesis the flow wraps it in; null when the message quotes none.
 */
export function quotedGap(message: string): string | null {
  const wrapped = GAP_QUOTE.exec(message);
  if (wrapped) return wrapped[1]!.trim();
  const at = message.indexOf('known gap: ');
  return at === -1 ? null : message.slice(at + 'known gap: '.length).trim();
}

/**
 * The notification types whose missing copies an approved known gap covered in this flow, each with the gap quoted: the
 * flow records a covered type as a known-gap error `missing <type> -> <copies> (known gap: ...)` (tests/escrow-flow.spec.ts).
 */
export function coveredTypes(flow: Pick<WorkerResult, 'errors'>): Map<string, string> {
  const covered = new Map<string, string>();
  for (const error of flow.errors) {
    if (error.class !== 'known-gap') continue;
    const type = MISSING_TYPE.exec(error.message)?.[1];
    if (type && !covered.has(type)) covered.set(type, quotedGap(error.message) ?? 'no gap quoted');
  }
  return covered;
}

function addSample(into: Map<string, Samples>, key: string, durationMs: number, censored: boolean): void {
  let samples = into.get(key);
  if (!samples) into.set(key, (samples = emptySamples()));
  samples.durations.push(durationMs);
  if (censored) samples.censored += 1;
}

/** `<workerId> payment <id> — <evidence>`: what a correctness finding points at. */
function anomalyExample(flow: WorkerResult): string {
  return [flow.workerId, flow.paymentId ? `payment ${flow.paymentId}` : '', flow.evidence.length > 0 ? `— ${flow.evidence.join('; ')}` : '']
    .filter(Boolean)
    .join(' ');
}

function failureExample(flow: WorkerResult): string {
  if (flow.status === 'interrupted' && flow.stoppedBy)
    return `${flow.workerId}: stopped by the P0 ${flow.stoppedBy.workerId} saw (${flow.stoppedBy.what})`;
  const first = flow.errors[0];
  return first ? `${flow.workerId} ${first.step}: ${first.message}` : `${flow.workerId}: ${flow.status} with no error recorded`;
}

/** Most flows running at the same instant; a flow ending when another starts does not overlap it. */
function peakConcurrency(flows: readonly WorkerResult[]): number {
  const starts = Float64Array.from(flows, (f) => f.startedAt).sort();
  const ends = Float64Array.from(flows, (f) => f.endedAt).sort();
  let running = 0;
  let peak = 0;
  let ended = 0;
  for (const start of starts) {
    for (; ended < ends.length && ends[ended]! <= start; ended += 1) running -= 1;
    running += 1;
    peak = Math.max(peak, running);
  }
  return peak;
}

/** `C2-W01 → buyer`, or `C2-W01 → buyer device 2` when the flow's recipients have several devices. */
function copyName(flow: WorkerResult, n: NotificationResult, devices: boolean): string {
  return `${flow.workerId} → ${n.recipient}${devices && n.device !== undefined ? ` device ${n.device + 1}` : ''}`;
}

export function summarizeStage(
  stage: number,
  flows: readonly WorkerResult[],
  gate: StageGate | null,
  collectionErrors: number,
): StageSummary {
  const ops = new Map<string, Samples>();
  const steps = new Map<string, Samples>();
  const probeTimings = new Map<string, Samples>();
  const probeCalls: Record<string, number> = {};
  const notifications = new Map<string, NotificationAcc>();
  const notificationOf = (step: string): NotificationAcc => {
    let acc = notifications.get(step);
    if (!acc) notifications.set(step, (acc = newNotificationAcc()));
    return acc;
  };
  const failures = new Map<FailureGroup['class'], FailureGroup>();
  // A counter is the sum over the flows that measured it; null when none did.
  const correctness = Object.fromEntries(CORRECTNESS_KEYS.map((key) => [key, null])) as MeasuredCorrectness;
  const correctnessEvidence: StageSummary['correctnessEvidence'] = {};
  const notMeasured = new Map<CorrectnessKey, { flows: number; reasons: Set<string> }>();
  const gaps = new Map<string, AppliedGap>();
  const stops = new Map<string, StageStop>();
  let malformed: StageSummary['notifications']['malformed'] = null;
  let devicesPerRecipient: number | null = null;
  let withStatus = 0;
  let fiveXX = 0;
  let pass = 0;
  let interrupted = 0;
  let runnerReported = 0;
  const indeterminate = { writes: 0, happened: 0, didNotHappen: 0, unknown: 0, examples: [] as string[] };
  let startedAt = Infinity;
  let endedAt = -Infinity;
  let releasedAt = Infinity;

  for (const flow of flows) {
    if (flow.reportedBy === 'runner') runnerReported += 1;
    startedAt = Math.min(startedAt, flow.startedAt);
    endedAt = Math.max(endedAt, flow.endedAt);
    if (flow.barrierReleasedAt !== null) releasedAt = Math.min(releasedAt, flow.barrierReleasedAt);
    for (const call of flow.calls) {
      // A probe's calls are correctness checks, not the operation's business latency: counted apart.
      if (call.probe === undefined) addSample(ops, call.op, call.durationMs, call.timedOut);
      else probeCalls[call.probe] = (probeCalls[call.probe] ?? 0) + 1;
      if (call.reconciled) {
        indeterminate.writes += 1;
        if (call.reconciled === 'happened') indeterminate.happened += 1;
        else if (call.reconciled === 'did-not-happen') indeterminate.didNotHappen += 1;
        else indeterminate.unknown += 1;
        if (indeterminate.examples.length < EXAMPLES)
          indeterminate.examples.push(
            `${flow.workerId} ${call.op}: ${call.reconciled}${call.reconciledBy ? ` (${call.reconciledBy})` : ''}`,
          );
      }
      // A 5xx is the target failing whoever asked, probe or not.
      if (call.status === null) continue;
      withStatus += 1;
      if (call.status >= 500) fiveXX += 1;
    }
    for (const step of STEP_NAMES) {
      const ms = flow.timingsMs[step];
      if (ms !== null) addSample(steps, step, ms, false);
    }
    for (const [probe, ms] of Object.entries(flow.probeTimingsMs ?? {})) addSample(probeTimings, probe, ms, false);

    // Notifications, counted in copies: a row per device of each recipient.
    const covered = coveredTypes(flow);
    const devices = flow.notifications.some((n) => (n.device ?? 0) > 0);
    for (const n of flow.notifications) {
      if (n.device !== undefined) devicesPerRecipient = Math.max(devicesPerRecipient ?? 1, n.device + 1);
      const acc = notificationOf(n.step);
      acc.expected += 1;
      acc.duplicates += n.duplicates;
      if (!n.observed) {
        if (covered.has(n.step)) acc.knownGap += 1;
        else if (acc.missingExamples.length < EXAMPLES) acc.missingExamples.push(copyName(flow, n, devices));
        continue;
      }
      acc.observed += 1;
      if (n.latencyMs === null) continue;
      acc.latencies.push(n.latencyMs);
      addSample(ops, NOTIFICATION_OP, n.latencyMs, false);
    }
    // Misdeliveries by type: measured where the flow settled its inboxes (its wrongRecipient counter is a number) and says by type.
    if (flow.misdelivered !== undefined && flow.correctness.wrongRecipient !== null) {
      for (const n of flow.notifications) {
        const acc = notificationOf(n.step);
        acc.wrongRecipient ??= 0;
        acc.crossWorkerLeaks ??= 0;
      }
      for (const m of flow.misdelivered) {
        const acc = notificationOf(m.step);
        if (m.kind === 'wrong-recipient') acc.wrongRecipient = (acc.wrongRecipient ?? 0) + 1;
        else acc.crossWorkerLeaks = (acc.crossWorkerLeaks ?? 0) + 1;
        acc.wrongRecipient ??= 0;
        acc.crossWorkerLeaks ??= 0;
      }
    }
    if (flow.malformedNotifications) {
      malformed ??= { count: 0, flows: 0, sample: null };
      malformed.count += flow.malformedNotifications.count;
      if (flow.malformedNotifications.count > 0) {
        malformed.flows += 1;
        malformed.sample ??= flow.malformedNotifications.sample;
      }
    }

    // Known gaps the flow quoted (the missing copies each covered). A failure a gap's signature classified quotes no gap:
    // it is a failed flow of class known-gap, reported as such.
    const missingBy = new Map<string, number>();
    for (const n of flow.notifications) if (!n.observed && covered.has(n.step)) missingBy.set(n.step, (missingBy.get(n.step) ?? 0) + 1);
    const flowGaps = new Map<string, { copies: number; example: string }>();
    for (const error of flow.errors) {
      const gap = error.class === 'known-gap' ? quotedGap(error.message) : null;
      if (gap === null) continue;
      const type = MISSING_TYPE.exec(error.message)?.[1];
      const entry = flowGaps.get(gap) ?? { copies: 0, example: `${flow.workerId} ${error.step}: ${error.message}` };
      if (type) entry.copies += missingBy.get(type) ?? 0;
      flowGaps.set(gap, entry);
    }
    for (const [gap, { copies, example }] of flowGaps) {
      const applied = gaps.get(gap) ?? { gap, flows: 0, missingCopies: 0, examples: [] };
      applied.flows += 1;
      applied.missingCopies += copies;
      if (applied.examples.length < EXAMPLES) applied.examples.push(example);
      gaps.set(gap, applied);
    }

    for (const key of CORRECTNESS_KEYS) {
      const count = flow.correctness[key];
      if (count === null) {
        const entry = notMeasured.get(key) ?? { flows: 0, reasons: new Set<string>() };
        entry.flows += 1;
        entry.reasons.add(notMeasuredReason(flow, key));
        notMeasured.set(key, entry);
        continue;
      }
      correctness[key] = (correctness[key] ?? 0) + count;
      if (count === 0) continue;
      const evidence = (correctnessEvidence[key] ??= { flows: 0, examples: [] });
      evidence.flows += 1;
      if (evidence.examples.length < EXAMPLES) evidence.examples.push(anomalyExample(flow));
    }
    if (flow.status === 'pass') {
      pass += 1;
      continue;
    }
    if (flow.status === 'interrupted') {
      interrupted += 1;
      if (flow.stoppedBy) {
        const key = JSON.stringify([flow.stoppedBy.workerId, flow.stoppedBy.what]);
        const stop = stops.get(key) ?? { ...flow.stoppedBy, interrupted: 0, examples: [] };
        stop.interrupted += 1;
        if (stop.examples.length < EXAMPLES) stop.examples.push(flow.workerId);
        stops.set(key, stop);
      }
    }
    const cls = flow.classification ?? (flow.status === 'interrupted' ? 'interrupted' : 'unclassified');
    const group = failures.get(cls) ?? { class: cls, count: 0, examples: [] };
    group.count += 1;
    if (group.examples.length < EXAMPLES) group.examples.push(failureExample(flow));
    failures.set(cls, group);
  }

  const opStats = statsByKey(ops);
  const stepStats = statsByKey(steps);
  const notificationSteps: NotificationStep[] = [...notifications.keys()].sort().map((step) => {
    const acc = notifications.get(step)!;
    const { expected, observed, knownGap, duplicates, wrongRecipient, crossWorkerLeaks, missingExamples } = acc;
    return {
      step,
      expected,
      observed,
      missing: expected - observed,
      knownGap,
      duplicates,
      wrongRecipient,
      crossWorkerLeaks,
      p95LatencyMs: percentileOrNull(acc.latencies, 95),
      missingExamples,
    };
  });
  const sum = (field: 'expected' | 'observed' | 'missing' | 'knownGap' | 'duplicates') =>
    notificationSteps.reduce((total, s) => total + s[field], 0);
  const wallTimeMs = flows.length > 0 ? endedAt - startedAt : null;
  const zeroToleranceBroken = STOP_CONDITIONS.zeroTolerance.some((key) => correctnessCount(correctness[key]) > 0);

  return {
    stage,
    workers: peakConcurrency(flows),
    flows: flows.length,
    pass,
    fail: flows.length - pass,
    interrupted,
    runnerReported,
    // A P0 counter fails the stage even if its flow claimed to pass: the spec stops the ramp on it.
    passed: flows.length > 0 && pass === flows.length && (gate?.passed ?? true) && collectionErrors === 0 && !zeroToleranceBroken,
    wallTimeMs,
    flowsPerSec: wallTimeMs ? pass / (wallTimeMs / 1_000) : null,
    ops: opStats,
    probeTimings: statsByKey(probeTimings),
    probeCalls: Object.fromEntries(
      Object.keys(probeCalls)
        .sort()
        .map((probe) => [probe, probeCalls[probe]!]),
    ),
    steps: stepStats,
    p95: {
      totalMs: stepStats.total?.p95 ?? null,
      paymentIntentMs: opStats.createPaymentIntent?.p95 ?? null,
      scannerCheckMs: opStats.scannerCheck?.p95 ?? null,
      scannerConfirmMs: stepStats.scannerConfirm?.p95 ?? null,
      notificationMs: opStats[NOTIFICATION_OP]?.p95 ?? null,
    },
    fiveXXRate: withStatus > 0 ? fiveXX / withStatus : null,
    notifications: {
      expected: sum('expected'),
      observed: sum('observed'),
      missing: sum('missing'),
      knownGap: sum('knownGap'),
      wrongRecipient: correctness.wrongRecipient,
      duplicates: sum('duplicates'),
      p50LatencyMs: opStats[NOTIFICATION_OP]?.p50 ?? null,
      p95LatencyMs: opStats[NOTIFICATION_OP]?.p95 ?? null,
      devicesPerRecipient,
      malformed,
      steps: notificationSteps,
    },
    correctness,
    correctnessNotMeasured: Object.fromEntries(
      CORRECTNESS_KEYS.flatMap((key) => {
        const entry = notMeasured.get(key);
        return entry ? [[key, { flows: entry.flows, reason: [...entry.reasons].sort().join(', ') }]] : [];
      }),
    ),
    correctnessEvidence,
    failures: [...failures.values()].sort((a, b) => b.count - a.count || a.class.localeCompare(b.class)),
    indeterminate,
    knownGaps: [...gaps.values()].sort((a, b) => a.gap.localeCompare(b.gap)),
    stoppedBy: [...stops.values()].sort((a, b) => b.interrupted - a.interrupted || a.workerId.localeCompare(b.workerId)),
    durationMs: null,
    releasedToEndMs: releasedAt === Infinity ? null : Math.max(0, endedAt - releasedAt),
    gate,
    loadGenerator: null,
    collectionErrors,
  };
}

/** Why a stage did not pass, one part per stop condition (each gate reason its own part). */
function stageFailureParts(s: StageSummary): string[] {
  const parts: string[] = [];
  if (s.flows === 0) parts.push('no readable worker results');
  if (s.fail > 0) parts.push(`${s.fail} of ${s.flows} flows failed (${s.failures.map((f) => `${f.class} ${f.count}`).join(', ')})`);
  const broken = STOP_CONDITIONS.zeroTolerance.filter((key) => correctnessCount(s.correctness[key]) > 0);
  if (broken.length > 0) parts.push(`P0 correctness: ${broken.map((key) => `${key} ${s.correctness[key]}`).join(', ')}`);
  for (const stop of s.stoppedBy) parts.push(stopLine(stop));
  if (s.gate && !s.gate.passed) parts.push(...s.gate.reasons.map((reason) => `gate: ${reason}`));
  if (s.collectionErrors > 0) parts.push(`${s.collectionErrors} worker results missing or unreadable`);
  return parts;
}

function stageFailureReason(s: StageSummary): string {
  return `${stageName(s.stage)} failed: ${stageFailureParts(s).join('; ')}`;
}

function rampStopReason(firstBreak: number, stageByLevel: ReadonlyMap<number, StageSummary>, stagesNotRun: readonly number[]): string {
  const stage = stageByLevel.get(firstBreak);
  const skipped = stagesNotRun.filter((level) => level > firstBreak);
  return [
    stage ? stageFailureReason(stage) : `${stageName(firstBreak)} produced no worker results`,
    ...(skipped.length > 0 ? [`not run: ${skipped.map(stageName).join(', ')}`] : []),
  ].join('; ');
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
  const stageByLevel = new Map(stages.map((s) => [s.stage, s]));
  const levels = ascendingUnique([...meta.levels, ...stageLevels]);
  const stagesNotRun = levels.filter((level) => !stageByLevel.has(level));

  // Safe concurrency: the ramp holds only while every stage up to it passed, so the first gap or failure ends it.
  // A stage whose measurements the load generator saturated proves nothing about the target: safe concurrency stops below it.
  let safeConcurrency: number | null = null;
  let firstBreak: number | undefined;
  let saturatedAt: StageSummary | undefined;
  for (const level of levels) {
    const stage = stageByLevel.get(level);
    if (!stage?.passed) {
      firstBreak = level;
      break;
    }
    if (stage.loadGenerator?.saturated) {
      saturatedAt = stage;
      break;
    }
    safeConcurrency = level;
  }
  const safeConcurrencyNote = saturatedAt
    ? `not claimed at ${stageName(saturatedAt.stage)} or above: the load generator was saturated there (${saturatedAt.loadGenerator!.reasons.join('; ')}), so its latencies include client-side queuing`
    : null;
  const unattributed = collectionErrors.filter((e) => e.stage === null).length;
  const unattributedReason = unattributed > 0 ? `${unattributed} test results could not be attributed to a stage` : null;
  // Nothing reported at all (the preflight failed, or no stage ran): the profile measured nothing, which is neither PASS nor FAIL.
  const measured = results.length > 0 || collectionErrors.length > 0;
  const overall: Report['overall'] = !measured
    ? 'not-measured'
    : levels.length > 0 && firstBreak === undefined && unattributed === 0
      ? 'pass'
      : 'fail';
  // Every stop condition that fails the run, named by stage: what the run's exit code stands for.
  const failedConditions =
    overall !== 'fail'
      ? []
      : [
          ...stages.filter((s) => !s.passed).flatMap((s) => stageFailureParts(s).map((part) => `${stageName(s.stage)}: ${part}`)),
          ...stagesNotRun.map((level) => `${stageName(level)}: selected but not run (no worker results)`),
          ...(unattributedReason ? [unattributedReason] : []),
        ];

  return {
    runId: meta.runId,
    mode: meta.mode,
    target: meta.target,
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
    overall,
    safeConcurrency,
    safeConcurrencyNote,
    stopReason:
      meta.stopReason ??
      (!measured ? NOTHING_MEASURED : null) ??
      (firstBreak === undefined ? null : rampStopReason(firstBreak, stageByLevel, stagesNotRun)) ??
      unattributedReason,
    failedConditions,
    stages,
    findings: keyFindings(stages, collectionErrors),
    infrastructure: {
      rows: [...(meta.infrastructure ?? [])].sort((a, b) => a.stage - b.stage),
      unavailableReason: meta.infrastructure?.length ? null : (meta.infraUnavailableReason ?? DEFAULT_INFRA_UNAVAILABLE),
    },
    collectionErrors,
  };
}
