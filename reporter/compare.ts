// A run against a baseline run, per stage and op: p50/p95/p99 and the success rate side by side with their deltas.
// Two runs on one host differ by more than their samples' noise (a busier host slows every op), so a delta is flagged
// only when all of these, computed from the samples, hold: the op's p50 moved beyond the stage's run-wide shift (the
// median of the other ops', compare-shift.ts) by more than SHIFT_K standard deviations of the other ops' shifts; its
// Mann-Whitney U test, the run-wide shift taken out, rejects "same distribution" below alpha / comparisons (Bonferroni
// over every comparison made); and the delta's bootstrap confidence interval excludes 0 the same way. Stages and ops
// measured in one run only are listed as such, never compared to zero. Pure: two reports in, a Comparison out.
import { stageName } from '../config/stages.ts';
import type { Comparison, OpComparison, PercentileDelta, StageComparison, SuccessComparison } from './compare-schema.ts';
import { bootstrapDifference, fisherExact, mannWhitney, SAMPLES_CAP, smallestUTestP, type Interval } from './compare-stats.ts';
import { factor, logShift, runWideShift, SHIFT_K, SHIFT_MIN_OPS, SHIFT_MIN_SAMPLES, type RunWideShift } from './compare-shift.ts';
import { formatMs, formatPct } from './format.ts';
import type { Report, StageSummary } from './schema.ts';

export const COMPARE_DEFAULTS = { alpha: 0.05, ciLevel: 0.95, resamples: 2_000 } as const;

const PERCENTILES = [50, 95, 99] as const;
type Pct = `p${(typeof PERCENTILES)[number]}`;

/** `+1.5 s`, `-820 ms`, `+0 ms`. */
export const signedMs = (ms: number): string => `${ms < 0 ? '-' : '+'}${formatMs(Math.abs(ms))}`;
const formatP = (p: number): string => (p < 0.0001 ? p.toExponential(1) : String(Number(p.toPrecision(2))));
const formatAlpha = (a: number): string => String(Number(a.toPrecision(2)));

interface Family {
  perTestAlpha: number;
  ciLevel: number;
  resamples: number;
}

function compareOp(stage: number, op: string, base: StageSummary, run: StageSummary, shift: RunWideShift, family: Family): OpComparison {
  const b = base.ops[op]!;
  const r = run.ops[op]!;
  const bs = base.opSamples?.[op];
  const rs = run.opSamples?.[op];
  const side = (ci: Interval | null, p: Pct, flag: PercentileDelta['flag'] = null): PercentileDelta => ({
    baseline: b[p],
    run: r[p],
    delta: r[p] - b[p],
    ci,
    flag,
  });
  const unjudged = (verdict: OpComparison['verdict'], note: string): OpComparison => ({
    op,
    presence: 'both',
    baselineN: b.n,
    runN: r.n,
    p50: side(null, 'p50'),
    p95: side(null, 'p95'),
    p99: side(null, 'p99'),
    test: null,
    verdict,
    note,
  });
  if (!bs?.length || !rs?.length) {
    const which = !bs?.length && !rs?.length ? 'either report' : !bs?.length ? 'the baseline report' : "the run's report";
    return unjudged('no samples', `no samples in ${which} (written before report.json kept them): deltas shown, not judged`);
  }
  const needed = formatAlpha(family.perTestAlpha);
  if (smallestUTestP(bs.length, rs.length) >= family.perTestAlpha)
    return unjudged('not enough samples', `not enough samples (n=${bs.length}/${rs.length}): no U test of so few can reach p < ${needed}`);

  if (shift.spread === null)
    return unjudged(
      'not enough samples',
      `not enough samples (n=${bs.length}/${rs.length}; ${shift.ops} other ops with ${SHIFT_MIN_SAMPLES}+ samples in both runs, ` +
        `${SHIFT_MIN_OPS} needed to tell this op's change from a run-wide one)`,
    );
  const own = logShift(bs, rs);
  const beyond = own - shift.log;
  const scale = Math.exp(-shift.log);
  const test = mannWhitney(
    bs,
    rs.map((ms) => ms * scale),
  );
  const cis = PERCENTILES.map((p) =>
    bootstrapDifference(bs, rs, p, { resamples: family.resamples, level: family.ciLevel, seed: `${stage}:${op}:p${p}` }),
  );
  const direction = test.delta > 0 ? 'regression' : 'improvement';
  const outside = (ci: Interval) => (direction === 'regression' ? ci.low > 0 : ci.high < 0);
  const clearsSpread = Math.abs(beyond) > SHIFT_K * shift.spread;
  const significant =
    test.p < family.perTestAlpha && test.delta !== 0 && Math.sign(beyond) === Math.sign(test.delta) && clearsSpread && cis.some(outside);
  const [p50, p95, p99] = PERCENTILES.map((p, i) => side(cis[i]!, `p${p}`, significant && outside(cis[i]!) ? direction : null));
  const figures =
    `p50 ${factor(own)}, ${factor(beyond)} beyond the run-wide ${factor(shift.log)} (threshold ${factor(SHIFT_K * shift.spread)}); ` +
    `U test p=${formatP(test.p)} (flagged below ${needed}), Cliff's δ ${test.delta.toFixed(2)}`;
  return {
    op,
    presence: 'both',
    baselineN: b.n,
    runN: r.n,
    p50: p50!,
    p95: p95!,
    p99: p99!,
    test: { p: test.p, cliffsDelta: test.delta, method: test.method, logShift: own, beyondRunWide: beyond },
    verdict: significant ? direction : 'no significant change',
    note: significant ? `${direction}: ${figures}` : `within noise: ${figures}`,
  };
}

