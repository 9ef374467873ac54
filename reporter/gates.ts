// The spec's stop conditions evaluated on one stage. Pure: the gate projects
// use it to stop the ramp, the reporter to name the condition in the report,
// and to judge from their own results the stages whose gate did not run.
import type { PaymentMode, WorkerResult } from '../contract/worker-result.ts';
import type { InfraRow } from '../contract/infra-row.ts';
import type { StageGate, StageSummary } from './schema.ts';
import { summarizeStage } from './summarize.ts';
import { STOP_CONDITIONS, stageName } from '../config/stages.ts';

/** What the sampler saw during and after the stage; fields absent when the source was not sampled. */
export interface GateInfra {
  restarts?: Record<string, number>;
  hostCpuAfterCooldown?: number | null;
  /** CPU of the target's own processes after cooldown, as a fraction of the host; null/absent when not measured. */
  targetCpuAfterCooldown?: number | null;
  hostMemoryAfterCooldown?: number | null;
  /** Scanner backlog (or another queue) drained within the bounded cooldown. */
  backlogDrained?: boolean | null;
  backlogAtEnd?: number | null;
  /** Why a source above has no reading (the target offers no backlog gauge, its host is not sampled ...). */
  notMeasured?: Partial<Record<'restarts' | 'backlog' | 'hostAfterCooldown', string>>;
}

export interface GateInput {
  stage: StageSummary;
  /** Earlier stages of this ramp, ascending. */
  previous: readonly StageSummary[];
  results: readonly WorkerResult[];
  mode: PaymentMode;
  infra?: GateInfra | null;
  /**
   * Flows the stage was to run (level x ROUNDS), when known: fewer results than this means flows went unjudged
   * (a result overwritten or never written), which fails the gate. Unknown in fixed-duration mode and per shard.
   */
  expectedFlows?: number;
}

