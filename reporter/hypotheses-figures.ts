// The figures the hypotheses (reporter/hypotheses.ts) are judged on, per stage: latency series from the stages'
// operations, Postgres figures from the sampler's aggregates or the Infrastructure rows, the sampler's counters, and
// the payment intent's Server-Timing. Pure. A figure that was not measured is `{ na: why }`, never 0.
import type { InfraRow, SampledMetrics } from '../contract/infra-row.ts';
import type { WorkerResult } from '../contract/worker-result.ts';
import { LOW_N, stageName } from '../config/stages.ts';
import type { StageInfra } from '../sampler/aggregate.ts';
import type { Num } from '../sampler/series.ts';
import { formatMs } from './format.ts';
import type { Report, StageSummary } from './schema.ts';

/** The sampler's aggregates of a stage the hypotheses read (sampler/aggregate.ts StageInfra). */
export type SampledStage = Pick<StageInfra, 'postgres' | 'sockets' | 'notifications' | 'rpc'>;

/** A stage's value of one figure; only stages with a number count in a trend. */
export interface Point {
  stage: number;
  value: Num;
  /** Samples behind a latency figure: fewer than minSamples and it is shown, not used. */
  n?: number;
}

/** Samples a stage's p95 needs before a verdict uses it (LOW_N: below it report.md marks percentiles low-n). */
export const MIN_SAMPLES = LOW_N;

/** What a verdict needs, and the lines it draws. */
export const HYPOTHESIS_EVIDENCE = {
  /** Samples behind each stage's p95 (LOW_N). */
  minSamples: MIN_SAMPLES,
  /** Stages with enough samples for a trend... */
  minStages: 3,
  /** ...and for a correlation, which over three points says little. */
  minStagesForCorrelation: 4,
  /** A p95 that grew at least this much from the first to the last stage degraded; under `flat` it stayed flat. */
  degraded: 1.5,
  flat: 1.2,
  /** Pearson's r at or above `strong` follows; under `weak` does not. */
  strong: 0.7,
  weak: 0.3,
  /** Sub-steps adding up to more than (1 + this) x the total overlap: they run in parallel. */
  overlap: 0.1,
  /** The stage from which socket fan-out is expected to matter. */
  fanOutStage: 16,
} as const;

export interface HypothesisInput {
  report: Pick<Report, 'mode' | 'stages' | 'infrastructure'>;
  /** The payment intent's Server-Timing per stage (serverTimingByStage). */
  serverTiming: Readonly<Record<number, ServerTimingStage>>;
  /** The sampler's aggregates per stage; absent: only what the Infrastructure rows say. */
  sampled?: Readonly<Record<number, SampledStage>>;
}

const NO_SAMPLER = 'no sampler figures for this stage (neither aggregates nor its Infrastructure row carry them)';

/** One op's (or step's) p95 per stage, with its sample count; a stage that never ran it is left out. */
export const latencyPoints = (stages: readonly StageSummary[], op: string, of: 'ops' | 'steps' = 'ops'): Point[] =>
  stages.flatMap((s) => (s[of][op] ? [{ stage: s.stage, value: s[of][op].p95, n: s[of][op].n }] : []));

/** The points a verdict may use: a number, from enough samples. */
export const usable = (points: readonly Point[]): { stage: number; value: number }[] =>
  points.flatMap((p) => (typeof p.value === 'number' && (p.n ?? MIN_SAMPLES) >= MIN_SAMPLES ? [{ stage: p.stage, value: p.value }] : []));

/** The sampler's other series an Infrastructure row may carry as display text (`sampled`, report.md "Sampled metrics"). */
export type RowMetric = keyof Pick<SampledMetrics, 'socketClients' | 'socketEvents' | 'notificationInserts' | 'rpcP95' | 'rpcErrorRate'>;

/** A number read back from a display cell (`12`, `3.1 ms`, `0% of 40`), or `{ na }` from `not measured (why)`. */
function fromCell(cell: string | undefined): Num | undefined {
  if (cell === undefined) return undefined;
  const number = /^-?\d+(?:\.\d+)?/.exec(cell);
  if (number) return Number(number[0]);
  return { na: /^not measured \((.*)\)$/.exec(cell)?.[1] ?? `unreadable: ${cell}` };
}

/**
 * A figure of the sampler's per stage: from its aggregates, else read back from the stage's Infrastructure row
 * (`sampled`), else not measured with the sampler's reason (or why there is none).
 */
export function sampledPoints(input: HypothesisInput, pick: (s: SampledStage) => Num, metric: RowMetric): Point[] {
  return input.report.stages.map(({ stage }) => {
    const aggregate = input.sampled?.[stage];
    if (aggregate) return { stage, value: pick(aggregate) };
    const row = input.report.infrastructure.rows.find((r) => r.stage === stage);
    return { stage, value: fromCell(row?.sampled?.[metric]) ?? { na: NO_SAMPLER } };
  });
}

/**
 * A Postgres figure per stage: from the sampler's aggregates, else read back from the stage's Infrastructure row
 * (`CPU avg 3.5%, …, lock waits max 0`), else not measured with the row's own reason.
 */
