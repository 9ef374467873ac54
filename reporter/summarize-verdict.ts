// The stop conditions, stage by stage and for the run: whether a stage passed
// and why not, how far the ramp held (safe concurrency), the run's overall
// result, every condition that failed it, and its stop reason.
import { STOP_CONDITIONS, stageName } from '../config/stages.ts';
import { stopLine } from './findings-correctness.ts';
import type { CollectionError, Report, StageGate, StageSummary } from './schema.ts';
import { correctnessCount } from './summarize-correctness.ts';

/** The stop reason of a run in which no flow ran and none was expected to report: nothing was measured. */
export const NOTHING_MEASURED = 'no flow ran, nothing was measured';

/** A stage passes when every flow passed, its gate (if any) passed, every result was readable and no P0 counter is above 0. */
export function stagePassed(
  s: Pick<StageSummary, 'flows' | 'pass' | 'correctness'>,
  gate: StageGate | null,
  collectionErrors: number,
): boolean {
  // A P0 counter fails the stage even if its flow claimed to pass: the spec stops the ramp on it.
  const zeroToleranceBroken = STOP_CONDITIONS.zeroTolerance.some((key) => correctnessCount(s.correctness[key]) > 0);
  return s.flows > 0 && s.pass === s.flows && (gate?.passed ?? true) && collectionErrors === 0 && !zeroToleranceBroken;
}

/** Why a stage did not pass, one part per stop condition (each gate reason its own part). */
function stageFailureParts(s: StageSummary): string[] {
  const parts: string[] = [];
  if (s.flows === 0) parts.push('no readable worker results');
  if (s.fail > 0) parts.push(`${s.fail} of ${s.flows} flows failed (${s.failures.map((f) => `${f.class} ${f.count}`).join(', ')})`);
  const broken = STOP_CONDITIONS.zeroTolerance.filter((key) => correctnessCount(s.correctness[key]) > 0);
  if (broken.length > 0) parts.push(`P0 correctness: ${broken.map((key) => `${key} ${s.correctness[key]}`).join(', ')}`);
  for (const stop of s.stoppedBy) parts.push(stopLine(stop));
  if (s.gate && !s.gate.passed) parts.push(...s.gate.reasons.map((reason) => `gate: ${reason}`));
  if (s.collectionErrors > 0) parts.push(`${s.collectionErrors} worker results missing or unreadable`);
  return parts;
}

function stageFailureReason(s: StageSummary): string {
  return `${stageName(s.stage)} failed: ${stageFailureParts(s).join('; ')}`;
}

function rampStopReason(firstBreak: number, stageByLevel: ReadonlyMap<number, StageSummary>, stagesNotRun: readonly number[]): string {
  const stage = stageByLevel.get(firstBreak);
  const skipped = stagesNotRun.filter((level) => level > firstBreak);
  return [
    stage ? stageFailureReason(stage) : `${stageName(firstBreak)} produced no worker results`,
    ...(skipped.length > 0 ? [`not run: ${skipped.map(stageName).join(', ')}`] : []),
  ].join('; ');
}

export interface RunVerdictInput {
  /** Every stage of the run, selected or with results, ascending. */
  levels: readonly number[];
  /** The stages with results (or collection errors), ascending. */
  stages: readonly StageSummary[];
  stagesNotRun: readonly number[];
  collectionErrors: readonly CollectionError[];
  /** Some flow reported, or some result could not be read. */
  measured: boolean;
  /** A stop reason the results cannot show (e.g. the ramp runner's). */
  stopReason: string | undefined;
}

/** The run's verdict on its stages. */
export function runVerdict({
  levels,
  stages,
  stagesNotRun,
  collectionErrors,
  measured,
  stopReason,
}: RunVerdictInput): Pick<Report, 'overall' | 'safeConcurrency' | 'safeConcurrencyNote' | 'stopReason' | 'failedConditions'> {
  const stageByLevel = new Map(stages.map((s) => [s.stage, s]));
  // Safe concurrency: the ramp holds only while every stage up to it passed, so the first gap or failure ends it.
  // A stage whose measurements the load generator saturated proves nothing about the target: safe concurrency stops below it.
  let safeConcurrency: number | null = null;
  let firstBreak: number | undefined;
  let saturatedAt: StageSummary | undefined;
  for (const level of levels) {
    const stage = stageByLevel.get(level);
    if (!stage?.passed) {
      firstBreak = level;
      break;
    }
    if (stage.loadGenerator?.saturated) {
      saturatedAt = stage;
      break;
    }
    safeConcurrency = level;
  }
  const safeConcurrencyNote = saturatedAt
    ? `not claimed at ${stageName(saturatedAt.stage)} or above: the load generator was saturated there (${saturatedAt.loadGenerator!.reasons.join('; ')}), so its latencies include client-side queuing`
    : null;
  const unattributed = collectionErrors.filter((e) => e.stage === null).length;
  const unattributedReason = unattributed > 0 ? `${unattributed} test results could not be attributed to a stage` : null;
  // Nothing reported at all (the preflight failed, or no stage ran): the profile measured nothing, which is neither PASS nor FAIL.
  const overall: Report['overall'] = !measured
    ? 'not-measured'
    : levels.length > 0 && firstBreak === undefined && unattributed === 0
      ? 'pass'
      : 'fail';
  // Every stop condition that fails the run, named by stage: what the run's exit code stands for.
  const failedConditions =
    overall !== 'fail'
      ? []
      : [
          ...stages.filter((s) => !s.passed).flatMap((s) => stageFailureParts(s).map((part) => `${stageName(s.stage)}: ${part}`)),
          ...stagesNotRun.map((level) => `${stageName(level)}: selected but not run (no worker results)`),
          ...(unattributedReason ? [unattributedReason] : []),
        ];
  return {
    overall,
    safeConcurrency,
    safeConcurrencyNote,
    stopReason:
      stopReason ??
      (!measured ? NOTHING_MEASURED : null) ??
      (firstBreak === undefined ? null : rampStopReason(firstBreak, stageByLevel, stagesNotRun)) ??
      unattributedReason,
    failedConditions,
  };
}
