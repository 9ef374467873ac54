// Pure helpers over the timeline: one field of one source as points in time,
// and the statistics the aggregate takes of them. A statistic with no points
// is `{ na: reason }`, the reason being the source's own (for example
// 'REDIS_URL is not set'), never 0.
import { percentileOrNull } from '../lib/stats.ts';
import { isNotAvailable, naFieldReason, type AnySourceName, type NotAvailable, type Sample } from './types.ts';

export type Num = number | NotAvailable;

export interface Point {
  t: number;
  v: number;
}

export interface Series {
  points: Point[];
  /** Why there are no numbers (the latest reason seen); meaningful only when points is empty. */
  reason: string;
}

export const NO_SAMPLES = 'no samples in this window';

/** The numbers of `source.field` in `samples`, in time order. */
export function series(samples: readonly Sample[], source: AnySourceName, field: string): Series {
  const points: Point[] = [];
  let reason = NO_SAMPLES;
  for (const sample of samples) {
    const result = sample[source];
    if (result === undefined) {
      reason = `the sampler did not sample ${source}`;
      continue;
    }
    if (isNotAvailable(result)) {
      reason = result.na;
      continue;
    }
    const v = result[field];
    if (typeof v === 'number') points.push({ t: sample.t, v });
    else reason = naFieldReason(v) ?? `${source} has no ${field}`;
  }
  return { points, reason };
}

/** Samples with from <= t <= to. */
export const between = (samples: readonly Sample[], from: number, to: number): Sample[] => samples.filter((s) => s.t >= from && s.t <= to);

/**
 * Samples for a counter's increase over [from, to]: the last sample at or
 * before `from` is the baseline, so nothing between two windows is lost.
 */
export function withBaseline(samples: readonly Sample[], from: number, to: number): Sample[] {
  const baseline = samples.filter((s) => s.t <= from).at(-1);
  return between(samples, baseline?.t ?? from, to);
}

const round = (v: number, digits = 4): number => Math.round(v * 10 ** digits) / 10 ** digits;
const na = (s: Series): NotAvailable => ({ na: s.reason });

/** Also the rate of 0/1 error flags. */
export const mean = (s: Series): Num => (s.points.length ? round(s.points.reduce((sum, p) => sum + p.v, 0) / s.points.length) : na(s));
export const max = (s: Series): Num => (s.points.length ? Math.max(...s.points.map((p) => p.v)) : na(s));
export const last = (s: Series): Num => s.points.at(-1)?.v ?? na(s);
export const p95 = (s: Series): Num =>
  percentileOrNull(
    s.points.map((p) => p.v),
    95,
  ) ?? na(s);

/**
 * How much a counter grew over its points. A drop means the process that
 * counts restarted from 0, so the value after the drop is all growth
 * (Prometheus' increase() without extrapolation).
 */
export function counterIncrease(values: readonly number[]): number {
  let total = 0;
  for (let i = 1; i < values.length; i++) total += values[i]! >= values[i - 1]! ? values[i]! - values[i - 1]! : values[i]!;
  return total;
}

export function increase(s: Series): Num {
  if (s.points.length === 0) return na(s);
  if (s.points.length === 1) return { na: 'one reading only: an increase needs two' };
  return round(counterIncrease(s.points.map((p) => p.v)));
}

/** Per-second rate of a counter between consecutive points, times `scale` (100 turns CPU seconds into % of one core). */
export function rate(s: Series, scale = 1): Series {
  const points: Point[] = [];
  for (let i = 1; i < s.points.length; i++) {
    const [a, b] = [s.points[i - 1]!, s.points[i]!];
    if (b.v >= a.v && b.t > a.t) points.push({ t: b.t, v: round(((b.v - a.v) / ((b.t - a.t) / 1_000)) * scale, 2) });
  }
  return { points, reason: s.points.length ? 'one reading only: a rate needs two' : s.reason };
}
