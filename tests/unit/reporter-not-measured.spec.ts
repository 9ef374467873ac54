// Not measured is never 0 (issue 12, item 6): a correctness counter a flow did not measure is null in its worker
// result, null in report.json's stage correctness, and "not measured (<reason>)" in report.md; hand-computed cases.
import { expect, test } from '@playwright/test';
import {
  MEASURED_IN,
  UNMEASURED_CORRECTNESS,
  WorkerResult,
  ZERO_CORRECTNESS,
  measuredCorrectness,
  type MeasuredCorrectness,
  type PaymentMode,
} from '../../contract/worker-result.ts';
import { evaluateGate } from '../../reporter/gates.ts';
import { unreportedFlows } from '../../reporter/unreported-flows.ts';
import { renderMarkdown } from '../../reporter/render-markdown.ts';
import { Report } from '../../reporter/schema.ts';
import { summarize, summarizeStage, type RunMeta } from '../../reporter/summarize.ts';
import { baseRunMeta } from '../../reporter/synthetic.ts';
import { stageFlow } from './support/results.ts';

const PAYMENT_COUNTERS = ['duplicateCredits', 'ledgerInconsistencies', 'underOverpayments', 'evidenceMismatches'] as const;

const meta = (levels: number[], mode: PaymentMode): RunMeta => baseRunMeta({ runId: 'run-nm', mode, levels });

/** A passing flow of `mode` whose counters are what that mode measures, all 0 (as the flow recorder writes them). */
const flow = (stage: number, n: number, mode: PaymentMode, correctness?: Partial<MeasuredCorrectness>): WorkerResult =>
  stageFlow(stage, n, {
    mode,
    paymentId: `p-${stage}-${n}`,
    correctness: { ...measuredCorrectness(mode, ZERO_CORRECTNESS), ...correctness },
  });

test('the contract: status and dry mode measure no payment counter, live and fixture all of them, every mode the rest', () => {
  expect(measuredCorrectness('status', ZERO_CORRECTNESS)).toEqual({
    duplicateCredits: null,
    wrongRecipient: 0,
    crossWorkerLeaks: 0,
    nonBuyerConfirmSuccess: 0,
    ledgerInconsistencies: null,
    underOverpayments: null,
    evidenceMismatches: null,
    doubleAccepts: 0,
    advancedWithoutPayment: null,
  });
  // Dry mode pays nothing either, but its unpaid-advance probe checks nothing moves on without payment.
  expect(measuredCorrectness('dry', ZERO_CORRECTNESS)).toEqual({
    ...measuredCorrectness('status', ZERO_CORRECTNESS),
    advancedWithoutPayment: 0,
  });
  expect(measuredCorrectness('fixture', ZERO_CORRECTNESS)).toEqual(ZERO_CORRECTNESS);
  expect(measuredCorrectness('live', ZERO_CORRECTNESS)).toEqual(ZERO_CORRECTNESS);
  for (const key of PAYMENT_COUNTERS) expect(MEASURED_IN[key], key).toEqual(['live', 'fixture']);
});

test('the contract: a probe the flow never reached is null; a violation seen is kept whatever the mode', () => {
  const counts = { ...ZERO_CORRECTNESS, duplicateCredits: 2, crossWorkerLeaks: 0 };
  // fixture mode, but the flow ended before its ledger and isolation probes: those are unknown, except a count seen.
  expect(measuredCorrectness('fixture', counts, ['duplicateCredits', 'ledgerInconsistencies', 'crossWorkerLeaks'])).toMatchObject({
    duplicateCredits: 2,
    ledgerInconsistencies: null,
    crossWorkerLeaks: null,
    underOverpayments: 0,
  });
  // dry mode does not measure credits, yet a credit a system-of-record probe found is still reported.
  expect(measuredCorrectness('dry', counts).duplicateCredits).toBe(2);
});

test('the worker result schema takes null counters and still takes results written with numbers only', () => {
  const withNulls = flow(1, 1, 'status');
  expect(WorkerResult.parse(JSON.parse(JSON.stringify(withNulls))).correctness.duplicateCredits).toBeNull();
  const old = { ...withNulls, correctness: { ...ZERO_CORRECTNESS } };
  expect(WorkerResult.parse(old).correctness).toEqual(ZERO_CORRECTNESS);
  expect(WorkerResult.safeParse({ ...withNulls, correctness: { ...ZERO_CORRECTNESS, duplicateCredits: -1 } }).success).toBe(false);
});