function compareSuccess(base: StageSummary, run: StageSummary, family: Family): SuccessComparison {
  const rate = (s: StageSummary) => ({ pass: s.pass, flows: s.flows, rate: s.flows > 0 ? s.pass / s.flows : null });
  const [b, r] = [rate(base), rate(run)];
  const out = (verdict: SuccessComparison['verdict'], p: number | null, note: string): SuccessComparison => ({
    baseline: b,
    run: r,
    delta: b.rate === null || r.rate === null ? null : r.rate - b.rate,
    p,
    verdict,
    note,
  });
  if (b.rate === null || r.rate === null) return out('no samples', null, 'a run had no flows in this stage');
  if (b.rate === r.rate) return out('no change', null, `the same success rate (${formatPct(r.rate)})`);
  const needed = formatAlpha(family.perTestAlpha);
  if (fisherExact(b.flows, b.flows, 0, r.flows) >= family.perTestAlpha)
    return out(
      'not enough samples',
      null,
      `not enough samples (n=${b.flows}/${r.flows} flows): no Fisher test of so few can reach p < ${needed}`,
    );
  const p = fisherExact(b.pass, b.flows, r.pass, r.flows);
  const direction = r.rate < b.rate ? 'regression' : 'improvement';
  const figures = `Fisher's exact p=${formatP(p)} (flagged below ${needed})`;
  return p < family.perTestAlpha
    ? out(direction, p, `${direction}: ${figures}`)
    : out('no significant change', p, `within noise: ${figures}`);
}

const byStage = (report: Report) => new Map(report.stages.map((s) => [s.stage, s]));
const sortedUnion = <T>(a: Iterable<T>, b: Iterable<T>, order?: (x: T, y: T) => number): T[] => [...new Set([...a, ...b])].sort(order);

/** Comparisons in the family: every op and success rate measured in both runs. */
function familySize(baseline: Map<number, StageSummary>, run: Map<number, StageSummary>): number {
  let m = 0;
  for (const [stage, b] of baseline) {
    const r = run.get(stage);
    if (!r) continue;
    m += Object.keys(b.ops).filter((op) => op in r.ops).length + (b.flows > 0 && r.flows > 0 ? 1 : 0);
  }
  return m;
}

