// Issue 15 item 2: a run compared with a baseline flags a delta only when it clears the noise threshold computed from
// the samples; what one run lacks is listed, never compared to zero; too few samples say so.
import { expect, test } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareReports } from '../../reporter/compare.ts';
import { withBaseline } from '../../reporter/compare-load.ts';
import { COMPARISON_HEADING, renderComparison } from '../../reporter/compare-render.ts';
import { syntheticRun } from '../../reporter/compare-synthetic.ts';
import { renderMarkdown } from '../../reporter/render-markdown.ts';
import { Report } from '../../reporter/schema.ts';

const verdicts = (report: ReturnType<typeof compareReports>) =>
  Object.fromEntries(report.stages.flatMap((s) => s.ops.map((o) => [o.op, o.verdict])));

test('identical sample sets: nothing flagged, every delta 0 and every interval around 0', () => {
  const run = syntheticRun({ runId: 'a', flows: 40, seed: 'same' });
  const comparison = compareReports(run, { ...run, runId: 'b' }, 'reports/a/report.json');
  expect(comparison.regressions).toEqual([]);
  expect(comparison.improvements).toEqual([]);
  for (const op of comparison.stages[0]!.ops) {
    expect(op.verdict, op.op).toBe('no significant change');
    expect(op.p95!.delta).toBe(0);
    expect(op.p95!.ci!.low).toBeLessThanOrEqual(0);
    expect(op.p95!.ci!.high).toBeGreaterThanOrEqual(0);
  }
  expect(comparison.stages[0]!.success!.verdict).toBe('no change');
});

test('two runs of one distribution with different scatter: nothing flagged', () => {
  const a = syntheticRun({ runId: 'a', flows: 40, seed: 'one' });
  const b = syntheticRun({ runId: 'b', flows: 40, seed: 'two' });
  expect(compareReports(a, b, 'a').regressions).toEqual([]);
});

test('a shifted distribution with enough samples is a regression on that op only, its deltas flagged', () => {
  const a = syntheticRun({ runId: 'a', flows: 12, seed: 'one' });
  const b = syntheticRun({ runId: 'b', flows: 12, seed: 'two', add: { createPaymentIntent: 1_500 } });
  const comparison = compareReports(a, b, 'a');
  expect(comparison.regressions).toHaveLength(1);
  expect(comparison.regressions[0]).toMatch(/^C2 createPaymentIntent: p50 \+1\.\d s, p95 \+1\.\d s, p99 \+1\.\d s$/);
  const { createPaymentIntent, ...others } = verdicts(comparison);
  expect(createPaymentIntent).toBe('regression');
  expect(new Set(Object.values(others))).toEqual(new Set(['no significant change']));
  const op = comparison.stages[0]!.ops.find((o) => o.op === 'createPaymentIntent')!;
  expect(op.p95!.flag).toBe('regression');
  expect(op.p95!.ci!.low).toBeGreaterThan(1_000);
  expect(op.note).toMatch(/^regression: p50 ×\d+/);
});

test('a faster op is an improvement, not a regression', () => {
  const a = syntheticRun({ runId: 'a', flows: 12, seed: 'one', add: { register: 2_000 } });
  const b = syntheticRun({ runId: 'b', flows: 12, seed: 'two' });
  const comparison = compareReports(a, b, 'a');
  expect(comparison.regressions).toEqual([]);
  expect(comparison.improvements).toEqual([expect.stringMatching(/^C2 register: p50 -2 s/)]);
});

test('every op slower by one factor (a busier host) is shown as the run-wide shift and flags nothing', () => {
  const a = syntheticRun({ runId: 'a', flows: 40, seed: 'one' });
  const b = syntheticRun({ runId: 'b', flows: 40, seed: 'two', factor: 3 });
  const comparison = compareReports(a, b, 'a');
  expect(comparison.regressions).toEqual([]);
  expect(Math.exp(comparison.stages[0]!.runWideShift!.log)).toBeCloseTo(3, 0);
  expect(renderComparison(comparison).join('\n')).toMatch(/Run-wide shift: ×(2\.[89]|3\.[01])/);
});

test('too few samples: "not enough samples (n=…)", deltas shown, nothing flagged', () => {
  const a = syntheticRun({ runId: 'a', flows: 3, seed: 'one' });
  const b = syntheticRun({ runId: 'b', flows: 3, seed: 'two', add: { createPaymentIntent: 1_500 } });
  const comparison = compareReports(a, b, 'a');
  expect(comparison.regressions).toEqual([]);
  const op = comparison.stages[0]!.ops.find((o) => o.op === 'createPaymentIntent')!;
  expect(op.verdict).toBe('not enough samples');
  expect(op.note).toMatch(/^not enough samples \(n=3\/3\)/);
  expect(op.p50!.delta).toBeGreaterThan(1_000);
  expect(comparison.stages[0]!.success!.verdict).toBe('no change');
});

