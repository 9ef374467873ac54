// The stop-condition list against the reasons the gate really writes, and the listener's Allure labels: epic,
// feature (stage), story (kind), severity (the failure's priority) and each gate's verdict as steps.
import { expect, test } from '@playwright/test';
import { Stage, Status, type StepResult, type TestResult } from 'allure-js-commons';
import { CORRECTNESS_KEYS, ZERO_CORRECTNESS, type WorkerResult } from '../../contract/worker-result.ts';
import { STOP_CONDITIONS } from '../../config/stages.ts';
import { evaluateGate } from '../../reporter/gates.ts';
import { summarizeStage } from '../../reporter/summarize.ts';
import { baseWorkerResult } from '../../reporter/synthetic.ts';
import { conditionOf, conditionOutcomes, STOP_CONDITION_LIST } from '../../reporter/gate-conditions.ts';
import { flowPriority, labelResult, PROCEDURE_EPIC, STORIES } from '../../reporter/allure-labels.ts';
import { GATE_RESULT_ATTACHMENT } from '../../reporter/schema.ts';
import { call } from './support/summarize-inputs.ts';

/** A stage that breaks every stop condition the gate knows, after a stage with a slow payment intent. */
function everyReason() {
  const broken = (stage: number, i: number): WorkerResult =>
    baseWorkerResult({
      stage,
      workerId: `C${stage}-W0${i}`,
      status: 'fail',
      classification: 'product',
      paymentId: 'same',
      correctness: Object.fromEntries(CORRECTNESS_KEYS.map((k) => [k, 1])) as WorkerResult['correctness'],
      notifications: [{ step: 'delivery_submitted', recipient: 'buyer', observed: false, latencyMs: null, duplicates: 0 }],
      calls: [call('createPaymentIntent', 12_000), call('scannerCheck', 31_000), call('createOffer', 10, { status: 500, outcome: 'fail' })],
    });
  const previous = [broken(1, 1)];
  const results = [broken(2, 1), broken(2, 2)];
  return evaluateGate({
    stage: summarizeStage(2, results, null, 0),
    previous: [summarizeStage(1, previous, null, 0)],
    results,
    mode: 'live',
    infra: { restarts: { backend: 1 }, backlogDrained: false, backlogAtEnd: 2, hostCpuAfterCooldown: 0.99, hostMemoryAfterCooldown: 0.99 },
    expectedFlows: 4,
  });
}

test('every reason the gate writes finds its own stop condition, and every condition has a reason that finds it', () => {
  const { reasons } = everyReason();
  const found = reasons.map((r) => conditionOf(r).id);
  expect(found.filter((id) => id === 'other')).toEqual([]);
  expect(new Set(found)).toEqual(new Set(STOP_CONDITION_LIST.map((c) => c.id).filter((id) => id !== 'other')));
});

test('every line of what the gate could not evaluate finds its condition and makes it skipped, not passed', () => {
  const { notEvaluated } = evaluateGate({
    stage: summarizeStage(1, [baseWorkerResult({ correctness: { ...ZERO_CORRECTNESS, duplicateCredits: null } })], null, 0),
    previous: [],
    results: [baseWorkerResult({ correctness: { ...ZERO_CORRECTNESS, duplicateCredits: null } })],
    mode: 'live',
    infra: { notMeasured: { restarts: 'no sampler', backlog: 'no gauge', hostAfterCooldown: 'remote host' } },
  });
  expect(notEvaluated.map((l) => conditionOf(l).id).sort()).toEqual([
    'backlog-drained',
    'duplicate-credit',
    'host-after-cooldown',
    'restarts',
  ]);
  const outcomes = conditionOutcomes({ reasons: [], notEvaluated });
  expect(outcomes.filter((o) => o.status === 'skipped').map((o) => o.condition.id)).toHaveLength(4);
  expect(outcomes.find((o) => o.condition.id === 'other')?.status).toBe('passed');
});

