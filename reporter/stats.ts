// Latency statistics. Percentiles are exact nearest-rank: sort the n samples
// ascending; the p-th percentile is the sample at 1-based rank ceil(p * n / 100)
// (at least 1). It is always an observed value, never interpolated, so
// p50 of 1..10 is 5 and p95 and p99 are 10; with one sample every percentile
// is that sample.
import { LOW_N } from '../helpers/stages.ts';
import type { LatencyStats } from './schema.ts';

export function nearestRank(sortedAscending: ArrayLike<number>, p: number): number {
  const n = sortedAscending.length;
  if (n === 0) throw new Error(`percentile p${p} of an empty sample set is undefined`);
  if (!(p > 0 && p <= 100)) throw new Error(`percentile p=${p} is not in (0, 100]`);
  // p * n first: integer p and n stay exact (95 / 100 * 60 would not)
  return sortedAscending[Math.max(1, Math.ceil((p * n) / 100)) - 1]!;
}

/** Samples of one operation: durations, and how many of them were cut at a timeout. */
export interface Samples {
  durations: number[];
  censored: number;
}

export const emptySamples = (): Samples => ({ durations: [], censored: 0 });

export function latencyStats({ durations, censored }: Samples): LatencyStats {
  const sorted = Float64Array.from(durations).sort();
  return {
    n: sorted.length,
    p50: nearestRank(sorted, 50),
    p95: nearestRank(sorted, 95),
    p99: nearestRank(sorted, 99),
    max: sorted[sorted.length - 1]!,
    censored,
    lowN: sorted.length < LOW_N,
  };
}

/** nearest-rank p of unsorted values; null when there are none. */
export function percentileOrNull(values: readonly number[], p: number): number | null {
  return values.length === 0 ? null : nearestRank(Float64Array.from(values).sort(), p);
}

/** Stats per key of a map of samples, keys sorted so the output does not depend on arrival order. */
export function statsByKey(samples: ReadonlyMap<string, Samples>): Record<string, LatencyStats> {
  return Object.fromEntries([...samples.keys()].sort().map((key) => [key, latencyStats(samples.get(key)!)]));
}
