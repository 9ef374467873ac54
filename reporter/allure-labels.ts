// Allure's behaviours (epic > feature > story), severity and layer for the ramp's results, and each gate's verdict
// as one step per stop condition. The listener (reporter/allure.ts) puts them on a result before allure-playwright
// writes it, from what the result already carries - its project and its attachments (the flows' worker results,
// the gate's verdict) - so neither the flow code nor the gate spec knows about them. Pure but for `read`.
import { LabelName, Severity, Stage, Status, type Label, type StepResult, type TestResult } from 'allure-js-commons';
import { WORKER_RESULT_ATTACHMENT, WorkerResult } from '../contract/worker-result.ts';
import { STOP_CONDITIONS, stageName } from '../config/stages.ts';
import { FAILURE_FINDING } from './findings.ts';
import { conditionOutcomes, type ConditionOutcome } from './gate-conditions.ts';
import { GATE_RESULT_ATTACHMENT, GateResult, type Severity as Priority } from './schema.ts';

/** The procedure the suite implements (docs/procedure.md): every result's epic. */
export const PROCEDURE_EPIC = 'Concurrency and performance profile';
/** What a result is: its story. */
export const STORIES = { flow: 'E2E purchase flow', gate: 'Stop conditions gate', report: 'Profile report' } as const;
export type ResultKind = keyof typeof STORIES;
const LAYERS: Record<ResultKind, string> = { flow: 'e2e', gate: 'gate', report: 'report' };

/** A failure's priority (as Key Findings rate it) as Allure's severity; a result without a failure is `normal`. */
export const SEVERITY_OF: Record<Priority, Severity> = {
  P0: Severity.BLOCKER,
  P1: Severity.CRITICAL,
  P2: Severity.NORMAL,
  info: Severity.MINOR,
};
const PRIORITY_ORDER: Priority[] = ['P0', 'P1', 'P2', 'info'];

/** Whether a result's labels make it of this kind (its story). */
export const isKind = (labels: readonly { name: string; value?: string }[], kind: ResultKind): boolean =>
  labels.some((l) => l.name === LabelName.STORY && l.value === STORIES[kind]);

/** The labels this module owns on a result; any of them already there is replaced. */
export function procedureLabels(kind: ResultKind, feature: string, severity: Severity): Label[] {
  return [
    { name: LabelName.EPIC, value: PROCEDURE_EPIC },
    { name: LabelName.FEATURE, value: feature },
    { name: LabelName.STORY, value: STORIES[kind] },
    { name: LabelName.SEVERITY, value: severity },
    { name: LabelName.LAYER, value: LAYERS[kind] },
  ];
}

/** A flow's priority: P0 when it counted a zero-tolerance violation, else its failure class's; null when it passed. */
export function flowPriority(flow: WorkerResult): Priority | null {
  if (STOP_CONDITIONS.zeroTolerance.some((counter) => (flow.correctness[counter] ?? 0) > 0)) return 'P0';
  if (flow.status === 'pass') return null;
  return FAILURE_FINDING[flow.status === 'interrupted' ? 'interrupted' : (flow.classification ?? 'unclassified')].severity;
}

/** The most severe priority of a test's flows; a failed test whose flows reported nothing is unclassified. */
export function testPriority(flows: readonly WorkerResult[], failed: boolean): Priority | null {
  const priorities = flows.map(flowPriority);
  const found = PRIORITY_ORDER.find((p) => priorities.includes(p));
  return found ?? (failed ? FAILURE_FINDING.unclassified.severity : null);
}

const STEP_STATUS: Record<ConditionOutcome['status'], Status> = {
  passed: Status.PASSED,
  failed: Status.FAILED,
  skipped: Status.SKIPPED,
};

const step = (name: string, status: Status, at: number, message: string | undefined, steps: StepResult[] = []): StepResult => ({
  name,
  status,
  statusDetails: message ? { message } : {},
  stage: Stage.FINISHED,
  start: at,
  stop: at,
  steps,
  attachments: [],
  parameters: [],
});

