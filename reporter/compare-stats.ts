// The statistics of a comparison between two runs, pure and deterministic: the compact sample list report.json keeps
// per op, the Mann-Whitney U test on two sample sets (exact for small sets without ties, else the normal approximation
// with tie correction), Cliff's delta, a bootstrap confidence interval of the difference of a nearest-rank percentile,
// and Fisher's exact test of two success rates.

/** Samples report.json keeps per op and stage at most; more are thinned to evenly spaced quantiles. */
export const SAMPLES_CAP = 2_000;

/**
 * The op's durations as report.json keeps them: sorted, rounded to 0.1 ms, and when there are more than `cap`, the
 * sample at each of `cap` evenly spaced ranks (deterministic, keeps the distribution's shape and its percentiles).
 */
export function compactSamples(durations: readonly number[], cap = SAMPLES_CAP): number[] {
  const sorted = Float64Array.from(durations).sort();
  const n = sorted.length;
  const picked = n <= cap ? Array.from(sorted) : Array.from({ length: cap }, (_, i) => sorted[Math.floor(((i + 0.5) * n) / cap)]!);
  return picked.map((ms) => Math.round(ms * 10) / 10);
}

/** mulberry32 seeded from a string: the same comparison gives the same intervals every time. */
export function seededRandom(seed: string): () => number {
  let a = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) a = Math.imul(a ^ seed.charCodeAt(i), 0x01000193);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** erfc with fractional error below 1.2e-7 (Numerical Recipes' erfcc). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

/**
 * Exact two-sided p of a rank sum: over every way to pick `k` of the `ranks2` (doubled midranks, so ties stay
 * integers), the share whose sum lies at least as far from its mean as `observed2` does.
 */
function exactRankSumP(ranks2: readonly number[], k: number, observed2: number): number {
  const max = ranks2.reduce((sum, r) => sum + r, 0);
  const ways = Array.from({ length: k + 1 }, () => new Float64Array(max + 1));
  ways[0]![0] = 1;
  for (const r of ranks2)
    for (let j = k; j >= 1; j--) {
      const [from, to] = [ways[j - 1]!, ways[j]!];
      for (let sum = max; sum >= r; sum--) to[sum]! += from[sum - r]!;
    }
  const mean2 = k * (ranks2.length + 1);
  const distance = Math.abs(observed2 - mean2);
  let total = 0;
  let tail = 0;
  ways[k]!.forEach((count, sum) => {
    total += count;
    if (Math.abs(sum - mean2) >= distance - 1e-9) tail += count;
  });
  return Math.min(1, tail / total);
}

export interface MannWhitney {
  /** Pairs (baseline, run) with the run's sample larger, ties counted half. */
  u: number;
  /** Two-sided p-value of "both sets come from one distribution". */
  p: number;
  /** Cliff's delta in -1..1: > 0 the run's samples tend to be larger (slower). */
  delta: number;
  method: 'exact' | 'normal';
}

const EXACT_MAX_N = 60;

/** Mann-Whitney U test of `run` against `baseline` (each non-empty): exact (ties too) up to EXACT_MAX_N samples in all. */
export function mannWhitney(baseline: readonly number[], run: readonly number[]): MannWhitney {
  const n1 = baseline.length;
  const n2 = run.length;
  const all = [...baseline.map((v) => ({ v, run: false })), ...run.map((v) => ({ v, run: true }))].sort((a, b) => a.v - b.v);
  let rankSumRun = 0;
  let tieTerm = 0;
  const ranks2: number[] = [];
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const midrank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      ranks2.push(2 * midrank);
      if (all[k]!.run) rankSumRun += midrank;
    }
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const u = rankSumRun - (n2 * (n2 + 1)) / 2;
  const pairs = n1 * n2;
  const delta = (2 * u) / pairs - 1;
  const extreme = Math.min(u, pairs - u);
  if (n1 + n2 <= EXACT_MAX_N) return { u, p: exactRankSumP(ranks2, n2, 2 * rankSumRun), delta, method: 'exact' };
  const n = n1 + n2;
  const variance = (pairs / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, p: 1, delta, method: 'normal' };
  const z = Math.max(0, pairs / 2 - extreme - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, erfc(z / Math.SQRT2)), delta, method: 'normal' };
}

/** The smallest two-sided p-value the U test can give with these set sizes (complete separation, no ties). */
export function smallestUTestP(n1: number, n2: number): number {
  let c = 1;
  for (let i = 1; i <= Math.min(n1, n2); i++) c = (c * (n1 + n2 - Math.min(n1, n2) + i)) / i;
  return Math.min(1, 2 / c);
}

/** A standard normal variate (Box-Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape >= 1) variate, Marsaglia-Tsang. */
function gamma(shape: number, random: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/**
 * The nearest-rank p-th percentile of one bootstrap resample of `sorted`, drawn directly: it is the k-th smallest of
 * n draws, whose index into `sorted` is floor(n * U(k)) with U(k) ~ Beta(k, n - k + 1). O(1) instead of a resample.
 */
function bootstrapPercentile(sorted: Float64Array, p: number, random: () => number): number {
  const n = sorted.length;
  const k = Math.max(1, Math.ceil((p * n) / 100));
  const x = gamma(k, random);
  const beta = x / (x + gamma(n - k + 1, random));
  return sorted[Math.min(n - 1, Math.floor(beta * n))]!;
}

export interface Interval {
  low: number;
  high: number;
}

/** Percentile-method bootstrap confidence interval of percentile_p(run) - percentile_p(baseline). */
export function bootstrapDifference(
  baseline: readonly number[],
  run: readonly number[],
  p: number,
  options: { resamples: number; level: number; seed: string },
): Interval {
  const random = seededRandom(options.seed);
  const a = Float64Array.from(baseline).sort();
  const b = Float64Array.from(run).sort();
  const diffs = new Float64Array(options.resamples);
  for (let i = 0; i < options.resamples; i++) diffs[i] = bootstrapPercentile(b, p, random) - bootstrapPercentile(a, p, random);
  diffs.sort();
  const tail = (1 - options.level) / 2;
  const at = (q: number) => diffs[Math.min(diffs.length - 1, Math.max(0, Math.round(q * (diffs.length - 1))))]!;
  return { low: at(tail), high: at(1 - tail) };
}

function logFactorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}

/** Fisher's exact test (two-sided) of passed/total in the baseline against passed/total in the run. */
export function fisherExact(basePass: number, baseTotal: number, runPass: number, runTotal: number): number {
  const passes = basePass + runPass;
  const total = baseTotal + runTotal;
  const logP = (a: number) =>
    logFactorial(passes) +
    logFactorial(total - passes) +
    logFactorial(baseTotal) +
    logFactorial(runTotal) -
    logFactorial(total) -
    logFactorial(a) -
    logFactorial(baseTotal - a) -
    logFactorial(passes - a) -
    logFactorial(runTotal - passes + a);
  const observed = logP(basePass);
  let p = 0;
  for (let a = Math.max(0, passes - runTotal); a <= Math.min(baseTotal, passes); a++) {
    const lp = logP(a);
    if (lp <= observed + 1e-9) p += Math.exp(lp);
  }
  return Math.min(1, p);
}
