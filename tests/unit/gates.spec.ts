// Each stop condition of the spec, evaluated by the gate on synthetic stage data.
import { expect, test } from '@playwright/test';
import { ZERO_CORRECTNESS, type CallSample, type Correctness, type WorkerResult } from '../../contract/worker-result.ts';
import { evaluateGate, type GateInfra } from '../../reporter/gates.ts';
import { summarizeStage } from '../../reporter/summarize.ts';
import { baseWorkerResult } from '../../reporter/synthetic.ts';

const call = (op: string, durationMs: number, status = 200): CallSample => ({
  op,
  status,
  outcome: status < 400 ? 'ok' : 'fail',
  startedAt: 1,
  durationMs,
  timedOut: false,
});

function flows(stage: number, n: number, extra: (i: number) => Partial<WorkerResult> = () => ({})): WorkerResult[] {
  return Array.from({ length: n }, (_, i) =>
    baseWorkerResult({
      stage,
      workerId: `C${stage}-W${String(i + 1).padStart(2, '0')}`,
      paymentId: `p-${stage}-${i}`,
      destination: `0x${stage}${i}`,
      ...extra(i),
    }),
  );
}

function gate(results: WorkerResult[], options: { previous?: WorkerResult[][]; infra?: GateInfra; mode?: WorkerResult['mode'] } = {}) {
  const stage = results[0]!.stage;
  return evaluateGate({
    stage: summarizeStage(stage, results, null, 0),
    previous: (options.previous ?? []).map((p) => summarizeStage(p[0]!.stage, p, null, 0)),
    results,
    mode: options.mode ?? 'live',
    infra: options.infra,
  });
}

const withCounter = (name: keyof Correctness, evidence: string): Partial<WorkerResult> => ({
  status: 'fail',
  correctness: { ...ZERO_CORRECTNESS, [name]: 1 },
  evidence: [`${name}: ${evidence}`],
  classification: 'product',
});

test('a clean stage passes its gate', () => {
  expect(gate(flows(4, 4))).toMatchObject({ stage: 4, passed: true, reasons: [], flows: 4 });
});

const P0: [keyof Correctness, RegExp][] = [
  ['evidenceMismatches', /P0 payment marked paid without correct chain\/token\/destination\/amount evidence: 1 in C4/],
  ['duplicateCredits', /P0 duplicate ledger credit: 1 in C4.*payment p-dup/],
  ['wrongRecipient', /P0 notification delivered to wrong user: 1 in C4/],
  ['crossWorkerLeaks', /P0 cross-worker state leak: 1 in C4/],
  ['nonBuyerConfirmSuccess', /P0 non-buyer delivery confirmation succeeded: 1 in C4/],
  ['ledgerInconsistencies', /P0 ledger inconsistency: 1 in C4/],
  ['underOverpayments', /P0 under\/overpayment accepted: 1 in C4/],
  ['doubleAccepts', /P0 more than one offer accepted: 1 in C4/],
];
for (const [counter, reason] of P0) {
  test(`stops the ramp on ${counter}, naming the evidence`, () => {
    const verdict = gate(flows(4, 4, (i) => (i === 0 ? withCounter(counter, 'payment p-dup') : {})));
    expect(verdict.passed).toBe(false);
    expect(verdict.reasons.some((r) => reason.test(r))).toBe(true);
  });
}

test('does not judge chain evidence in status mode, where no payment is made', () => {
  const verdict = gate(
    flows(4, 4, (i) => (i === 0 ? { correctness: { ...ZERO_CORRECTNESS, evidenceMismatches: 1 } } : {})),
    { mode: 'status' },
  );
  expect(verdict.reasons.filter((r) => /evidence/.test(r))).toEqual([]);
});

test('stops on an expected notification missing, unless a known gap explains the flow', () => {
  const missing = { notifications: [{ step: 'delivery_submitted', recipient: 'buyer', observed: false, latencyMs: null, duplicates: 0 }] };
  expect(gate(flows(2, 2, () => missing)).reasons).toContainEqual(
    expect.stringMatching(/P0 expected notification missing without known-gap classification: 2 in C2/),
  );
  const explained = gate(flows(2, 2, () => ({ ...missing, status: 'fail', classification: 'known-gap' })));
  expect(explained.reasons.filter((r) => /notification missing/.test(r))).toEqual([]);
});

test('stops when two flows of a stage share a payment id or a destination', () => {
  const verdict = gate(flows(2, 2, () => ({ paymentId: 'same', destination: '0xsame' })));
  expect(verdict.reasons).toContainEqual(expect.stringMatching(/P0 payment ids or destinations shared between flows of C2: same, 0xsame/));
});

test('stops on a component restart during the stage', () => {
  expect(gate(flows(2, 2), { infra: { restarts: { backend: 1, scanner: 0 } } }).reasons).toContainEqual(
    'component restarts during C2: backend 1',
  );
});

