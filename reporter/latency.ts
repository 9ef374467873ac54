// Latency statistics of the report: nearest-rank percentiles (lib/stats.ts) per operation, with the number of
// samples cut at a timeout and a low-n mark.
import { LOW_N } from '../config/stages.ts';
import { nearestRank } from '../lib/stats.ts';
import type { LatencyStats } from './schema.ts';

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

/** Stats per key of a map of samples, keys sorted so the output does not depend on arrival order. */
export function statsByKey(samples: ReadonlyMap<string, Samples>): Record<string, LatencyStats> {
  return Object.fromEntries([...samples.keys()].sort().map((key) => [key, latencyStats(samples.get(key)!)]));
}
