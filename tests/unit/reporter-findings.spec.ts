import { expect, test } from '@playwright/test';
import type { CallSample, WorkerResult } from '../../contract/worker-result.ts';
import { LATENCY_GOALS, LOW_N } from '../../config/stages.ts';
import { keyFindings } from '../../reporter/findings.ts';
import type { Finding } from '../../reporter/schema.ts';
import { summarizeStage } from '../../reporter/summarize.ts';
import { baseWorkerResult } from '../../reporter/synthetic.ts';

const call = (op: string, durationMs: number): CallSample => ({
  op,
  status: 200,
  outcome: 'ok',
  startedAt: 0,
  durationMs,
  timedOut: false,
});
/** One flow of stage `stage` whose calls are `op` at each duration. */
const flowWithCalls = (stage: number, op: string, durations: number[], extra: Partial<WorkerResult> = {}) =>
  baseWorkerResult({ stage, workerId: `C${stage}-W01`, calls: durations.map((d) => call(op, d)), ...extra });
const findingsOf = (...flows: WorkerResult[]): Finding[] => keyFindings([summarizeStage(flows[0]!.stage, flows, null, 0)], []);
const titles = (findings: Finding[]) => findings.map((f) => `${f.severity} ${f.title}`);
/** n samples, all equal to `ms`: enough not to be low-n. */
const steady = (ms: number) => Array.from({ length: LOW_N }, () => ms);

test('a non-zero correctness counter is a P0 finding whose evidence names the stage, worker and payment', () => {
  const zero = baseWorkerResult().correctness;
  const [finding] = findingsOf(
    baseWorkerResult({
      stage: 8,
      workerId: 'C8-W03',
      paymentId: 'pay-9',
      correctness: { ...zero, duplicateCredits: 2 },
      evidence: ['two escrow_credit journals'],
    }),
  );
  expect(finding).toMatchObject({
    title: 'Duplicate payment credits',
    severity: 'P0',
    stages: [8],
    evidence: 'C8: 2 in 1 flow (C8-W03 payment pay-9 — two escrow_credit journals)',
  });
});

test('a missing notification is a P0 finding naming the worker and the recipient', () => {
  const flow = baseWorkerResult({
    stage: 2,
    workerId: 'C2-W01',
    notifications: [{ step: 'offer_rejected', recipient: 'seller-2', observed: false, latencyMs: null, duplicates: 0 }],
  });
  expect(findingsOf(flow)[0]).toMatchObject({
    title: 'Missing notification offer_rejected',
    severity: 'P0',
    stages: [2],
    evidence: 'C2: 1 of 1 expected copies missing (C2-W01 → seller-2)',
  });
});

test('p95 at or over its goal is P1, p50 over its goal P2, p99 over its watch level P2', () => {
  const goal = LATENCY_GOALS.login!;
  // 20 samples: p50 is the 10th, p95 the 19th, p99 the 20th
  const durations = [...Array.from({ length: 9 }, () => 10), ...Array.from({ length: 9 }, () => goal.p50), goal.p95, goal.p99];
  expect(titles(findingsOf(flowWithCalls(1, 'login', durations)))).toEqual([
    'P1 login p95 not under the 1 s goal',
    'P2 login p50 not under the 300 ms goal',
    'P2 login p99 not under the 2 s watch level',
  ]);
});

test('latency findings give each stage its number, n and low-n mark', () => {
  const [finding] = findingsOf(flowWithCalls(4, 'createPaymentIntent', [3_400]));
  expect(finding).toMatchObject({ severity: 'P1', stages: [4], evidence: 'C4 p95 3.4 s (n=1, low-n)' });
  expect(finding!.nextAction).toContain('create payment intent at C4');
});

test('percentiles from fewer than LOW_N samples give one info finding', () => {
  expect(findingsOf(flowWithCalls(1, 'login', [100]))).toEqual([
    {
      title: `Percentiles from fewer than ${LOW_N} samples`,
      severity: 'info',
      stages: [1],
      evidence: 'C1: 1 op (smallest n=1)',
      nextAction: 'Read these percentiles as indicative; more rounds (ROUNDS) or a larger stage give stable ones.',
    },
  ]);
});

test('operations under their goals with enough samples, and ops without a goal, give no findings', () => {
  expect(findingsOf(flowWithCalls(1, 'login', steady(100)))).toEqual([]);
  expect(findingsOf(flowWithCalls(1, 'register', steady(60_000)))).toEqual([]);
});

test('failed flows are findings by class: product P1, external P2, known-gap info', () => {
  const failed = (n: number, cls: 'product' | 'external' | 'known-gap') =>
    baseWorkerResult({
      stage: 1,
      workerId: `C1-W0${n}`,
      status: 'fail',
      classification: cls,
      errors: [{ step: 'scanner', message: 'boom', class: cls }],
    });
  const findings = keyFindings([summarizeStage(1, [failed(1, 'known-gap'), failed(2, 'external'), failed(3, 'product')], null, 0)], []);
  expect(titles(findings)).toEqual(['P1 Failed flows: product', 'P2 Failed flows: external', 'info Failed flows: known-gap']);
  expect(findings[0]!.evidence).toBe('C1: 1 of 3 (C1-W03 scanner: boom)');
});

test('a failed gate, 5xx over the stop level and unreadable results are P1; duplicate notifications P2', () => {
  const fiveXX = baseWorkerResult({
    stage: 2,
    calls: [call('login', 1), { ...call('login', 1), status: 500 }],
    notifications: [{ step: 'offer_accepted', recipient: 'seller-1', observed: true, latencyMs: 5, duplicates: 1 }],
  });
  const stage = summarizeStage(2, [fiveXX], { passed: false, reasons: ['5xx 50%'] }, 1);
  const findings = keyFindings([stage], [{ stage: 2, test: 'C2 › flow', message: 'not JSON' }]);
  expect(titles(findings)).toEqual([
    'P1 Gate failed at C2',
    'P1 HTTP 5xx rate above 1%',
    'P1 Worker results missing or unreadable',
    'P2 Duplicate notifications',
    'info Percentiles from fewer than 20 samples',
  ]);
  expect(findings.find((f) => f.title === 'HTTP 5xx rate above 1%')!.evidence).toBe('C2: 50%');
});
