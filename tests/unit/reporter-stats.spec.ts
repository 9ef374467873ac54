import { expect, test } from '@playwright/test';
import { LOW_N } from '../../config/stages.ts';
import { formatMs, formatPct, withMore } from '../../reporter/format.ts';
import { nearestRank, percentileOrNull } from '../../lib/stats.ts';
import { latencyStats } from '../../reporter/latency.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

test('nearest-rank percentiles of 1..10 are p50 5, p95 10, p99 10', () => {
  expect(latencyStats({ durations: range(10), censored: 0 })).toMatchObject({ n: 10, p50: 5, p95: 10, p99: 10, max: 10 });
});

test('nearest-rank p95 of 1..20 is the 19th sample and p99 the 20th', () => {
  const sorted = range(20);
  expect([nearestRank(sorted, 50), nearestRank(sorted, 95), nearestRank(sorted, 99)]).toEqual([10, 19, 20]);
});

test('nearest-rank of 1..100 picks the sample at rank ceil(p * n / 100)', () => {
  const sorted = range(100);
  expect([
    nearestRank(sorted, 1),
    nearestRank(sorted, 50),
    nearestRank(sorted, 95),
    nearestRank(sorted, 99),
    nearestRank(sorted, 100),
  ]).toEqual([1, 50, 95, 99, 100]);
});

test('every percentile of a single sample is that sample', () => {
  expect(latencyStats({ durations: [42], censored: 0 })).toEqual({ n: 1, p50: 42, p95: 42, p99: 42, max: 42, censored: 0, lowN: true });
});

test('sorts unsorted samples before ranking', () => {
  expect(latencyStats({ durations: [9, 1, 5, 3, 7], censored: 0 })).toMatchObject({ p50: 5, p95: 9, max: 9 });
});

test('keeps a timed-out sample at its duration and counts it as censored', () => {
  const stats = latencyStats({ durations: [100, 200, 30_000], censored: 1 });
  expect(stats).toMatchObject({ n: 3, p50: 200, p95: 30_000, p99: 30_000, max: 30_000, censored: 1 });
});

test(`marks percentiles from fewer than ${LOW_N} samples as low-n`, () => {
  expect(latencyStats({ durations: range(LOW_N - 1), censored: 0 }).lowN).toBe(true);
  expect(latencyStats({ durations: range(LOW_N), censored: 0 }).lowN).toBe(false);
});

test('refuses a percentile of no samples or outside (0, 100], naming the value', () => {
  expect(() => nearestRank([], 95)).toThrow('percentile p95 of an empty sample set is undefined');
  expect(() => nearestRank([1], 0)).toThrow('percentile p=0 is not in (0, 100]');
  expect(percentileOrNull([], 95)).toBeNull();
});

test('formats milliseconds, ratios and example lists for humans', () => {
  expect([formatMs(4.25), formatMs(820.4), formatMs(1_000), formatMs(2_140), formatMs(210_000), formatMs(null)]).toEqual([
    '4.3 ms',
    '820 ms',
    '1 s',
    '2.1 s',
    '3.5 min',
    '—',
  ]);
  expect([formatPct(0), formatPct(0.0123), formatPct(0.5), formatPct(null)]).toEqual(['0%', '1.23%', '50%', '—']);
  expect(withMore(['a', 'b'], 5)).toBe('a, b +3 more');
  expect(withMore(['a', 'b'], 2, '; ')).toBe('a; b');
});