test("a flow's priority: a counted zero-tolerance violation is P0, otherwise its failure class decides; a pass has none", () => {
  const counted = baseWorkerResult({ status: 'fail', classification: 'setup', correctness: { ...ZERO_CORRECTNESS, wrongRecipient: 1 } });
  expect(flowPriority(counted)).toBe('P0');
  expect(flowPriority(baseWorkerResult({ status: 'fail', classification: 'product' }))).toBe('P1');
  expect(flowPriority(baseWorkerResult({ status: 'fail', classification: 'external' }))).toBe('P2');
  expect(flowPriority(baseWorkerResult({ status: 'fail', classification: 'known-gap' }))).toBe('info');
  expect(flowPriority(baseWorkerResult({ status: 'interrupted' }))).toBe('P2');
  expect(flowPriority(baseWorkerResult())).toBeNull();
  expect(STOP_CONDITIONS.zeroTolerance).toContain('wrongRecipient');
});

function result(project: string, steps: StepResult[] = [], status = Status.PASSED): TestResult {
  return {
    uuid: 'u',
    name: 'n',
    status,
    statusDetails: {},
    stage: Stage.FINISHED,
    start: 1,
    stop: 2,
    labels: [
      { name: 'parentSuite', value: project },
      { name: 'feature', value: 'escrow flow' },
    ],
    links: [],
    parameters: [],
    attachments: [],
    steps,
  };
}

const labels = (r: TestResult) => Object.fromEntries(r.labels.map((l) => [l.name, l.value]));

test('a failed flow test is labelled with the procedure, its stage and the severity of its worst flow', () => {
  const attached: StepResult = { ...result('x'), name: 'escrow-worker-result', steps: [] };
  attached.attachments = [{ name: 'escrow-worker-result', source: 'w.json', type: 'application/json' }];
  const r = result('C8', [attached], Status.FAILED);
  labelResult(r, () => JSON.stringify(baseWorkerResult({ stage: 8, status: 'fail', classification: 'product' })));
  expect(labels(r)).toMatchObject({ epic: PROCEDURE_EPIC, feature: 'C8', story: STORIES.flow, severity: 'critical', layer: 'e2e' });
  expect(r.labels.filter((l) => l.name === 'feature')).toHaveLength(1);

  const noResult = result('C8', [], Status.FAILED);
  labelResult(noResult, () => null);
  expect(labels(noResult).severity).toBe('critical');
});

test('a gate test gets its verdict as one step per stop condition and as its description; other projects are left alone', () => {
  const r = result('gate-C2', [
    { ...result('x'), name: 'verdict', attachments: [{ name: GATE_RESULT_ATTACHMENT, source: 'g.json', type: 'application/json' }] },
  ]);
  const gate = {
    stage: 2,
    passed: false,
    flows: 2,
    reasons: ['HTTP 5xx rate 3.0% above 1.0% in C2'],
    notEvaluated: ['component restarts: not measured (no sampler)'],
  };
  labelResult(r, (source) => (source === 'g.json' ? JSON.stringify(gate) : null));
  expect(labels(r)).toMatchObject({ epic: PROCEDURE_EPIC, feature: 'C2', story: STORIES.gate, severity: 'blocker', layer: 'gate' });
  const verdict = r.steps.at(-1)!;
  expect(verdict).toMatchObject({ name: 'stop conditions of C2: 1 broken', status: Status.FAILED });
  const byTitle = new Map(verdict.steps.map((s) => [s.name, s]));
  expect(verdict.steps).toHaveLength(STOP_CONDITION_LIST.length);
  expect(byTitle.get('HTTP 5xx rate at most 1%')).toMatchObject({ status: Status.FAILED, statusDetails: { message: gate.reasons[0] } });
  expect(byTitle.get('no component restart')?.status).toBe(Status.SKIPPED);
  expect(byTitle.get('no duplicate ledger credit')?.status).toBe(Status.PASSED);
  expect(r.description).toContain('Gate of C2 on 2 flows: **failed**');
  expect(r.description).toContain('- HTTP 5xx rate 3.0% above 1.0% in C2');

  const own = result('unit');
  labelResult(own, () => null);
  expect(labels(own)).toEqual({ parentSuite: 'unit', feature: 'escrow flow' });
});
