// The run-wide shift between two runs of a stage: how much every op moved together. Two runs on one machine differ
// by more than their samples' noise: a busier host (other work, a cold cache) slows every op of the stage by a
// similar factor, and a U test on hundreds of samples calls that significant for each op. What only one op's change
// can explain is its shift beyond the run-wide one, judged against how much the ops' shifts spread. Pure.
import { nearestRank } from '../lib/stats.ts';

/** Ops with fewer samples on either side do not vote on the run-wide shift. */
export const SHIFT_MIN_SAMPLES = 2;
/** Fewer voting ops than this: no run-wide shift is estimated (0, spread unknown). */
export const SHIFT_MIN_OPS = 5;
/** An op's own shift beyond the run-wide one must exceed this many standard deviations of the other ops' shifts. */
export const SHIFT_K = 3;

export interface RunWideShift {
  /** Median over the voting ops of ln(p50 run / p50 baseline); 0 when too few ops voted. */
  log: number;
  /** Standard deviation of the voting ops' log shifts; null when too few voted. */
  spread: number | null;
  /** Ops that voted. */
  ops: number;
}

const median = (values: readonly number[]): number => nearestRank(Float64Array.from(values).sort(), 50);

/** ln(p50 of `run` / p50 of `baseline`), samples floored at 0.1 ms. */
export function logShift(baseline: readonly number[], run: readonly number[]): number {
  return Math.log(Math.max(0.1, median(run))) - Math.log(Math.max(0.1, median(baseline)));
}

/** The run-wide shift of a stage from each op's samples in both runs (op -> [baseline, run]). */
export function runWideShift(samples: ReadonlyMap<string, readonly [readonly number[], readonly number[]]>): RunWideShift {
  const shifts = [...samples.values()]
    .filter(([b, r]) => b.length >= SHIFT_MIN_SAMPLES && r.length >= SHIFT_MIN_SAMPLES)
    .map(([b, r]) => logShift(b, r));
  if (shifts.length < SHIFT_MIN_OPS) return { log: 0, spread: null, ops: shifts.length };
  const log = median(shifts);
  const mean = shifts.reduce((sum, s) => sum + s, 0) / shifts.length;
  const spread = Math.sqrt(shifts.reduce((sum, s) => sum + (s - mean) ** 2, 0) / (shifts.length - 1));
  return { log, spread, ops: shifts.length };
}

/** `x1.35`, `x0.8`: a log shift as a factor. */
export const factor = (log: number): string => `×${Number(Math.exp(log).toPrecision(3))}`;
