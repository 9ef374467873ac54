import { expect, test } from '@playwright/test';
import type { CallSample, NotificationResult, WorkerResult } from '../../contract/worker-result.ts';
import { reportJsonSchema } from '../../reporter/schema.ts';
import { summarize, summarizeStage, type RunMeta } from '../../reporter/summarize.ts';
import { baseWorkerResult } from '../../reporter/synthetic.ts';

const T0 = 1_780_000_000_000;
const meta = (levels: number[], extra: Partial<RunMeta> = {}): RunMeta => ({
  runId: 'run-1',
  mode: 'status',
  target: 'http://127.0.0.1:4000',
  versions: {},
  gitSha: null,
  levels,
  generatedAt: '2026-06-06T12:00:00.000Z',
  ...extra,
});
const call = (op: string, durationMs: number, extra: Partial<CallSample> = {}): CallSample => ({
  op,
  status: 200,
  outcome: 'ok',
  startedAt: T0,
  durationMs,
  timedOut: false,
  ...extra,
});
const note = (step: string, observed: boolean, latencyMs: number | null, extra: Partial<NotificationResult> = {}): NotificationResult => ({
  step,
  recipient: 'buyer',
  observed,
  latencyMs,
  duplicates: 0,
  ...extra,
});
const flow = (stage: number, n: number, extra: Partial<WorkerResult> = {}): WorkerResult =>
  baseWorkerResult({ stage, workerId: `C${stage}-W${String(n).padStart(2, '0')}`, ...extra });
const failed = (stage: number, n: number): WorkerResult =>
  flow(stage, n, {
    status: 'fail',
    classification: 'product',
    errors: [{ step: 'acceptOffer', message: 'answered 500', class: 'product' }],
  });

test('5xx rate is calls answered 5xx over calls answered with any status', () => {
  const calls = [
    call('login', 1, { status: 200 }),
    call('login', 1, { status: 500 }),
    call('login', 1, { status: 503 }),
    call('login', 1, { status: 404 }),
    call('login', 1, { status: null }),
  ];
  expect(summarizeStage(1, [flow(1, 1, { calls })], null, 0).fiveXXRate).toBe(0.5);
  expect(summarizeStage(1, [flow(1, 1, { calls: [call('login', 1, { status: null, outcome: 'info' })] })], null, 0).fiveXXRate).toBeNull();
});

test('aggregates calls per operation with timed-out calls kept as censored samples', () => {
  const calls = [
    call('login', 100),
    call('login', 300),
    call('login', 30_000, { status: null, outcome: 'info', timedOut: true }),
    call('acceptOffer', 50),
  ];
  const stage = summarizeStage(1, [flow(1, 1, { calls })], null, 0);
  expect(stage.ops.login).toEqual({ n: 3, p50: 300, p95: 30_000, p99: 30_000, max: 30_000, censored: 1, lowN: true });
  expect(Object.keys(stage.ops)).toEqual(['acceptOffer', 'login']);
});

test('aggregates notifications per step: expected, observed, missing with who, duplicates and p95 latency', () => {
  const stage = summarizeStage(
    2,
    [
      flow(2, 1, { notifications: [note('offer_accepted', true, 100), note('offer_rejected', true, 300, { duplicates: 2 })] }),
      flow(2, 2, {
        notifications: [note('offer_accepted', false, null, { recipient: 'seller-1' }), note('offer_rejected', true, 200)],
        correctness: { ...baseWorkerResult().correctness, wrongRecipient: 1 },
      }),
    ],
    null,
    0,
  );
  // These results predate misdeliveries by type (no `misdelivered`): the per-step wrong-recipient count is not measured (null), never 0.
  const byStep = { knownGap: 0, wrongRecipient: null, crossWorkerLeaks: null };
  expect(stage.notifications.steps).toEqual([
    {
      step: 'offer_accepted',
      expected: 2,
      observed: 1,
      missing: 1,
      duplicates: 0,
      p95LatencyMs: 100,
      missingExamples: ['C2-W02 → seller-1'],
      ...byStep,
    },
    { step: 'offer_rejected', expected: 2, observed: 2, missing: 0, duplicates: 2, p95LatencyMs: 300, missingExamples: [], ...byStep },
  ]);
  expect(stage.notifications).toMatchObject({
    expected: 4,
    observed: 3,
    missing: 1,
    wrongRecipient: 1,
    duplicates: 2,
    p50LatencyMs: 200,
    p95LatencyMs: 300,
  });
  expect(stage.ops.notification).toMatchObject({ n: 3, p50: 200, p95: 300 });
});

