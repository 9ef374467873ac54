// Small statistics for the bench: nearest-rank percentiles (the suite's, lib/stats.ts), rounding, bootstrap.
import { percentileOrNull } from '../lib/stats.ts';

/** Nearest-rank percentile (p in (0, 100]) of the values; null when there are none: the suite's own definition. */
export const percentile = percentileOrNull;

export const median = (values: readonly number[]): number | null => percentile(values, 50);

/** Rounded to `digits` decimals; null stays null. */
export const round = (value: number | null | undefined, digits = 2): number | null =>
  value === null || value === undefined || !Number.isFinite(value) ? null : Number(value.toFixed(digits));

/** A seeded PRNG (mulberry32), so a bootstrap interval is the same for the same samples. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 95% bootstrap interval of percentile(a, p) - percentile(b, p): both samples
 * resampled with replacement `rounds` times. How far the difference could move
 * by chance alone, given these samples.
 */
export function bootstrapDiff(a: readonly number[], b: readonly number[], p: number, rounds = 1000): [number, number] | null {
  if (a.length === 0 || b.length === 0) return null;
  const rand = prng(a.length * 31 + b.length * 17 + p);
  const resample = (xs: readonly number[]) => Array.from({ length: xs.length }, () => xs[Math.floor(rand() * xs.length)]!);
  const diffs = Array.from({ length: rounds }, () => percentile(resample(a), p)! - percentile(resample(b), p)!);
  return [percentile(diffs, 2.5)!, percentile(diffs, 97.5)!];
}
