import { expect, test } from '@playwright/test';
import type { CallSample } from '../../contract/worker-result.ts';
import { chartSpecs, MAX_SCATTER_POINTS, renderSvg } from '../../reporter/charts.ts';
import { summarize } from '../../reporter/summarize.ts';
import { aggregate100k, baseWorkerResult } from '../../reporter/synthetic.ts';

const call = (op: string, startedAt: number, durationMs: number): CallSample => ({
  op,
  status: 200,
  outcome: 'ok',
  startedAt,
  durationMs,
  timedOut: false,
});
const meta = {
  runId: 'charts',
  mode: 'status' as const,
  target: null,
  versions: {},
  gitSha: null,
  levels: [1, 2],
  generatedAt: '2026-06-06T00:00:00.000Z',
};

test('one chart per kind and a latency-over-time chart per stage; no notification chart without notifications', () => {
  const results = [1, 2].map((stage) => baseWorkerResult({ stage, calls: [call('login', 1_000, 120), call('createRequest', 1_200, 300)] }));
  const charts = chartSpecs(summarize(results, meta), results);
  expect(charts.map((c) => [c.file, c.section])).toEqual([
    ['p95-by-operation.svg', 'stages'],
    ['flows-per-second.svg', 'stages'],
    ['latency-over-time-C1.svg', 'stages'],
    ['latency-over-time-C2.svg', 'stages'],
  ]);
});

test('the latency-over-time scatter keeps every k-th call past its point limit and says so', () => {
  const calls = Array.from({ length: MAX_SCATTER_POINTS * 2 + 1 }, (_, i) => call('login', i, 10));
  const results = [baseWorkerResult({ stage: 1, calls })];
  const scatter = chartSpecs(summarize(results, meta), results).find((c) => c.file === 'latency-over-time-C1.svg')!;
  expect(scatter.title).toBe('C1: call latency over time (1 in 3 calls shown)');
  expect((scatter.spec.data as { values: unknown[] }).values).toHaveLength(Math.ceil(calls.length / 3));
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
  expect(charts.map((c) => c.file)).toContain('notification-latency.svg');
  const svg = await renderSvg(charts.find((c) => c.file === 'p95-by-operation.svg')!.spec);
  expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  expect(svg).toContain('p95 latency per operation by stage');
});

test('the benchmark hook summarizes synthetic flows over every default stage', () => {
  const { flows, report, summarizeMs } = aggregate100k(1_400);
  expect(flows).toBe(1_400);
  expect(report.stages.map((s) => s.flows)).toEqual([200, 200, 200, 200, 200, 200, 200]);
  expect(summarizeMs).toBeGreaterThan(0);
});
