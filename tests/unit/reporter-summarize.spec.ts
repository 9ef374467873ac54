// summarize: the run over its stages (safe concurrency, stages not run, gates, unreadable results, stop reason,
// failed conditions, metadata and infrastructure) and report.json's schema. One stage's figures:
// reporter-summarize-stage.spec.ts.
import { expect, test } from '@playwright/test';
import { reportJsonSchema } from '../../reporter/schema.ts';
import { summarize } from '../../reporter/summarize.ts';
import { stageFlow as flow } from './support/results.ts';
import { failed, meta, T0 } from './support/summarize-inputs.ts';

test('safe concurrency is the last stage of an unbroken passing run from the lowest: C1 pass, C2 fail, C4 pass gives 1', () => {
  const report = summarize([flow(1, 1), flow(2, 1), failed(2, 2), flow(4, 1)], meta([1, 2, 4]));
  expect(report.stages.map((s) => [s.stage, s.passed])).toEqual([
    [1, true],
    [2, false],
    [4, true],
  ]);
  expect(report.safeConcurrency).toBe(1);
  expect(report.overall).toBe('fail');
  expect(report.stopReason).toBe('C2 failed: 1 of 2 flows failed (product 1)');
});

test('safe concurrency is null when C1 fails, and the highest stage when all pass', () => {
  expect(summarize([failed(1, 1), flow(2, 1)], meta([1, 2])).safeConcurrency).toBeNull();
  const allPass = summarize([flow(1, 1), flow(2, 1), flow(2, 2)], meta([1, 2]));
  expect(allPass).toMatchObject({ safeConcurrency: 2, overall: 'pass', stopReason: null, stagesNotRun: [] });
});

test('a selected stage without results breaks the ramp and is listed as not run', () => {
  const report = summarize([flow(1, 1), flow(4, 1)], meta([1, 2, 4, 8]));
  expect(report).toMatchObject({
    safeConcurrency: 1,
    stagesNotRun: [2, 8],
    overall: 'fail',
    stopReason: 'C2 produced no worker results; not run: C8',
  });
});

test('a failed gate fails its stage; a stage without a gate has gate null', () => {
  const report = summarize(
    [flow(1, 1), flow(2, 1)],
    meta([1, 2], { gates: { 2: { passed: false, reasons: ['p95 payment intent 11 s > 10 s'] } } }),
  );
  expect(report.stages[0]!.gate).toBeNull();
  expect(report.stages[1]).toMatchObject({ passed: false, gate: { passed: false, reasons: ['p95 payment intent 11 s > 10 s'] } });
  expect(report.stopReason).toBe('C2 failed: gate: p95 payment intent 11 s > 10 s');
});

test('unreadable worker results count against their stage; unattributed ones fail the run', () => {
  const report = summarize([flow(1, 1)], meta([1, 2], { collectionErrors: [{ stage: 2, test: 'C2 › flow', message: 'not JSON' }] }));
  expect(report.stages[1]).toMatchObject({ stage: 2, flows: 0, collectionErrors: 1, passed: false });
  expect(report.stopReason).toBe('C2 failed: no readable worker results; 1 worker results missing or unreadable');
  const unattributed = summarize([flow(1, 1)], meta([1], { collectionErrors: [{ stage: null, test: 'x', message: 'not JSON' }] }));
  expect(unattributed).toMatchObject({
    overall: 'fail',
    safeConcurrency: 1,
    stopReason: '1 test results could not be attributed to a stage',
  });
});

test('a stop reason given by the ramp runner wins over the derived one', () => {
  expect(summarize([failed(1, 1)], meta([1], { stopReason: 'the Playwright run ended interrupted' })).stopReason).toBe(
    'the Playwright run ended interrupted',
  );
});

test('report carries metadata, first flow start, and infrastructure rows or why there are none', () => {
  const rows = [
    {
      stage: 2,
      backend: '40% / 300 MB',
      scanner: '5% / 80 MB',
      mongo: 'n/a',
      postgres: '20% / 200 MB, 12 conns',
      redis: 'n/a',
      restarts: 0,
    },
  ];
  const withRows = summarize(
    [flow(2, 1, { startedAt: T0 + 5, endedAt: T0 + 10 }), flow(2, 2, { startedAt: T0, endedAt: T0 + 10 })],
    meta([2], { infrastructure: rows }),
  );
  expect(withRows).toMatchObject({ runId: 'run-1', mode: 'status', startedAt: T0, infrastructure: { rows, unavailableReason: null } });
  const without = summarize([], meta([1], { infraUnavailableReason: 'the sampler is not wired in yet' }));
  expect(without).toMatchObject({
    overall: 'not-measured',
    stopReason: 'no flow ran, nothing was measured',
    safeConcurrency: null,
    stages: [],
    startedAt: null,
    infrastructure: { rows: [], unavailableReason: 'the sampler is not wired in yet' },
  });
});

test("report.json's JSON Schema requires the fields ARCHITECTURE.md names", () => {
  const schema = reportJsonSchema() as { required: string[]; properties: { stages: { items: { required: string[] } } } };
  expect(schema.required).toEqual(
    expect.arrayContaining(['runId', 'mode', 'target', 'versions', 'overall', 'safeConcurrency', 'stopReason', 'stages']),
  );
  expect(schema.properties.stages.items.required).toEqual(
    expect.arrayContaining([
      'stage',
      'workers',
      'pass',
      'fail',
      'flowsPerSec',
      'ops',
      'fiveXXRate',
      'notifications',
      'correctness',
      'gate',
    ]),
  );
});

test('failedConditions names every stop condition that fails the run, one per line, by stage; empty when it passes', () => {
  const report = summarize(
    [flow(1, 1), flow(2, 1), failed(2, 2)],
    meta([1, 2, 4], {
      gates: { 2: { passed: false, reasons: ['HTTP 5xx rate 2.0% above 1.0% in C2', 'component restarts during C2: backend 1'] } },
    }),
  );
  expect(report.overall).toBe('fail');
  expect(report.failedConditions).toEqual([
    'C2: 1 of 2 flows failed (product 1)',
    'C2: gate: HTTP 5xx rate 2.0% above 1.0% in C2',
    'C2: gate: component restarts during C2: backend 1',
    'C4: selected but not run (no worker results)',
  ]);
  expect(summarize([flow(1, 1)], meta([1])).failedConditions).toEqual([]);
});