export interface GateVerdict {
  stage: number;
  passed: boolean;
  reasons: string[];
  /** Flows the gate judged: every result of the stage, each round's included. */
  flows: number;
  /** Stop conditions the gate could not evaluate, each with why: not passed, not failed - not measured. */
  notEvaluated: string[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function examples(stage: StageSummary, counter: string): string {
  const ev = stage.correctnessEvidence[counter];
  return ev?.examples.length ? `: ${ev.examples.slice(0, 3).join('; ')}` : '';
}

function duplicates(values: (string | null)[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) if (v) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

export function evaluateGate({ stage, previous, results, mode, infra, expectedFlows }: GateInput): GateVerdict {
  const reasons: string[] = [];
  const notEvaluated: string[] = [];
  const c = stage.correctness;
  const name = stageName(stage.stage);
  // A counter no flow measured (null: status or dry mode for the payment counters, a target without a ledger read) is
  // neither a violation nor a pass: the gate names it as not evaluated, with the reason the flows gave.
  const p0 = (count: number | null, condition: string, counter: string) => {
    if (count !== null && count > 0) reasons.push(`P0 ${condition}: ${count} in ${name}${examples(stage, counter)}`);
    if (count === null) {
      const why = stage.correctnessNotMeasured?.[counter as keyof typeof stage.correctnessNotMeasured]?.reason ?? 'no flow measured it';
      notEvaluated.push(`P0 ${condition}: not measured (${why})`);
    }
  };
  if (mode === 'live' || mode === 'fixture')
    p0(c.evidenceMismatches, 'payment marked paid without correct chain/token/destination/amount evidence', 'evidenceMismatches');
  p0(c.duplicateCredits, 'duplicate ledger credit', 'duplicateCredits');
  p0(c.wrongRecipient, 'notification delivered to wrong user', 'wrongRecipient');
  p0(c.crossWorkerLeaks, 'cross-worker state leak', 'crossWorkerLeaks');
  p0(c.nonBuyerConfirmSuccess, 'non-buyer delivery confirmation succeeded', 'nonBuyerConfirmSuccess');
  p0(c.ledgerInconsistencies, 'ledger inconsistency', 'ledgerInconsistencies');
  p0(c.underOverpayments, 'under/overpayment accepted', 'underOverpayments');
  p0(c.doubleAccepts, 'more than one offer accepted', 'doubleAccepts');
  p0(c.advancedWithoutPayment, 'request or delivery advanced without payment', 'advancedWithoutPayment');

  // Per missing copy: a known gap excuses the copies of the type it names, not the flow's other missing ones.
  // (Results written before copies named their gap fall back to the flow's classification.)
  const missingUnexplained = results.reduce((n, r) => {
    const explainedByClass = r.classification === 'known-gap' && !r.notifications.some((x) => x.knownGap);
    return explainedByClass ? n : n + r.notifications.filter((x) => !x.observed && !x.knownGap).length;
  }, 0);
  if (missingUnexplained > 0)
    reasons.push(`P0 expected notification missing without known-gap classification: ${missingUnexplained} in ${name}`);

  const sharedPayments = duplicates(results.map((r) => r.paymentId));
  const sharedDestinations = duplicates(results.map((r) => r.destination));
  if (sharedPayments.length || sharedDestinations.length) {
    reasons.push(
      `P0 payment ids or destinations shared between flows of ${name}: ${[...sharedPayments, ...sharedDestinations].slice(0, 3).join(', ')}`,
    );
  }

  const unmeasured = (condition: string, why: string | undefined) =>
    notEvaluated.push(`${condition}: not measured (${why ?? 'the infrastructure sampler had no reading'})`);
  if (!infra?.restarts) unmeasured('component restarts', infra?.notMeasured?.restarts);
  if (infra?.backlogDrained === undefined || infra.backlogDrained === null)
    unmeasured('backlog drained after cooldown', infra?.notMeasured?.backlog);
  if (infra?.hostCpuAfterCooldown === undefined || infra.hostCpuAfterCooldown === null)
    unmeasured('host CPU and memory after cooldown', infra?.notMeasured?.hostAfterCooldown);
  const restarted = Object.entries(infra?.restarts ?? {}).filter(([, n]) => n > 0);
  if (restarted.length) reasons.push(`component restarts during ${name}: ${restarted.map(([k, n]) => `${k} ${n}`).join(', ')}`);

  if (stage.fiveXXRate !== null && stage.fiveXXRate > STOP_CONDITIONS.maxFiveXXRate) {
    reasons.push(`HTTP 5xx rate ${pct(stage.fiveXXRate)} above ${pct(STOP_CONDITIONS.maxFiveXXRate)} in ${name}`);
  }

  const intentP95 = (s: StageSummary) => s.p95.paymentIntentMs;
  const recent = [...previous.slice(-(STOP_CONDITIONS.paymentIntentConsecutiveStages - 1)), stage];
  if (
    recent.length === STOP_CONDITIONS.paymentIntentConsecutiveStages &&
    recent.every((s) => (intentP95(s) ?? 0) > STOP_CONDITIONS.paymentIntentP95Ms)
  ) {
    reasons.push(
      `p95 create payment intent above ${STOP_CONDITIONS.paymentIntentP95Ms} ms for ${recent.length} consecutive stages (${recent.map((s) => `${stageName(s.stage)} ${Math.round(intentP95(s)!)} ms`).join(', ')})`,
    );
  }

  const scannerP95 = Math.max(stage.p95.scannerCheckMs ?? 0, stage.p95.scannerConfirmMs ?? 0);
  const externalRpc = stage.failures.some((f) => f.class === 'external');
  if (scannerP95 > STOP_CONDITIONS.scannerP95Ms && !externalRpc) {
    reasons.push(
      `scanner confirmation/check p95 ${Math.round(scannerP95)} ms above ${STOP_CONDITIONS.scannerP95Ms} ms in ${name} (not classified external RPC)`,
    );
  }

  if (infra?.backlogDrained === false)
    reasons.push(`backlog did not drain within ${STOP_CONDITIONS.cooldownMs} ms after ${name} (${infra.backlogAtEnd ?? '?'} left)`);
  const targetCpu = infra?.targetCpuAfterCooldown;
  if ((infra?.hostCpuAfterCooldown ?? 0) > STOP_CONDITIONS.hostCpuAfterCooldown) {
    if (typeof targetCpu !== 'number') reasons.push(`host CPU ${pct(infra!.hostCpuAfterCooldown!)} after cooldown`);
    else if (targetCpu > STOP_CONDITIONS.targetCpuAfterCooldown)
      reasons.push(`host CPU ${pct(infra!.hostCpuAfterCooldown!)} after cooldown, ${pct(targetCpu)} of it the target's own processes`);
  }
  if ((infra?.hostMemoryAfterCooldown ?? 0) > STOP_CONDITIONS.hostMemoryAfterCooldown)
    reasons.push(`host memory ${pct(infra!.hostMemoryAfterCooldown!)} after cooldown`);

  const completed = results.filter((r) => r.status === 'pass' || r.classification !== 'known-gap');
  const success = completed.length ? completed.filter((r) => r.status === 'pass').length / completed.length : 0;
  const required = STOP_CONDITIONS.minSuccessRate(stage.stage);
  if (success < required)
    reasons.push(`completed-flow success ${pct(success)} below ${pct(required)} for ${name} (${stage.pass} of ${stage.flows} passed)`);

  if (expectedFlows !== undefined && results.length < expectedFlows)
    reasons.push(
      `only ${results.length} of ${expectedFlows} flows of ${name} have a result to judge: every flow of every round must be judged`,
    );

  return { stage: stage.stage, passed: reasons.length === 0, reasons, flows: results.length, notEvaluated };
}

/** What the reporter knows of a stage beyond its results, for judging stages whose gate did not run. */
export interface ReporterGateOptions {
  /** Flows each stage was to run (level x ROUNDS over every shard), when the run says; absent in fixed-duration mode. */
  expectedFlows?: Readonly<Record<number, number>>;
}

/** Restarts as the Infrastructure row states them: a count (`0`, `1 (backend 1)`), or why none was counted. */
function restartsOf(row: InfraRow | undefined): Pick<GateInfra, 'restarts' | 'notMeasured'> {
  const cell = row?.restarts;
  if (typeof cell === 'number') return { restarts: { components: cell } };
  const count = /^(\d+)\b/.exec(cell ?? '')?.[1];
  if (count !== undefined) return { restarts: { components: Number(count) } };
  const why = cell === undefined ? 'no Infrastructure row for the stage' : cell.replace(/^not measured \((.*)\)$/s, '$1');
  return { notMeasured: { restarts: why } };
}

const noCooldown = (stage: number) =>
  `no gate project observed the cooldown after ${stageName(stage)} (gate-${stageName(stage)} does, in a ramp; ${stageName(stage)} alone, a shard or a merge of shards has none)`;

/**
 * A stage whose gate project did not run (its flows failed, so Playwright skipped the gate; `--project=C8` ran alone; shards
 * merged by `npm run merge`) is still judged by the same stop conditions, so the report names them and the exit code follows.
 * What only a gate can observe (the cooldown after the stage) is not evaluated, with why: never a silent pass.
 */
export function reporterGates(
  results: readonly WorkerResult[],
  mode: PaymentMode,
  infra: readonly InfraRow[],
  options: ReporterGateOptions = {},
): Record<number, StageGate> {
  const stages = [...new Set(results.map((r) => r.stage))].sort((a, b) => a - b);
  const summaries = stages.map((stage) =>
    summarizeStage(
      stage,
      results.filter((r) => r.stage === stage),
      null,
      0,
    ),
  );
  const gates: Record<number, StageGate> = {};
  summaries.forEach((stage, i) => {
    const restarts = restartsOf(infra.find((row) => row.stage === stage.stage));
    const expectedFlows = options.expectedFlows?.[stage.stage];
    const verdict = evaluateGate({
      stage,
      previous: summaries.slice(0, i),
      results: results.filter((r) => r.stage === stage.stage),
      mode,
      infra: {
        ...restarts,
        notMeasured: { ...restarts.notMeasured, backlog: noCooldown(stage.stage), hostAfterCooldown: noCooldown(stage.stage) },
      },
      ...(expectedFlows === undefined ? {} : { expectedFlows }),
    });
    gates[stage.stage] = {
      passed: verdict.passed,
      reasons: verdict.reasons,
      flows: verdict.flows,
      ...(verdict.notEvaluated.length ? { notEvaluated: verdict.notEvaluated } : {}),
    };
  });
  return gates;
}
