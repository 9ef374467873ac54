// Worker results built by hand for the reporter's tests: flow n of a stage, named
// as the suite names it (config/flow-id.ts), on the synthetic base flow.
import { flowId } from '../../../config/flow-id.ts';
import type { WorkerResult } from '../../../contract/worker-result.ts';
import { baseWorkerResult } from '../../../reporter/synthetic.ts';

/** The worker id of flow `n` (from 1) of the stage's first round: C8-W03 for stage 8, n 3. */
export const workerIdOf = (stage: number, n: number): string => flowId({ stage, repeatEachIndex: n - 1, workers: n, nth: 1 });

/** A passing flow `n` of `stage` with its worker id; override what a case needs. */
export const stageFlow = (stage: number, n: number, extra: Partial<WorkerResult> = {}): WorkerResult =>
  baseWorkerResult({ stage, workerId: workerIdOf(stage, n), ...extra });