test('a status-mode stage: report.json has null for the payment counters with the reason, 0 for what it measured', () => {
  const report = summarize([flow(1, 1, 'status'), flow(2, 1, 'status'), flow(2, 2, 'status')], meta([1, 2], 'status'));
  const c2 = report.stages[1]!;
  expect(c2.correctness).toEqual({
    duplicateCredits: null,
    wrongRecipient: 0,
    crossWorkerLeaks: 0,
    nonBuyerConfirmSuccess: 0,
    ledgerInconsistencies: null,
    underOverpayments: null,
    evidenceMismatches: null,
    doubleAccepts: 0,
    advancedWithoutPayment: null,
  });
  expect(c2.correctnessNotMeasured).toEqual({
    duplicateCredits: { flows: 2, reason: 'status mode' },
    ledgerInconsistencies: { flows: 2, reason: 'status mode' },
    underOverpayments: { flows: 2, reason: 'status mode' },
    evidenceMismatches: { flows: 2, reason: 'status mode' },
    advancedWithoutPayment: { flows: 2, reason: 'status mode' },
  });
  // Not measured is no violation: the stage passes, and report.json round-trips through its schema with the nulls.
  expect(report.overall).toBe('pass');
  const json = Report.parse(JSON.parse(JSON.stringify(report)));
  expect(json.stages[1]!.correctness.duplicateCredits).toBeNull();
  expect(JSON.stringify(report)).toContain('"duplicateCredits":null');
});

test('report.md says "not measured (status mode)" for each payment counter, never 0, and says so in the findings', () => {
  const md = renderMarkdown(summarize([flow(1, 1, 'status'), flow(2, 1, 'status')], meta([1, 2], 'status')));
  expect(md).toContain('- Duplicate credits: not measured (status mode)');
  expect(md).toContain('- Under/overpayment anomalies: not measured (status mode)');
  expect(md).toContain('- Scanner mismatches: not measured (status mode)');
  expect(md).toContain('- Ledger mismatches: not measured (status mode)');
  expect(md).toContain('cross-worker leaks 0; non-buyer confirmation successes 0; double accepts 0; wrong-recipient notifications 0');
  expect(md).not.toMatch(/Duplicate credits: 0/);
  expect(md).toContain(
    '| Correctness counters not measured | info | duplicate payment credits: not measured at C1, C2 (status mode) · ledger inconsistencies: not measured at C1, C2 (status mode)',
  );
});

test('counts over the flows that measured them; flows that did not are named with how many and why', () => {
  // C2: one fixture flow measured 1 duplicate credit, the other never reported (its worker died): 1 of 2 not measured.
  const died = unreportedFlows(
    {
      stage: 2,
      mode: 'fixture',
      runId: 'run-nm',
      status: 'failed',
      error: 'Worker process exited unexpectedly (code=137)',
      repeatEachIndex: 1,
      startTime: 0,
      durationMs: 10,
    },
    [{ workerId: 'C2-W02', stage: 2, runId: 'run-nm', mode: 'fixture', round: 1, startedAt: 0 }],
    [],
  );
  expect(died[0]!.correctness).toEqual(UNMEASURED_CORRECTNESS);
  const credited = flow(2, 1, 'fixture', { duplicateCredits: 1 });
  const stage = summarizeStage(2, [credited, ...died], null, 0);
  expect(stage.correctness).toMatchObject({ duplicateCredits: 1, ledgerInconsistencies: 0, wrongRecipient: 0 });
  expect(stage.correctnessNotMeasured.duplicateCredits).toEqual({ flows: 1, reason: 'the flow did not report' });
  const md = renderMarkdown(summarize([flow(1, 1, 'fixture'), credited, ...died], meta([1, 2], 'fixture')));
  expect(md).toContain('- Duplicate credits: 1 (C2 1); not measured in C2 1 of 2 flows (the flow did not report)');
  expect(md).toContain('- Ledger mismatches: 0; not measured in C2 1 of 2 flows (the flow did not report)');
});

test('a stage that measured a counter and one that did not: the number, and the other stage named as not measured', () => {
  const report = summarize([flow(1, 1, 'fixture'), flow(2, 1, 'status')], meta([1, 2], 'fixture'));
  expect(renderMarkdown(report)).toContain('- Duplicate credits: 0; C2 not measured (status mode)');
});

test('a flow that ended before a probe, in a mode that measures it, says so', () => {
  const early = flow(1, 1, 'live', { ledgerInconsistencies: null });
  expect(summarizeStage(1, [early], null, 0).correctnessNotMeasured).toEqual({
    ledgerInconsistencies: { flows: 1, reason: 'the flow ended before its probe' },
  });
});

test('the gate takes a null counter as not measured, not as a violation; a counted one still stops the ramp', () => {
  const judge = (results: WorkerResult[], mode: PaymentMode) =>
    evaluateGate({ stage: summarizeStage(2, results, null, 0), previous: [], results, mode });
  const status = judge([flow(2, 1, 'status'), flow(2, 2, 'status')], 'status');
  expect(status).toMatchObject({ stage: 2, passed: true, reasons: [], flows: 2 });
  // Not a pass either: the gate names each counter it could not evaluate, with the flows' reason.
  expect(status.notEvaluated.filter((line) => line.startsWith('P0 duplicate ledger credit'))).toEqual([
    expect.stringMatching(/^P0 duplicate ledger credit: not measured \(.+\)$/),
  ]);
  const dup = { ...flow(2, 2, 'fixture', { duplicateCredits: 1 }), status: 'fail' as const, classification: 'product' as const };
  expect(judge([flow(2, 1, 'fixture'), dup], 'fixture').reasons[0]).toMatch(/^P0 duplicate ledger credit: 1 in C2/);
});