test('sums correctness counters over the flows and keeps the flows involved as evidence', () => {
  const zero = baseWorkerResult().correctness;
  const stage = summarizeStage(
    4,
    [
      flow(4, 1, {
        correctness: { ...zero, duplicateCredits: 2, ledgerInconsistencies: 1 },
        paymentId: 'pay-1',
        evidence: ['credited twice'],
      }),
      flow(4, 2, { correctness: { ...zero, duplicateCredits: 1, crossWorkerLeaks: 3 }, paymentId: 'pay-2' }),
      flow(4, 3),
    ],
    null,
    0,
  );
  expect(stage.correctness).toEqual({ ...zero, duplicateCredits: 3, ledgerInconsistencies: 1, crossWorkerLeaks: 3 });
  expect(stage.correctnessEvidence.duplicateCredits).toEqual({
    flows: 2,
    examples: ['C4-W01 payment pay-1 — credited twice', 'C4-W02 payment pay-2'],
  });
  expect(stage.passed).toBe(false);
});

test('counts pass, fail and interrupted flows and groups failures by class', () => {
  const stage = summarizeStage(4, [flow(4, 1), failed(4, 2), failed(4, 3), flow(4, 4, { status: 'interrupted' })], null, 0);
  expect(stage).toMatchObject({ flows: 4, pass: 1, fail: 3, interrupted: 1, passed: false });
  expect(stage.failures).toEqual([
    { class: 'product', count: 2, examples: ['C4-W02 acceptOffer: answered 500', 'C4-W03 acceptOffer: answered 500'] },
    { class: 'interrupted', count: 1, examples: ['C4-W04: interrupted with no error recorded'] },
  ]);
});

test('flows per second are passed flows over the wall time from first start to last end', () => {
  const stage = summarizeStage(
    2,
    [
      flow(2, 1, { startedAt: T0, endedAt: T0 + 3_000 }),
      flow(2, 2, { startedAt: T0 + 1_000, endedAt: T0 + 4_000 }),
      { ...failed(2, 3), startedAt: T0, endedAt: T0 + 2_000 },
    ],
    null,
    0,
  );
  expect(stage.wallTimeMs).toBe(4_000);
  expect(stage.flowsPerSec).toBe(0.5);
});

test('workers are the peak number of flows running at once; touching flows do not overlap', () => {
  const at = (n: number, start: number, end: number) => flow(8, n, { startedAt: T0 + start, endedAt: T0 + end });
  expect(summarizeStage(8, [at(1, 0, 10), at(2, 5, 15), at(3, 10, 20), at(4, 20, 30)], null, 0).workers).toBe(2);
});

test('p95 columns come from total and scannerConfirm step timings and the payment intent, scanner and notification ops', () => {
  const timings = { ...baseWorkerResult().timingsMs, total: 12_100, scannerConfirm: 4_200 };
  const stage = summarizeStage(
    1,
    [
      flow(1, 1, {
        timingsMs: timings,
        calls: [call('createPaymentIntent', 850), call('scannerCheck', 120)],
        notifications: [note('payment_confirmed', true, 640)],
      }),
    ],
    null,
    0,
  );
  expect(stage.p95).toEqual({ totalMs: 12_100, paymentIntentMs: 850, scannerCheckMs: 120, scannerConfirmMs: 4_200, notificationMs: 640 });
  expect(Object.keys(stage.steps)).toEqual(['scannerConfirm', 'total']);
});

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

test('writes without an answer are counted by what the system of record said about them', () => {
  const timedOut = (reconciled: CallSample['reconciled'], by: string) =>
    call('createPaymentIntent', 20_000, { status: null, outcome: 'info', timedOut: true, reconciled, reconciledBy: by });
  const stage = summarizeStage(
    2,
    [
      flow(2, 1, { status: 'fail', calls: [timedOut('happened', 'GET /requests/r1: status payment')] }),
      flow(2, 2, { status: 'fail', calls: [timedOut('did-not-happen', 'GET /requests/r2: status offer_accepted'), call('login', 80)] }),
    ],
    null,
    0,
  );
  expect(stage.indeterminate).toEqual({
    writes: 2,
    happened: 1,
    didNotHappen: 1,
    unknown: 0,
    examples: [
      'C2-W01 createPaymentIntent: happened (GET /requests/r1: status payment)',
      'C2-W02 createPaymentIntent: did-not-happen (GET /requests/r2: status offer_accepted)',
    ],
  });
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
