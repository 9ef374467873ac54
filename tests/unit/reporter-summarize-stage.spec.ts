// summarizeStage: one stage's figures from its flows (calls, notifications, correctness, outcomes, timing).
// The run's verdict over its stages: reporter-summarize.spec.ts.
import { expect, test } from '@playwright/test';
import type { CallSample } from '../../contract/worker-result.ts';
import { summarizeStage } from '../../reporter/summarize.ts';
import { baseWorkerResult } from '../../reporter/synthetic.ts';
import { stageFlow as flow } from './support/results.ts';
import { call, failed, note, T0 } from './support/summarize-inputs.ts';

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