test("a success rate is compared with Fisher's exact test; two flows each are not enough", () => {
  const few = compareReports(
    syntheticRun({ runId: 'a', flows: 2, seed: 'x' }),
    syntheticRun({ runId: 'b', flows: 2, seed: 'y', failed: 2 }),
    'a',
  );
  expect(few.stages[0]!.success).toMatchObject({ verdict: 'not enough samples', delta: -1 });
  const many = compareReports(
    syntheticRun({ runId: 'a', flows: 30, seed: 'x' }),
    syntheticRun({ runId: 'b', flows: 30, seed: 'y', failed: 20 }),
    'a',
  );
  expect(many.stages[0]!.success!.verdict).toBe('regression');
  expect(many.regressions).toContain('C2 success rate: 100% -> 33.3%');
});

test('stages and ops in one run only are listed as such, never compared to zero', () => {
  const a = syntheticRun({ runId: 'a', flows: 8, seed: 'x', stage: 1 });
  const b = syntheticRun({ runId: 'b', flows: 8, seed: 'y', stage: 2 });
  const stages = compareReports(a, b, 'a').stages;
  expect(stages.map((s) => [s.stage, s.presence, s.ops.length])).toEqual([
    [1, 'baseline only', 0],
    [2, 'run only', 0],
  ]);
  const { login: _dropped, ...fewer } = {
    register: 120,
    login: 90,
    createRequest: 60,
    createOffer: 80,
    acceptOffer: 50,
    sellerDelivery: 30,
  };
  const c = compareReports(
    syntheticRun({ runId: 'a', flows: 8, seed: 'x' }),
    syntheticRun({ runId: 'b', flows: 8, seed: 'y', ops: fewer }),
    'a',
  );
  const login = c.stages[0]!.ops.find((o) => o.op === 'login')!;
  expect(login).toMatchObject({ presence: 'baseline only', baselineN: 8, runN: null, p50: null, verdict: null });
  expect(renderComparison(c).join('\n')).toContain('| login | 8 → — | measured in the baseline only: not compared |');
});

test('reports written before samples were kept still parse, and their deltas are shown unjudged', () => {
  const a = syntheticRun({ runId: 'a', flows: 12, seed: 'x' });
  const old = Report.parse(JSON.parse(JSON.stringify({ ...a, stages: a.stages.map(({ opSamples: _, ...s }) => s) })));
  const comparison = compareReports(old, syntheticRun({ runId: 'b', flows: 12, seed: 'y', add: { login: 1_500 } }), 'a');
  expect(comparison.regressions).toEqual([]);
  expect(new Set(Object.values(verdicts(comparison)))).toEqual(new Set(['no samples']));
});

test('report.json keeps at most 2000 samples per op, sorted, as evenly spaced ranks', () => {
  const big = syntheticRun({ runId: 'a', flows: 5_000, seed: 'x', ops: { login: 90 } });
  const samples = big.stages[0]!.opSamples!.login!;
  expect(samples).toHaveLength(2_000);
  expect([...samples].sort((x, y) => x - y)).toEqual(samples);
  expect(samples[999]).toBeCloseTo(big.stages[0]!.ops.login!.p50, 0);
});

test('BASELINE adds the comparison to report.json and a "Comparison with baseline" section at the end of report.md', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baseline-'));
  writeFileSync(join(dir, 'report.json'), JSON.stringify(syntheticRun({ runId: 'base', flows: 12, seed: 'x' })));
  const run = syntheticRun({ runId: 'run', flows: 12, seed: 'y', add: { createPaymentIntent: 1_500 } });
  expect(withBaseline(run, undefined)).toBe(run);
  const compared = withBaseline(run, dir);
  expect(compared.comparison?.baseline).toMatchObject({ runId: 'base', source: join(dir, 'report.json') });
  expect(Report.parse(JSON.parse(JSON.stringify(compared))).comparison?.regressions).toHaveLength(1);
  const markdown = renderMarkdown(compared);
  expect(markdown.indexOf(`## ${COMPARISON_HEADING}`)).toBeGreaterThan(markdown.indexOf('## Decisions'));
  expect(markdown).toContain('- C2 createPaymentIntent: p50 +1.');
  expect(renderMarkdown(run)).not.toContain(COMPARISON_HEADING);
});