function flagged(stages: readonly StageComparison[], direction: 'regression' | 'improvement'): string[] {
  return stages.flatMap((s) => [
    ...(s.success?.verdict === direction
      ? [`${stageName(s.stage)} success rate: ${formatPct(s.success.baseline.rate)} -> ${formatPct(s.success.run.rate)}`]
      : []),
    ...s.ops
      .filter((o) => o.verdict === direction)
      .map((o) => {
        const deltas = (['p50', 'p95', 'p99'] as const).flatMap((p) => (o[p]?.flag === direction ? [`${p} ${signedMs(o[p].delta)}`] : []));
        return `${stageName(s.stage)} ${o.op}: ${deltas.join(', ')}`;
      }),
  ]);
}

/** `run` compared with `baseline`; `baselineSource` says where the baseline was read from. */
export function compareReports(
  baseline: Report,
  run: Report,
  baselineSource: string,
  options: Partial<typeof COMPARE_DEFAULTS> = {},
): Comparison {
  const settings = { ...COMPARE_DEFAULTS, ...options };
  const [base, current] = [byStage(baseline), byStage(run)];
  const comparisons = familySize(base, current);
  const family: Family = {
    perTestAlpha: settings.alpha / Math.max(1, comparisons),
    ciLevel: settings.ciLevel,
    resamples: settings.resamples,
  };
  const only = (op: string, presence: 'baseline only' | 'run only', n: number): OpComparison => ({
    op,
    presence,
    baselineN: presence === 'baseline only' ? n : null,
    runN: presence === 'run only' ? n : null,
    p50: null,
    p95: null,
    p99: null,
    test: null,
    verdict: null,
    note: `measured in the ${presence === 'baseline only' ? 'baseline' : 'run'} only: not compared`,
  });
  const stages = sortedUnion(base.keys(), current.keys(), (x, y) => x - y).map((stage): StageComparison => {
    const b = base.get(stage);
    const r = current.get(stage);
    if (!b || !r) return { stage, presence: b ? 'baseline only' : 'run only', runWideShift: null, success: null, ops: [] };
    const samples = new Map(
      Object.keys(b.ops)
        .filter((op) => b.opSamples?.[op] && r.opSamples?.[op])
        .map((op) => [op, [b.opSamples![op]!, r.opSamples![op]!]] as const),
    );
    // Each op is judged against the shift of the others, so its own change cannot hide itself.
    const othersShift = (op: string) => runWideShift(new Map([...samples].filter(([other]) => other !== op)));
    const ops = sortedUnion(Object.keys(b.ops), Object.keys(r.ops)).map((op) =>
      !(op in r.ops)
        ? only(op, 'baseline only', b.ops[op]!.n)
        : !(op in b.ops)
          ? only(op, 'run only', r.ops[op]!.n)
          : compareOp(stage, op, b, r, othersShift(op), family),
    );
    return { stage, presence: 'both', runWideShift: runWideShift(samples), success: compareSuccess(b, r, family), ops };
  });
  return {
    baseline: { runId: baseline.runId, source: baselineSource, generatedAt: baseline.generatedAt },
    run: { runId: run.runId, generatedAt: run.generatedAt },
    method: {
      alpha: settings.alpha,
      comparisons,
      perTestAlpha: family.perTestAlpha,
      ciLevel: settings.ciLevel,
      shiftK: SHIFT_K,
      resamples: settings.resamples,
      samplesCap: SAMPLES_CAP,
      description:
        `An op is flagged only when all of these hold: its p50 moved beyond the stage's run-wide shift (the median of the ` +
        `other ops' shifts: what a busier host does to all of them) by more than ${SHIFT_K} standard deviations of the other ` +
        `ops' shifts; its Mann-Whitney U test on the two runs' samples, the run-wide shift taken out, gives ` +
        `p < ${formatAlpha(family.perTestAlpha)} (α ${settings.alpha} over ${comparisons} comparisons, Bonferroni); and a ` +
        `delta's ${settings.ciLevel * 100}% bootstrap interval (${settings.resamples} resamples) excludes 0 the same way ` +
        `(those deltas are the ones flagged). A success rate is flagged when Fisher's exact test gives p below the same ` +
        `bound. Too few samples for that: "not enough samples". A shift of every op together is shown, never flagged: ` +
        `two runs cannot tell a busier host from a change that slows everything.`,
    },
    stages,
    regressions: flagged(stages, 'regression'),
    improvements: flagged(stages, 'improvement'),
  };
}
