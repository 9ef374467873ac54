// The stop conditions' quality-gate rules on results as Allure's store hands them over: a gate test's verdict step
// for the stages whose gate ran, the Profile report's for the others.
import { expect, test } from '@playwright/test';
import type { StepResult } from 'allure-js-commons';
import type { QualityGateRule } from 'allure/rules';
import { gateStep, STORIES } from '../../reporter/allure-labels.ts';
import { stopConditionGates } from '../../reporter/allure-quality-gates.ts';
import type { GateResult } from '../../reporter/schema.ts';

type StoreResult = Parameters<QualityGateRule['validate']>[0]['trs'][number];

/** An allure-js-commons step as the store reads it back (allure2 reader): type 'step', the message beside it. */
const stored = (s: StepResult): unknown => ({
  type: 'step',
  name: s.name,
  status: s.status,
  message: s.statusDetails.message,
  parameters: [],
  steps: s.steps.map(stored),
});

const result = (id: string, story: string, gates: GateResult[]) =>
  ({ id, labels: [{ name: 'story', value: story }], steps: gates.map((g) => stored(gateStep(g, 1))) }) as unknown as StoreResult;

const FIVE_XX = 'HTTP 5xx rate 3.0% above 1.0% in C1';
const DUPLICATE = 'P0 duplicate ledger credit: 1 in C2';
const c1: GateResult = { stage: 1, passed: false, reasons: [FIVE_XX], notEvaluated: [] };
const c2: GateResult = { stage: 2, passed: false, reasons: [DUPLICATE], notEvaluated: ['component restarts: not measured (no gate ran)'] };

async function judge(trs: StoreResult[]) {
  const out = new Map<string, { success: boolean; message: string; testResults: string[] }>();
  for (const { rule, expected } of stopConditionGates()) {
    const found = await rule.validate({ trs, expected, state: { getResult: () => undefined, setResult: () => undefined } });
    const message = (found.success ? rule.successMessage! : rule.message)({ expected, actual: found.actual });
    out.set(rule.rule, { success: found.success, message, testResults: found.testResults });
  }
  return out;
}

test("each stage is judged once: by its gate test's verdict, else by the Profile report's", async () => {
  const gate = result('gate-c1', STORIES.gate, [c1]);
  // The reporter's report carries both stages; C1's verdict is the gate's own, C2's gate was skipped.
  const report = result('profile', STORIES.report, [{ ...c1, reasons: ['another wording'] }, c2]);
  const rules = await judge([report, gate]);

  expect(rules.get('http-5xx-rate')).toEqual({
    success: false,
    message: `HTTP 5xx rate at most 1%: broken in C1: ${FIVE_XX}`,
    testResults: ['gate-c1'],
  });
  expect(rules.get('duplicate-credit')).toMatchObject({ success: false, testResults: ['profile'] });
  expect(rules.get('duplicate-credit')?.message).toContain(`C2: ${DUPLICATE}`);
  expect(rules.get('restarts')).toMatchObject({
    success: true,
    message: 'no component restart: held in C1; not evaluated in C2: component restarts: not measured (no gate ran)',
  });
  expect(rules.get('other')?.message).toBe('no other stop condition named by the gate: held in C1, C2');
  expect([...rules.values()].filter((r) => !r.success)).toHaveLength(2);
});

test('without any stage verdict every rule passes, saying no stage was judged', async () => {
  const rules = await judge([result('flow', STORIES.flow, [])]);
  expect([...rules.values()].every((r) => r.success && r.message.endsWith(': judged in no stage'))).toBe(true);
});