const VERDICT_STEP = /^stop conditions of (C\d+): /;
/** The stage whose verdict a step is (a gateStep), or null. */
export const verdictStageOf = (stepName: string | undefined): string | null => VERDICT_STEP.exec(stepName ?? '')?.[1] ?? null;

/**
 * A stage's verdict (a gate's, or the reporter's for a stage whose gate did not run) as a step with one sub-step per
 * stop condition: failed with its reasons, skipped with why, passed otherwise. What the quality gates read.
 */
export function gateStep(gate: GateResult, at: number): StepResult {
  const outcomes = conditionOutcomes(gate);
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  return step(
    `stop conditions of ${stageName(gate.stage)}: ${failed ? `${failed} broken` : 'none broken'}`,
    gate.passed ? Status.PASSED : Status.FAILED,
    at,
    undefined,
    outcomes.map((o) => step(o.condition.title, STEP_STATUS[o.status], at, o.lines.join('\n') || undefined)),
  );
}

/** The gate's verdict in words (markdown): what Allure shows as the test's description. */
export function gateDescription(gate: GateResult): string {
  const list = (title: string, lines: readonly string[]) => (lines.length ? [`${title}:`, '', ...lines.map((l) => `- ${l}`), ''] : []);
  const flows = gate.flows === undefined ? '' : ` on ${gate.flows} flow${gate.flows === 1 ? '' : 's'}`;
  return [
    `Gate of ${stageName(gate.stage)}${flows}: **${gate.passed ? 'passed' : 'failed'}**.`,
    '',
    ...list('Stop conditions broken', gate.reasons),
    ...list('Not evaluated', gate.notEvaluated ?? []),
  ]
    .join('\n')
    .trim();
}

function attachedTo(node: TestResult | StepResult, name: string): string[] {
  return [...node.attachments.filter((a) => a.name === name).map((a) => a.source), ...node.steps.flatMap((s) => attachedTo(s, name))];
}

function parsed<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, text: string | null): T[] {
  if (text === null) return [];
  try {
    const out = schema.safeParse(JSON.parse(text));
    return out.success ? [out.data] : [];
  } catch {
    return [];
  }
}

/**
 * Labels a result of the ramp in place: a stage's flows (project `C8`) and its gate (`gate-C8`); other results (the
 * project's own tests) are left as they are. `read` gives an attachment's text by its source file, or null.
 */
export function labelResult(result: TestResult, read: (source: string) => string | null): void {
  const project = result.labels.find((l) => l.name === LabelName.PARENT_SUITE)?.value ?? '';
  const [, gateFor, stage] = /^(gate-)?(C\d+)$/.exec(project) ?? [];
  if (!stage) return;
  const attached = <T>(name: string, schema: Parameters<typeof parsed<T>>[0]) =>
    attachedTo(result, name).flatMap((source) => parsed(schema, read(source)));
  let labels: Label[];
  if (gateFor) {
    // A gate is a blocker whatever its verdict: when it fails, the ramp stops.
    labels = procedureLabels('gate', stage, Severity.BLOCKER);
    const gate = attached(GATE_RESULT_ATTACHMENT, GateResult).at(-1);
    if (gate) {
      result.steps.push(gateStep(gate, result.stop ?? result.start ?? Date.now()));
      result.description = gateDescription(gate);
    }
  } else {
    const failed = result.status === Status.FAILED || result.status === Status.BROKEN;
    const priority = testPriority(attached(WORKER_RESULT_ATTACHMENT, WorkerResult), failed);
    labels = procedureLabels('flow', stage, priority ? SEVERITY_OF[priority] : Severity.NORMAL);
  }
  const owned = new Set(labels.map((l) => l.name));
  result.labels = [...result.labels.filter((l) => !owned.has(l.name)), ...labels];
}
