// The spec's stop conditions as Allure 3 quality gates: one custom rule per condition (reporter/gate-conditions.ts),
// judged on each stage's verdict step (reporter/allure-labels.ts): its gate test's, or for a stage whose gate did not
// run (its flows failed, or `--project=C1` alone) the one the "Profile report" result carries from the reporter. The
// report's "Quality Gates" tab lists every condition, broken ones with the stages and reasons, linked to the results.
//
// `allure generate` never evaluates quality gates (only `allure run` and `allure quality-gate` do): the report
// script applies these rules itself and hands the results to the report (scripts/allure-generate.ts).
import type { QualityGateRule } from 'allure/rules';
import { STOP_CONDITION_LIST, type StopCondition } from './gate-conditions.ts';
import { isKind, verdictStageOf } from './allure-labels.ts';

type StoreResult = Parameters<QualityGateRule['validate']>[0]['trs'][number];
type StoreStep = StoreResult['steps'][number];

/** What a rule found per stage whose gate judged the condition: broken (with reasons), not evaluated (why), held. */
export interface ConditionVerdict {
  broken: string[];
  notEvaluated: string[];
  held: string[];
}

/** Each stage's verdict step among the results, with its result: a gate test's wins over the profile report's. */
function verdicts(trs: readonly StoreResult[]): Map<string, { tr: StoreResult; step: StoreStep & { type: 'step' } }> {
  const byStage = new Map<string, { tr: StoreResult; step: StoreStep & { type: 'step' } }>();
  for (const kind of ['gate', 'report'] as const)
    for (const tr of trs.filter((t) => isKind(t.labels, kind)))
      for (const step of tr.steps) {
        const stage = step.type === 'step' ? verdictStageOf(step.name) : null;
        if (stage && step.type === 'step' && !byStage.has(stage)) byStage.set(stage, { tr, step });
      }
  return byStage;
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
      return `${condition.title}: ${parts.length ? parts.join('; ') : 'judged in no stage'}`;
    },
    validate: async ({ trs, expected }) => {
      const verdict: ConditionVerdict = { broken: [], notEvaluated: [], held: [] };
      const breaking: string[] = [];
      for (const [stage, { tr, step: stageStep }] of verdicts(trs)) {
        const step = stageStep.steps.find((s) => s.type === 'step' && s.name === condition.title);
        if (step?.type !== 'step') continue;
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
