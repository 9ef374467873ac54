// The spec's stop conditions as Allure 3 quality gates: one custom rule per condition (reporter/gate-conditions.ts),
// judged on the gate results of the report - the step the listener gives each gate per condition
// (reporter/allure-labels.ts) - so the report's "Quality Gates" tab lists every condition, failed ones with the
// stages and reasons, and links to the gates that broke it.
//
// `allure generate` never evaluates quality gates (only `allure run` and `allure quality-gate` do): the report
// script applies these rules itself and hands the results to the report (scripts/allure-generate.ts).
import type { QualityGateRule } from 'allure/rules';
import { STOP_CONDITION_LIST, type StopCondition } from './gate-conditions.ts';
import { STORIES } from './allure-labels.ts';

type StoreResult = Parameters<QualityGateRule['validate']>[0]['trs'][number];
type StoreStep = StoreResult['steps'][number];

/** What a rule found per stage whose gate judged the condition: broken (with reasons), not evaluated (why), held. */
export interface ConditionVerdict {
  broken: string[];
  notEvaluated: string[];
  held: string[];
}

const isGate = (tr: StoreResult) => tr.labels.some((l) => l.name === 'story' && l.value === STORIES.gate);
const featureOf = (tr: StoreResult) => tr.labels.find((l) => l.name === 'feature')?.value ?? tr.name;

function findStep(steps: readonly StoreStep[], name: string): (StoreStep & { type: 'step' }) | undefined {
  for (const s of steps) {
    if (s.type !== 'step') continue;
    if (s.name === name) return s;
    const inner = findStep(s.steps, name);
    if (inner) return inner;
  }
  return undefined;
}

const lines = (stage: string, step: StoreStep & { type: 'step' }) =>
  (step.message ?? step.error?.message ?? '').split('\n').flatMap((line) => (line ? [`${stage}: ${line}`] : [`${stage}`]));

/** The rule of one stop condition: it passes when no gate of the report broke the condition. */
export function stopConditionRule(condition: StopCondition): QualityGateRule<number, ConditionVerdict> {
  return {
    rule: condition.id,
    message: ({ actual }) => `${condition.title}: broken in ${actual.broken.join('; ')}`,
    successMessage: ({ actual }) => {
      const parts = [
        actual.held.length ? `held in ${actual.held.join(', ')}` : '',
        actual.notEvaluated.length ? `not evaluated in ${actual.notEvaluated.join('; ')}` : '',
      ].filter(Boolean);
      return `${condition.title}: ${parts.length ? parts.join('; ') : 'judged by no gate'}`;
    },
    validate: async ({ trs, expected }) => {
      const verdict: ConditionVerdict = { broken: [], notEvaluated: [], held: [] };
      const breaking: string[] = [];
      for (const tr of trs.filter(isGate)) {
        const step = findStep(tr.steps, condition.title);
        if (!step) continue;
        const stage = featureOf(tr);
        if (step.status === 'failed') {
          verdict.broken.push(...lines(stage, step));
          breaking.push(tr.id);
        } else if (step.status === 'skipped') verdict.notEvaluated.push(...lines(stage, step));
        else verdict.held.push(stage);
      }
      return { success: breaking.length <= expected, actual: verdict, testResults: breaking };
    },
  };
}

/** A rule with the value it is held to: what an allurerc `qualityGate.rules` entry says as `{ [rule]: expected }`. */
export interface QualityGate<T = unknown, K = unknown> {
  rule: QualityGateRule<T, K>;
  expected: T;
}

/** The quality gates of `npm run report:allure`: every stop condition, broken in no stage (`other` too: a reason no
 * condition names must not pass the tab by omission). */
export function stopConditionGates(): QualityGate<number, ConditionVerdict>[] {
  return STOP_CONDITION_LIST.map((condition) => ({ rule: stopConditionRule(condition), expected: 0 }));
}