test('stops on a sustained HTTP 5xx rate above 1%', () => {
  const calls = [
    ...Array.from({ length: 97 }, () => call('createOffer', 10)),
    ...Array.from({ length: 3 }, () => call('createOffer', 10, 500)),
  ];
  const verdict = gate(flows(1, 1, () => ({ calls })));
  expect(verdict.reasons).toContainEqual('HTTP 5xx rate 3.0% above 1.0% in C1');
  expect(gate(flows(1, 1, () => ({ calls: Array.from({ length: 100 }, () => call('createOffer', 10)) }))).passed).toBe(true);
});

test('stops when p95 create payment intent exceeds 10 s for two consecutive stages, not for one', () => {
  const slow = () => ({ calls: [call('createPaymentIntent', 12_000)] });
  expect(gate(flows(2, 2, slow)).reasons.filter((r) => /payment intent/.test(r))).toEqual([]);
  expect(gate(flows(2, 2, slow), { previous: [flows(1, 1, slow)] }).reasons).toContainEqual(
    expect.stringMatching(/p95 create payment intent above 10000 ms for 2 consecutive stages \(C1 12000 ms, C2 12000 ms\)/),
  );
});

test('stops when scanner p95 exceeds 30 s, unless the failures are classified external RPC', () => {
  const slow = () => ({ calls: [call('scannerCheck', 31_000)] });
  expect(gate(flows(1, 1, slow)).reasons).toContainEqual(
    expect.stringMatching(/scanner confirmation\/check p95 31000 ms above 30000 ms in C1/),
  );
  const external = gate(
    flows(1, 1, () => ({
      ...slow(),
      status: 'fail',
      classification: 'external',
      errors: [{ step: 'scannerConfirm', message: 'rpc down', class: 'external' }],
    })),
  );
  expect(external.reasons.filter((r) => /scanner/.test(r))).toEqual([]);
});

test('stops on a backlog that did not drain and on host CPU or memory above the limits after cooldown', () => {
  const verdict = gate(flows(1, 1), {
    infra: { backlogDrained: false, backlogAtEnd: 3, hostCpuAfterCooldown: 0.9, hostMemoryAfterCooldown: 0.95 },
  });
  expect(verdict.reasons).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/backlog did not drain .* after C1 \(3 left\)/),
      'host CPU 90.0% after cooldown',
      'host memory 95.0% after cooldown',
    ]),
  );
  expect(gate(flows(1, 1), { infra: { backlogDrained: true, hostCpuAfterCooldown: 0.5, hostMemoryAfterCooldown: 0.5 } }).passed).toBe(true);
});

test("busy host CPU after cooldown stops the ramp when it is the target's own load, not other work on the machine", () => {
  const busy = (targetCpuAfterCooldown: number | null) =>
    gate(flows(1, 1), { infra: { backlogDrained: true, hostCpuAfterCooldown: 1, hostMemoryAfterCooldown: 0.5, targetCpuAfterCooldown } });
  expect(busy(0.03).reasons).toEqual([]);
  expect(busy(0.6).reasons).toEqual(["host CPU 100.0% after cooldown, 60.0% of it the target's own processes"]);
  // Not measured: the host's CPU is all there is to judge by.
  expect(busy(null).reasons).toEqual(['host CPU 100.0% after cooldown']);
});

test('requires 100% completed flows up to C8 and 99% from C16', () => {
  const oneFailed = (stage: number, n: number) =>
    flows(stage, n, (i) =>
      i === 0
        ? { status: 'fail', classification: 'product', errors: [{ step: 'createRequest', message: 'answered 500', class: 'product' }] }
        : {},
    );
  expect(gate(oneFailed(8, 8)).reasons).toContainEqual(
    expect.stringMatching(/completed-flow success 87.5% below 100.0% for C8 \(7 of 8 passed\)/),
  );
  expect(gate(oneFailed(16, 200)).reasons.filter((r) => /success/.test(r))).toEqual([]);
  expect(gate(oneFailed(16, 16)).reasons).toContainEqual(expect.stringMatching(/completed-flow success 93.8% below 99.0% for C16/));
});

test('a stop condition with no reading is named as not evaluated, with why, instead of passing', () => {
  const verdict = gate(flows(2, 2), {
    infra: { notMeasured: { backlog: 'the target offers no backlog gauge', hostAfterCooldown: 'target host not sampled' } },
  });
  expect(verdict.passed).toBe(true);
  expect(verdict.notEvaluated).toEqual(
    expect.arrayContaining([
      'component restarts: not measured (the infrastructure sampler had no reading)',
      'backlog drained after cooldown: not measured (the target offers no backlog gauge)',
      'host CPU and memory after cooldown: not measured (target host not sampled)',
    ]),
  );
  const measured = gate(flows(2, 2), {
    infra: { restarts: { backend: 0 }, backlogDrained: true, hostCpuAfterCooldown: 0.1, hostMemoryAfterCooldown: 0.2 },
  });
  expect(measured.notEvaluated.filter((line) => !line.startsWith('P0'))).toEqual([]);
});
