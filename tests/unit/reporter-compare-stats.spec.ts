// The statistics behind a comparison (reporter/compare-stats.ts), against values worked out by hand or by R.
import { expect, test } from '@playwright/test';
import { bootstrapDifference, compactSamples, fisherExact, mannWhitney, smallestUTestP } from '../../reporter/compare-stats.ts';

const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

test("Mann-Whitney, exact: complete separation of 6 and 6 gives p = 2 / C(12, 6), Cliff's delta 1", () => {
  expect(mannWhitney(range(6), range(6, 7))).toEqual({ u: 36, p: 2 / 924, delta: 1, method: 'exact' });
  expect(smallestUTestP(6, 6)).toBeCloseTo(2 / 924, 12);
  // wilcox.test(c(1,2,3), c(1.5,2.5,3.5)): W = 3, p = 0.7
  expect(mannWhitney([1, 2, 3], [1.5, 2.5, 3.5])).toMatchObject({ u: 6, p: 0.7, method: 'exact' });
});

test('Mann-Whitney with ties is exact too, over midranks; large sets use the normal approximation with tie correction', () => {
  const tied = [1, 1, 2, 2, 3, 3, 4, 4];
  expect(mannWhitney(tied, tied)).toMatchObject({ p: 1, delta: 0, method: 'exact' });
  // Separated but for the 5 in both: the two ways to place that 5 at each extreme, 4 of the C(12, 6) = 924 splits.
  expect(mannWhitney([1, 2, 2, 3, 4, 5], [5, 6, 6, 7, 8, 9]).p).toBeCloseTo(4 / 924, 6);
  const shifted = mannWhitney(range(200), range(200, 41));
  expect(shifted.method).toBe('normal');
  expect(shifted.p).toBeLessThan(1e-6);
  expect(shifted.delta).toBeGreaterThan(0);
});

test("Fisher's exact test, two-sided: matrix(c(3,5,1,8)) gives 0.2941 (R)", () => {
  expect(fisherExact(3, 8, 1, 9)).toBeCloseTo(0.2941, 4);
  expect(fisherExact(2, 2, 0, 2)).toBeCloseTo(1 / 3, 6);
  expect(fisherExact(5, 5, 5, 5)).toBeCloseTo(1, 9);
});

test('the bootstrap interval of a percentile difference holds the true shift, and 0 for one set against itself', () => {
  const base = range(400).map((i) => 100 + ((i * 37) % 50));
  const ci = bootstrapDifference(
    base,
    base.map((ms) => ms + 20),
    95,
    { resamples: 2_000, level: 0.95, seed: 's' },
  );
  expect(ci.low).toBeLessThanOrEqual(20);
  expect(ci.high).toBeGreaterThanOrEqual(20);
  const same = bootstrapDifference(base, base, 50, { resamples: 2_000, level: 0.95, seed: 's' });
  expect(same.low).toBeLessThanOrEqual(0);
  expect(same.high).toBeGreaterThanOrEqual(0);
  expect(bootstrapDifference(base, base, 50, { resamples: 500, level: 0.95, seed: 's' })).toEqual(
    bootstrapDifference(base, base, 50, { resamples: 500, level: 0.95, seed: 's' }),
  );
});

test('compact samples: sorted, 0.1 ms, all of them up to the cap, evenly spaced ranks beyond', () => {
  expect(compactSamples([3.14159, 1.26, 2.04])).toEqual([1.3, 2, 3.1]);
  expect(
    compactSamples(
      range(10).map((i) => i * 1.234),
      4,
    ),
  ).toEqual([2.5, 4.9, 8.6, 11.1]);
  expect(compactSamples(range(10_000))).toHaveLength(2_000);
});
