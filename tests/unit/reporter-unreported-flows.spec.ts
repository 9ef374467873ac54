import { expect, test } from '@playwright/test';
import type { FlowStarted } from '../../contract/worker-result.ts';
import { flowId } from '../../config/flow-id.ts';
import { plannedFlows, unreportedFlows, type EndedTest } from '../../reporter/unreported-flows.ts';
import { summarizeStage } from '../../reporter/summarize.ts';
import { baseWorkerResult } from '../../reporter/synthetic.ts';

const T0 = 1_780_000_000_000;
const ended = (extra: Partial<EndedTest> = {}): EndedTest => ({
  stage: 4,
  mode: 'status',
  runId: 'run-1',
  status: 'failed',
  error: undefined,
  repeatEachIndex: 2,
  startTime: T0,
  durationMs: 5_000,
  ...extra,
});
const started = (workerId: string, round = 1): FlowStarted => ({
  workerId,
  stage: 4,
  runId: 'run-1',
  mode: 'status',
  round,
  startedAt: T0 + round,
});

test('a flow whose worker process died is reported by the runner as a capacity failure', () => {
  const [flow, ...rest] = unreportedFlows(
    ended({ error: 'Error: worker process exited unexpectedly (code=null, signal=SIGKILL)' }),
    [started('C4-W03')],
    [],
  );
  expect(rest).toEqual([]);
  expect(flow).toMatchObject({
    workerId: 'C4-W03',
    runId: 'run-1-C4-W03',
    status: 'fail',
    classification: 'capacity',
    reportedBy: 'runner',
    startedAt: T0 + 1,
    endedAt: T0 + 5_000,
  });
  expect(flow!.errors[0]!.message).toContain('signal=SIGKILL');
});

test('only announced flows without a result are added; reported ones are not doubled', () => {
  const reported = [baseWorkerResult({ workerId: 'C4-W03', stage: 4 })];
  const added = unreportedFlows(
    ended({ error: 'Error: worker process exited unexpectedly' }),
    [started('C4-W03'), started('C4-W03-R2', 2)],
    reported,
  );
  expect(added.map((f) => f.workerId)).toEqual(['C4-W03-R2']);
  expect(added[0]!.round).toBe(2);
});

test('flows of an interrupted run are interrupted, with no failure class', () => {
  const [flow] = unreportedFlows(ended({ status: 'interrupted' }), [started('C4-W01')], []);
  expect(flow).toMatchObject({ status: 'interrupted', classification: null, errors: [] });
  const stage = summarizeStage(4, [flow!, baseWorkerResult({ stage: 4 })], null, 0);
  expect(stage).toMatchObject({ flows: 2, pass: 1, fail: 1, interrupted: 1, runnerReported: 1 });
  expect(stage.failures).toEqual([expect.objectContaining({ class: 'interrupted', count: 1 })]);
});

test('a test that ran but announced no flow still counts as one flow; a skipped one does not', () => {
  const [flow] = unreportedFlows(ended({ error: 'Error: setup failed: ECONNREFUSED 127.0.0.1:9' }), [], []);
  expect(flow).toMatchObject({ workerId: 'C4-W03', status: 'fail', reportedBy: 'runner', classification: 'capacity' });
  expect(unreportedFlows(ended({ status: 'skipped' }), [], [])).toEqual([]);
  expect(unreportedFlows(ended({ status: 'passed' }), [started('C4-W03')], [baseWorkerResult({ workerId: 'C4-W03' })])).toEqual([]);
});

test("a flow the runner reports is named as the flows name themselves: by repeat index and the stage's workers, not the worker slot", () => {
  // C4, ROUNDS=2: repeat indexes 0..7 over 4 workers; index 6 is worker 3 of round 2. Playwright's worker slot says nothing of it.
  const [flow] = unreportedFlows(ended({ repeatEachIndex: 6, error: 'Error: setup failed' }), [], []);
  expect(flow).toMatchObject({ workerId: 'C4-W03-R2', round: 2, runId: 'run-1-C4-W03-R2' });
  expect(flow!.workerId).toBe(flowId({ stage: 4, repeatEachIndex: 6, workers: 4, nth: 1 }));
  // Repeat index 3 is round 1's worker 4.
  expect(plannedFlows(ended({ repeatEachIndex: 3 }))).toEqual([{ workerId: 'C4-W04', round: 1 }]);
});

test('FLOWS_PER_WORKER: a test that announced none counts each flow it was to run, one per slot; a shard names its flows', () => {
  // C8 with 3 flows per worker: workers = ceil(8 / 3) = 3, holding 3, 3 and 2 flows. Repeat index 5 is worker 3 of round 2.
  expect(plannedFlows(ended({ stage: 8, flowsPerWorker: 3, repeatEachIndex: 5 }))).toEqual([
    { workerId: 'C8-W03-F01-R2', round: 2 },
    { workerId: 'C8-W03-F02-R2', round: 2 },
  ]);
  expect(unreportedFlows(ended({ stage: 8, flowsPerWorker: 3, repeatEachIndex: 0 }), [], []).map((f) => f.workerId)).toEqual([
    'C8-W01-F01',
    'C8-W01-F02',
    'C8-W01-F03',
  ]);
  expect(plannedFlows(ended({ stage: 2, repeatEachIndex: 1, shard: 2 }))).toEqual([{ workerId: 'C2-S2-W02', round: 1 }]);
});
