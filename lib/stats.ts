// Percentiles, the one definition the suite, the sampler and the bench share. Exact nearest-rank: sort the n samples
// ascending; the p-th percentile is the sample at 1-based rank ceil(p * n / 100)
// (at least 1). It is always an observed value, never interpolated, so
// p50 of 1..10 is 5 and p95 and p99 are 10; with one sample every percentile
// is that sample.

export function nearestRank(sortedAscending: ArrayLike<number>, p: number): number {
  const n = sortedAscending.length;
  if (n === 0) throw new Error(`percentile p${p} of an empty sample set is undefined`);
  if (!(p > 0 && p <= 100)) throw new Error(`percentile p=${p} is not in (0, 100]`);
  // p * n first: integer p and n stay exact (95 / 100 * 60 would not)
  return sortedAscending[Math.max(1, Math.ceil((p * n) / 100)) - 1]!;
}

/** nearest-rank p of unsorted values; null when there are none. */
export function percentileOrNull(values: readonly number[], p: number): number | null {
  return values.length === 0 ? null : nearestRank(Float64Array.from(values).sort(), p);
}
