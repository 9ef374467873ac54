// The spec's stop conditions as a list, each with how to find it among a gate's reasons (docs/procedure.md,
// "Stop conditions"). The Allure report shows each gate as one step per condition and judges each condition as a
// quality gate (reporter/allure-quality-gates.ts). Pure.
//
// The patterns must match the reasons and "not evaluated" lines evaluateGate writes (reporter/gates.ts);
// tests/unit/gate-conditions.spec.ts drives every reason through it and checks each finds its own condition.
import { STOP_CONDITIONS } from '../config/stages.ts';
import type { StageGate } from './schema.ts';

export interface StopCondition {
  /** Stable: the quality gate rule's name. */
  id: string;
  /** What holds when the condition does not stop the ramp. */
  title: string;
  /** A reason (or not-evaluated line) of this condition; the first condition whose pattern matches takes it. */
  line: RegExp;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const s = (ms: number) => `${ms / 1000} s`;

export const STOP_CONDITION_LIST: readonly StopCondition[] = [
  {
    id: 'payment-evidence',
    title: 'no payment counted as paid without matching chain, token, destination and amount evidence',
    line: /^P0 payment marked paid/,
  },
  { id: 'duplicate-credit', title: 'no duplicate ledger credit', line: /^P0 duplicate ledger credit/ },
  { id: 'wrong-recipient', title: 'no notification delivered to the wrong user', line: /^P0 notification delivered to wrong user/ },
  { id: 'missing-notification', title: 'no expected notification missing unless a known gap', line: /^P0 expected notification missing/ },
  {
    id: 'other-correctness',
    title: 'no other correctness violation (a P0 counter, a payment id or destination shared between flows)',
    line: /^P0 /,
  },
  { id: 'restarts', title: 'no component restart', line: /^component restarts/ },
  { id: 'http-5xx-rate', title: `HTTP 5xx rate at most ${pct(STOP_CONDITIONS.maxFiveXXRate)}`, line: /^HTTP 5xx rate/ },
  {
    id: 'payment-intent-p95',
    title: `create payment intent p95 not above ${s(STOP_CONDITIONS.paymentIntentP95Ms)} in ${STOP_CONDITIONS.paymentIntentConsecutiveStages} stages in a row`,
    line: /^p95 create payment intent/,
  },
  {
    id: 'scanner-p95',
    title: `scanner check and confirmation p95 at most ${s(STOP_CONDITIONS.scannerP95Ms)} (unless external RPC)`,
    line: /^scanner /,
  },
  { id: 'backlog-drained', title: `backlog drained within the ${s(STOP_CONDITIONS.cooldownMs)} cooldown`, line: /^backlog/ },
  {
    id: 'host-after-cooldown',
    title: `host CPU at most ${pct(STOP_CONDITIONS.hostCpuAfterCooldown)} and memory at most ${pct(STOP_CONDITIONS.hostMemoryAfterCooldown)} after cooldown`,
    line: /^host (CPU|memory)/,
  },
  { id: 'success-rate', title: 'completed-flow success rate at the stage target', line: /^completed-flow success/ },
  { id: 'every-flow-judged', title: 'every flow of every round judged', line: /^only \d+ of \d+ flows/ },
  // Last: a reason no condition above names still fails its gate in Allure, under this name.
  { id: 'other', title: 'no other stop condition named by the gate', line: /^/ },
];

/** The condition a gate's reason or not-evaluated line is about. */
export function conditionOf(line: string): StopCondition {
  return STOP_CONDITION_LIST.find((c) => c.line.test(line))!;
}

export interface ConditionOutcome {
  condition: StopCondition;
  /** failed: the gate names it among its reasons; skipped: it could not evaluate it (no reading). */
  status: 'passed' | 'failed' | 'skipped';
  /** The gate's reasons (failed) or not-evaluated lines (skipped) of this condition. */
  lines: string[];
}

/** A gate's verdict as one outcome per stop condition, in the list's order. */
export function conditionOutcomes(gate: Pick<StageGate, 'reasons' | 'notEvaluated'>): ConditionOutcome[] {
  const of = (lines: readonly string[], c: StopCondition) => lines.filter((line) => conditionOf(line) === c);
  return STOP_CONDITION_LIST.map((condition): ConditionOutcome => {
    const failed = of(gate.reasons, condition);
    const skipped = of(gate.notEvaluated ?? [], condition);
    if (failed.length) return { condition, status: 'failed', lines: failed };
    return { condition, status: skipped.length ? 'skipped' : 'passed', lines: skipped };
  });
}
