// The charts' specs and their takeaways (pure); tests/integration/charts-render.spec.ts renders them in Chromium.
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { CallSample } from '../../contract/worker-result.ts';
import { STARTING_LATENCY_GOALS } from '../../config/stages.ts';
import { chartSpecs, MAX_SCATTER_POINTS, renderSvg, type ChartSpec } from '../../reporter/charts.ts';
import { cpuFromCell, cpuTakeaway } from '../../reporter/charts-cpu.ts';
import { latencyTakeaway } from '../../reporter/charts-latency.ts';
import { summarize } from '../../reporter/summarize.ts';
import { aggregate100k, baseRunMeta, baseWorkerResult } from '../../reporter/synthetic.ts';
import { chartRun } from '../support/chart-run.ts';

const call = (op: string, startedAt: number, durationMs: number): CallSample => ({
  op,
  status: 200,
  outcome: 'ok',
  startedAt,
  durationMs,
  timedOut: false,
});
const meta = baseRunMeta({ runId: 'charts', levels: [1, 2] });
const byFile = (charts: ChartSpec[], file: string): ChartSpec => charts.find((c) => c.file === file)!;
const stats = (p95: number) => ({ p50: p95 / 2, p95, p99: p95 * 1.5, n: 40 });

test('one chart per kind and a latency-over-time chart per stage; a chart with no data is a takeaway that says why', () => {
  const results = [1, 2].map((stage) => baseWorkerResult({ stage, calls: [call('login', 1_000, 120), call('createRequest', 1_200, 300)] }));
  const charts = chartSpecs(summarize(results, meta), results, STARTING_LATENCY_GOALS);
  expect(charts.map((c) => [c.file, c.section, c.spec === null])).toEqual([
    ['latency-by-operation.svg', 'stages', false],
    ['flows-per-stage.svg', 'stages', false],
    ['latency-over-time-C1.svg', 'stages', false],
    ['latency-over-time-C2.svg', 'stages', false],
    ['notification-latency.svg', 'notifications', true],
    ['cpu-by-stage.svg', 'infrastructure', true],
  ]);
  expect(byFile(charts, 'notification-latency.svg').takeaway).toBe('not measured (no flow expected a notification)');
  // No Infrastructure row and no load generator figures: every CPU figure is missing, and says why.
  expect(byFile(charts, 'cpu-by-stage.svg').takeaway).toBe(
    'not measured (runner (no load generator figures for the stage); backend, scanner, postgres, redis (no infrastructure sampler reported rows for these stages))',
  );
});

test('latency takeaway: the first stage each op crosses its p95 goal, earliest first; otherwise the closest to its goal', () => {
  const login = { label: 'login', goalMs: 1_000, points: [1, 2, 8].map((stage, i) => ({ stage, stats: stats([400, 900, 1_400][i]!) })) };
  const intent = { label: 'create payment intent', goalMs: 3_000, points: [1, 2, 8].map((stage) => ({ stage, stats: stats(3_100) })) };
  const offer = { label: 'create offer', goalMs: 1_500, points: [{ stage: 1, stats: stats(600) }] };
  expect(latencyTakeaway([login, intent, offer], 'operation', 3)).toBe(
    'create payment intent p95 is above its 3 s goal from C1 (3.1 s); login p95 crosses its 1 s goal at C8 (1.4 s)',
  );
  // Closest: login 900 / 1000 = 90% at C2 (create offer 600 / 1500 = 40%).
  expect(latencyTakeaway([{ ...login, points: login.points.slice(0, 2) }, offer], 'operation', 2)).toBe(
    "every operation's p95 is under its goal at every stage; closest: login 900 ms at C2, 90% of its 1 s goal",
  );
  expect(latencyTakeaway([{ ...offer, goalMs: null }], 'operation', 1)).toBe('no operation has a goal to judge against');
});

test('the goals are those in force: GOALS_FILE replaces the starting goal of the ops it names', ({}, testInfo) => {
  const results = [baseWorkerResult({ stage: 1, calls: [call('login', 0, 600)] })];
  const file = testInfo.outputPath('goals.json');
  writeFileSync(file, JSON.stringify({ version: 1, goals: { login: { p50: 200, p95: 500, p99: 900 } } }));
  const before = process.env.GOALS_FILE;
  process.env.GOALS_FILE = file;
  try {
    const charts = chartSpecs(summarize(results, baseRunMeta({ levels: [1] })), results);
    expect(byFile(charts, 'latency-by-operation.svg').takeaway).toBe('login p95 is above its 500 ms goal at C1 (600 ms)');
  } finally {
    if (before === undefined) delete process.env.GOALS_FILE;
    else process.env.GOALS_FILE = before;
  }
});

