// Inputs of summarize() built by hand for its unit tests: run metadata, calls,
// notification rows and a failed flow (passing flows: stageFlow in results.ts).
import type { CallSample, NotificationResult, WorkerResult } from '../../../contract/worker-result.ts';
import type { RunMeta } from '../../../reporter/summarize.ts';
import { stageFlow } from './results.ts';

export const T0 = 1_780_000_000_000;
export const meta = (levels: number[], extra: Partial<RunMeta> = {}): RunMeta => ({
  runId: 'run-1',
  mode: 'status',
  target: 'http://127.0.0.1:4000',
  versions: {},
  gitSha: null,
  levels,
  generatedAt: '2026-06-06T12:00:00.000Z',
  ...extra,
});
export const call = (op: string, durationMs: number, extra: Partial<CallSample> = {}): CallSample => ({
  op,
  status: 200,
  outcome: 'ok',
  startedAt: T0,
  durationMs,
  timedOut: false,
  ...extra,
});
export const note = (
  step: string,
  observed: boolean,
  latencyMs: number | null,
  extra: Partial<NotificationResult> = {},
): NotificationResult => ({
  step,
  recipient: 'buyer',
  observed,
  latencyMs,
  duplicates: 0,
  ...extra,
});
/** Flow `n` of `stage`, failed as a product bug in acceptOffer. */
export const failed = (stage: number, n: number): WorkerResult =>
  stageFlow(stage, n, {
    status: 'fail',
    classification: 'product',
    errors: [{ step: 'acceptOffer', message: 'answered 500', class: 'product' }],
  });
