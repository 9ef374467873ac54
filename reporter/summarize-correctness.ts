// Payment and isolation correctness of a stage: each counter summed over the
// flows that measured it (null when none did, never 0), how many flows did not
// measure it and why, and the flows and payments behind every counted one.
import {
  CORRECTNESS_KEYS,
  MEASURED_IN,
  type CorrectnessKey,
  type MeasuredCorrectness,
  type WorkerResult,
} from '../contract/worker-result.ts';
import { EXAMPLES } from './format.ts';
import type { StageSummary } from './schema.ts';

/** Why this flow has no number for a counter: its mode cannot measure it, it never reported, or it ended before the probe. */
export function notMeasuredReason(flow: Pick<WorkerResult, 'mode' | 'reportedBy'>, key: CorrectnessKey): string {
  if (flow.reportedBy === 'runner') return 'the flow did not report';
  if (!MEASURED_IN[key].includes(flow.mode)) return `${flow.mode} mode`;
  return 'the flow ended before its probe';
}

/** `4 (C8 3, C16 1)`-style parts need a number; a counter no flow of the stage measured is null, never 0. */
export const correctnessCount = (value: number | null): number => value ?? 0;

/** `<workerId> payment <id> — <evidence>`: what a correctness finding points at. */
function anomalyExample(flow: WorkerResult): string {
  return [flow.workerId, flow.paymentId ? `payment ${flow.paymentId}` : '', flow.evidence.length > 0 ? `— ${flow.evidence.join('; ')}` : '']
    .filter(Boolean)
    .join(' ');
}

/** The correctness counters of a stage's flows, added one flow at a time. */
export class CorrectnessFigures {
  // A counter is the sum over the flows that measured it; null when none did.
  private readonly correctness = Object.fromEntries(CORRECTNESS_KEYS.map((key) => [key, null])) as MeasuredCorrectness;
  private readonly evidence: StageSummary['correctnessEvidence'] = {};
  private readonly notMeasured = new Map<CorrectnessKey, { flows: number; reasons: Set<string> }>();

  add(flow: WorkerResult): void {
    for (const key of CORRECTNESS_KEYS) {
      const count = flow.correctness[key];
      if (count === null) {
        const entry = this.notMeasured.get(key) ?? { flows: 0, reasons: new Set<string>() };
        entry.flows += 1;
        entry.reasons.add(notMeasuredReason(flow, key));
        this.notMeasured.set(key, entry);
        continue;
      }
      this.correctness[key] = (this.correctness[key] ?? 0) + count;
      if (count === 0) continue;
      const evidence = (this.evidence[key] ??= { flows: 0, examples: [] });
      evidence.flows += 1;
      if (evidence.examples.length < EXAMPLES) evidence.examples.push(anomalyExample(flow));
    }
  }

  summary(): Pick<StageSummary, 'correctness' | 'correctnessNotMeasured' | 'correctnessEvidence'> {
    return {
      correctness: this.correctness,
      correctnessNotMeasured: Object.fromEntries(
        CORRECTNESS_KEYS.flatMap((key) => {
          const entry = this.notMeasured.get(key);
          return entry ? [[key, { flows: entry.flows, reason: [...entry.reasons].sort().join(', ') }]] : [];
        }),
      ),
      correctnessEvidence: this.evidence,
    };
  }
}