test('flows and CPU takeaways from a ramp: throughput peak, success, runner against the busiest component, what is missing', () => {
  const { report, results } = chartRun([1, 8, 16]);
  report.stages[2]!.pass -= 1; // C16 needs 99%: 59 of 60 is 98.3%
  const charts = chartSpecs(report, results, STARTING_LATENCY_GOALS);
  expect(byFile(charts, 'flows-per-stage.svg').takeaway).toMatch(
    / passed flows\/s at C\d+.*; success below the required rate at C16 \(98\.3% < 99%\)$/,
  );
  // chartRun: runner 0.12 + 16/80 = 32% at C16, not measured at C1; backend 8 + 16 * 2.2 = 43%; redis never sampled.
  expect(byFile(charts, 'cpu-by-stage.svg').takeaway).toBe(
    'C16: runner 32% of the host, busiest target component backend 43% of one core; not measured: runner at C1 (first reading of the runner, no CPU delta yet); redis (REDIS_URL is not set)',
  );
});

test("a CPU figure comes from the row's `CPU avg`; a cell without one is missing with the cell's reason, never 0", () => {
  expect(cpuFromCell('CPU avg 24.4%, max 26.8%, RSS max 157.9 MB')).toEqual({ pct: 24.4, reason: null });
  expect(cpuFromCell('not measured (REDIS_URL is not set)')).toEqual({ pct: null, reason: 'REDIS_URL is not set' });
  expect(cpuFromCell('CPU avg not measured (first reading of pid 7, no CPU delta yet), RSS max 90 MB').reason).toBe(
    'first reading of pid 7, no CPU delta yet',
  );
  expect(cpuTakeaway([{ panel: 'backend', stage: 2, pct: null, reason: 'no pid' }])).toBe('not measured (backend (no pid))');
  expect(cpuTakeaway([{ panel: 'runner', stage: 64, pct: 90, reason: null }])).toBe(
    'C64: runner 90% of the host (above the 70% saturation limit), no target component measured',
  );
});

/** Every colour encoding of a spec, at any depth, with the values its field takes in the chart's data. */
function colourCategories(spec: unknown, values: Record<string, unknown>[]): { field: string; range: number; categories: number }[] {
  if (spec === null || typeof spec !== 'object') return [];
  const here = (spec as { encoding?: { color?: { field?: string; scale?: { range?: unknown[] } } } }).encoding?.color;
  const own = here?.field
    ? [{ field: here.field, range: here.scale?.range?.length ?? 0, categories: new Set(values.map((v) => v[here.field!])).size }]
    : [];
  return [...own, ...Object.values(spec).flatMap((child) => colourCategories(child, values))];
}

test('no panel has more colour categories than distinct colours: operations, types and components are panels', () => {
  const { report, results } = chartRun([1, 2, 4, 8, 16, 32, 64], 40);
  for (const chart of chartSpecs(report, results, STARTING_LATENCY_GOALS)) {
    const values = (chart.spec as unknown as { data: { values: Record<string, unknown>[] } }).data.values;
    for (const colour of colourCategories(chart.spec, values))
      expect(colour.categories, `${chart.file} ${colour.field}`).toBeLessThanOrEqual(colour.range);
  }
});

test('a single-stage run gets one panel with a row per operation, not a column of dots per panel', () => {
  const { report, results } = chartRun([8]);
  const spec = byFile(chartSpecs(report, results, STARTING_LATENCY_GOALS), 'latency-by-operation.svg').spec as unknown as {
    concat?: unknown;
    layer: { encoding: { y: { field: string } } }[];
  };
  expect(spec.concat).toBeUndefined();
  expect(spec.layer[0]!.encoding.y.field).toBe('panel');
});

test('the latency-over-time scatter keeps every k-th call past its point limit and says so', () => {
  const calls = Array.from({ length: MAX_SCATTER_POINTS * 2 + 1 }, (_, i) => call('login', i, 10));
  const results = [baseWorkerResult({ stage: 1, calls })];
  const scatter = chartSpecs(summarize(results, meta), results).find((c) => c.file === 'latency-over-time-C1.svg')!;
  expect(scatter.title).toBe('C1: call latency over time (1 in 3 calls shown)');
  expect((scatter.spec as unknown as { data: { values: unknown[] } }).data.values).toHaveLength(Math.ceil(calls.length / 3));
});

test('renders a chart spec to SVG in Node', async () => {
  const results = [
    baseWorkerResult({
      stage: 1,
      calls: [call('login', 0, 120)],
      notifications: [{ step: 'offer_accepted', recipient: 'seller-1', observed: true, latencyMs: 640, duplicates: 0 }],
    }),
  ];
  const charts = chartSpecs(summarize(results, meta), results);
  expect(byFile(charts, 'notification-latency.svg').spec).not.toBeNull();
  const svg = await renderSvg(byFile(charts, 'latency-by-operation.svg').spec!);
  expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  expect(svg).toContain('Latency per operation by stage, against its goal');
});

test('the benchmark hook summarizes synthetic flows over every default stage', () => {
  const { flows, report, summarizeMs } = aggregate100k(1_400);
  expect(flows).toBe(1_400);
  expect(report.stages.map((s) => s.flows)).toEqual([200, 200, 200, 200, 200, 200, 200]);
  expect(summarizeMs).toBeGreaterThan(0);
});