export function postgresPoints(
  stages: readonly StageSummary[],
  rows: readonly InfraRow[],
  sampled: Readonly<Record<number, SampledStage>> | undefined,
  figure: 'cpu' | 'lockWaits',
  unavailable: string | null,
): Point[] {
  const label = figure === 'cpu' ? /CPU avg (\d+(?:\.\d+)?)%/ : /lock waits max (\d+)/;
  return stages.map(({ stage }) => {
    const s = sampled?.[stage];
    if (s) return { stage, value: figure === 'cpu' ? s.postgres.cpuPctAvg : s.postgres.locksWaitingMax };
    const cell = rows.find((r) => r.stage === stage)?.postgres;
    const found = cell ? label.exec(cell) : null;
    if (found) return { stage, value: Number(found[1]) };
    const why = cell
      ? (/not measured \((.*)\)/.exec(cell)?.[1] ?? `not in its Infrastructure row`)
      : (unavailable ?? 'no Infrastructure row');
    return { stage, value: { na: why } };
  });
}

/** `C1 110 ms (n 1) → C2 95 ms (n 2)`; stages not measured say why, once when every stage has the same reason. */
export function showPoints(label: string, points: readonly Point[], unit: 'ms' | '%' | '' = ''): string {
  if (points.length === 0) return `${label}: not measured (no stage has it)`;
  const reasons = [...new Set(points.flatMap((p) => (typeof p.value === 'number' ? [] : [p.value.na])))];
  if (reasons.length === 1 && points.every((p) => typeof p.value !== 'number')) return `${label}: not measured (${reasons[0]})`;
  const one = (p: Point) => {
    if (typeof p.value !== 'number') return `${stageName(p.stage)} not measured (${p.value.na})`;
    const value = unit === 'ms' ? formatMs(p.value) : `${Number(p.value.toPrecision(3))}${unit}`;
    const low = p.n !== undefined && p.n < MIN_SAMPLES ? ', low n' : '';
    return `${stageName(p.stage)} ${value}${p.n !== undefined ? ` (n ${p.n}${low})` : ''}`;
  };
  return `${label}: ${points.map(one).join(' → ')}`;
}

/** `×1.52`, a growth or a ratio. */
export const times = (ratio: number | null) => (ratio === null ? '—' : `×${ratio.toFixed(2)}`);
export const rValue = (r: number | null) => (r === null ? 'not computable' : r.toFixed(2));
export const span = (points: readonly { stage: number }[]) => `${stageName(points[0]!.stage)} to ${stageName(points.at(-1)!.stage)}`;
export const numbers = (points: readonly Point[]) =>
  points.flatMap((p) => (typeof p.value === 'number' ? [{ stage: p.stage, value: p.value }] : []));
/** Values of `other` at the stages of `at`, when it has them all. */
export const pairedWith = (at: readonly { stage: number }[], other: readonly Point[]): number[] | null => {
  const values = at.map((p) => other.find((o) => o.stage === p.stage)?.value);
  return values.every((v) => typeof v === 'number') ? (values as number[]) : null;
};
export const tooFew = (what: string, got: readonly unknown[], need: number, points: readonly Point[]) =>
  `${what} has ${MIN_SAMPLES} or more samples in ${got.length} of ${points.length} stage(s); ${need} are needed`;

/** Last over first of a series; null with fewer than two points or a first value of 0. */
export function growth(points: readonly { value: number }[]): number | null {
  if (points.length < 2 || points[0]!.value === 0) return null;
  return points.at(-1)!.value / points[0]!.value;
}

/** Pearson's r of paired values; null with fewer than two pairs or no variance on either side. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return null;
  const mean = (v: readonly number[]) => v.slice(0, n).reduce((a, b) => a + b, 0) / n;
  const [mx, my] = [mean(xs), mean(ys)];
  let [sxy, sxx, syy] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/** The payment intent's Server-Timing in one stage: calls with the header, and the means of its sub-steps (ms). */
export interface ServerTimingStage {
  calls: number;
  /** The server's own `total`, or the call's round trip where the target sent none. */
  totalMs: number;
  /** Sum of the sub-steps (every entry but `total`). */
  sumMs: number;
  steps: Record<string, number>;
}

/** Server-Timing of one op's business calls (probes left out) per stage: only calls that carried the header. */
export function serverTimingByStage(results: readonly WorkerResult[], op: string): Record<number, ServerTimingStage> {
  const byStage: Record<number, { calls: number; total: number; sum: number; steps: Record<string, number> }> = {};
  for (const r of results)
    for (const c of r.calls) {
      if (c.op !== op || c.probe || c.outcome !== 'ok' || !c.serverTiming) continue;
      const entry = (byStage[r.stage] ??= { calls: 0, total: 0, sum: 0, steps: {} });
      const { total, ...steps } = c.serverTiming;
      entry.calls += 1;
      entry.total += total ?? c.durationMs;
      for (const [name, ms] of Object.entries(steps)) {
        entry.steps[name] = (entry.steps[name] ?? 0) + ms;
        entry.sum += ms;
      }
    }
  const perCall = (ms: number, calls: number) => Math.round((ms / calls) * 100) / 100;
  return Object.fromEntries(
    Object.entries(byStage).map(([stage, e]) => [
      Number(stage),
      {
        calls: e.calls,
        totalMs: perCall(e.total, e.calls),
        sumMs: perCall(e.sum, e.calls),
        steps: Object.fromEntries(Object.entries(e.steps).map(([name, ms]) => [name, perCall(ms, e.calls)])),
      },
    ]),
  );
}

/**
 * ROUNDS that would give `op` MIN_SAMPLES samples in the run's lowest stage that ran it, from the samples one flow
 * gave there; null when no stage ran it.
 */
export function roundsFor(stages: readonly StageSummary[], op: string): number | null {
  const first = stages.find((s) => s.ops[op] && s.flows > 0);
  if (!first) return null;
  const perFlow = first.ops[op]!.n / first.flows;
  return Math.max(1, Math.ceil(MIN_SAMPLES / (perFlow * first.stage)));
}
