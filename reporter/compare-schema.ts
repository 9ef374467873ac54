// A comparison of a run with a baseline run (reporter/compare.ts): compare.json, and `comparison` in report.json when
// the run had BASELINE set. Declared once here; reporter/schema.ts puts it in the Report.
import { z } from 'zod';

export const Verdict = z.enum(['regression', 'improvement', 'no significant change', 'no change', 'not enough samples', 'no samples']);
export type Verdict = z.infer<typeof Verdict>;

/** Where a stage or op was measured: in both runs, or in one only (then it is listed, never compared to zero). */
export const Presence = z.enum(['both', 'baseline only', 'run only']);
export type Presence = z.infer<typeof Presence>;

export const PercentileDelta = z.object({
  baseline: z.number(),
  run: z.number(),
  /** run - baseline, ms. */
  delta: z.number(),
  /** Bootstrap confidence interval of the delta (method.ciLevel); null without samples to resample. */
  ci: z.object({ low: z.number(), high: z.number() }).nullable(),
  /** Set only when the op's verdict is a regression or improvement and this delta's interval excludes 0 that way. */
  flag: z.enum(['regression', 'improvement']).nullable(),
});
export type PercentileDelta = z.infer<typeof PercentileDelta>;

export const OpComparison = z.object({
  op: z.string(),
  presence: Presence,
  /** Samples in each run (report.json's n); null where the op was not measured. */
  baselineN: z.number().int().nullable(),
  runN: z.number().int().nullable(),
  /** Nearest-rank percentiles side by side; null unless presence is both. */
  p50: PercentileDelta.nullable(),
  p95: PercentileDelta.nullable(),
  p99: PercentileDelta.nullable(),
  /**
   * Mann-Whitney U test of the baseline's samples against the run's with the stage's run-wide shift taken out: two-sided
   * p and Cliff's delta (> 0: the run is slower); `logShift` is ln(p50 run / p50 baseline), `beyondRunWide` that minus
   * the stage's run-wide shift.
   */
  test: z
    .object({
      p: z.number(),
      cliffsDelta: z.number(),
      method: z.enum(['exact', 'normal']),
      logShift: z.number(),
      beyondRunWide: z.number(),
    })
    .nullable(),
  verdict: Verdict.nullable(),
  /** The verdict in words, with its figures: `regression: U test p=0.0005 < 0.0045 ...`, `not enough samples (n=2/2) ...`. */
  note: z.string(),
});
export type OpComparison = z.infer<typeof OpComparison>;

const Rate = z.object({ pass: z.number().int().nonnegative(), flows: z.number().int().nonnegative(), rate: z.number().nullable() });

export const SuccessComparison = z.object({
  baseline: Rate,
  run: Rate,
  /** run rate - baseline rate; null when a run had no flows. */
  delta: z.number().nullable(),
  /** Fisher's exact test, two-sided; null when the rates are equal or a run had no flows. */
  p: z.number().nullable(),
  verdict: Verdict,
  note: z.string(),
});
export type SuccessComparison = z.infer<typeof SuccessComparison>;

export const StageComparison = z.object({
  stage: z.number().int().positive(),
  presence: Presence,
  /**
   * How much every op of the stage moved together (compare-shift.ts): median of the ops' ln(p50 run / p50 baseline),
   * the robust spread of those shifts and how many ops voted; null unless the stage ran in both.
   */
  runWideShift: z.object({ log: z.number(), spread: z.number().nullable(), ops: z.number().int().nonnegative() }).nullable(),
  /** null unless the stage ran in both. */
  success: SuccessComparison.nullable(),
  ops: z.array(OpComparison),
});
export type StageComparison = z.infer<typeof StageComparison>;

export const Comparison = z.object({
  baseline: z.object({ runId: z.string(), source: z.string(), generatedAt: z.string() }),
  run: z.object({ runId: z.string(), generatedAt: z.string() }),
  /** The noise threshold, stated: what a delta must clear to be flagged. */
  method: z.object({
    /** Family-wise error rate over every comparison (Bonferroni). */
    alpha: z.number(),
    /** Comparisons in the family: ops and success rates measured in both runs. */
    comparisons: z.number().int().nonnegative(),
    /** alpha / comparisons: what each test's p must be below. */
    perTestAlpha: z.number(),
    ciLevel: z.number(),
    /** An op's shift beyond its stage's run-wide shift must exceed this many times the ops' spread to be flagged. */
    shiftK: z.number(),
    resamples: z.number().int().positive(),
    /** Samples per op and stage report.json keeps at most (thinned to evenly spaced ranks beyond). */
    samplesCap: z.number().int().positive(),
    description: z.string(),
  }),
  stages: z.array(StageComparison),
  /** `C2 createPaymentIntent: p50 +1.5 s, p95 +1.5 s`: every flagged regression, the stage's success rate included. */
  regressions: z.array(z.string()),
  improvements: z.array(z.string()),
});
export type Comparison = z.infer<typeof Comparison>;
