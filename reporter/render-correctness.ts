// report.md's Payment Correctness: each counter over the stages that measured
// it, naming the stages that contributed; never 0 for what was not measured.
import type { CorrectnessKey } from '../contract/worker-result.ts';
import { stageName } from '../config/stages.ts';
import type { Report, StageSummary } from './schema.ts';

/** `not measured (status mode)`: a counter the stage's flows did not measure, with why. */
export function notMeasured(s: StageSummary, key: CorrectnessKey): string {
  return `not measured (${s.correctnessNotMeasured[key]?.reason ?? 'no flow measured it'})`;
}

/**
 * `0`, or `3 (C8 2, C16 1)` naming the stages that contributed, over the stages that measured the counter; never 0
 * for what was not measured: `not measured (status mode)` when no stage did, and the stages or flows left out otherwise.
 */
function counter(report: Report, key: CorrectnessKey): string {
  if (report.stages.length === 0) return 'not measured (no flow ran)';
  const measured = report.stages.filter((s) => s.correctness[key] !== null);
  const unmeasured = report.stages.filter((s) => s.correctness[key] === null);
  if (measured.length === 0) {
    const reasons = new Set(unmeasured.map((s) => s.correctnessNotMeasured[key]?.reason ?? 'no flow measured it'));
    return `not measured (${[...reasons].join('; ')})`;
  }
  const hit = measured.filter((s) => (s.correctness[key] ?? 0) > 0);
  const total = hit.reduce((n, s) => n + (s.correctness[key] ?? 0), 0);
  const value = hit.length === 0 ? '0' : `${total} (${hit.map((s) => `${stageName(s.stage)} ${s.correctness[key]}`).join(', ')})`;
  // Flows of measured stages that did not measure it (they ended before the probe, or never reported).
  const partial = measured.flatMap((s) => {
    const gap = s.correctnessNotMeasured[key];
    return gap ? [`${stageName(s.stage)} ${gap.flows} of ${s.flows} flows (${gap.reason})`] : [];
  });
  const left = [
    ...unmeasured.map((s) => `${stageName(s.stage)} ${notMeasured(s, key)}`),
    ...(partial.length ? [`not measured in ${partial.join(', ')}`] : []),
  ];
  return left.length > 0 ? `${value}; ${left.join('; ')}` : value;
}

export function paymentCorrectness(report: Report): string[] {
  return [
    '## Payment Correctness',
    '',
    `- Duplicate credits: ${counter(report, 'duplicateCredits')}`,
    `- Under/overpayment anomalies: ${counter(report, 'underOverpayments')}`,
    `- Scanner mismatches: ${counter(report, 'evidenceMismatches')}`,
    `- Ledger mismatches: ${counter(report, 'ledgerInconsistencies')}`,
    `- Also: cross-worker leaks ${counter(report, 'crossWorkerLeaks')}; non-buyer confirmation successes ${counter(report, 'nonBuyerConfirmSuccess')}; ` +
      `double accepts ${counter(report, 'doubleAccepts')}; wrong-recipient notifications ${counter(report, 'wrongRecipient')}`,
  ];
}
