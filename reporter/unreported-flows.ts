// Accounting for every started flow. A flow announces itself when it starts
// (FLOW_STARTED_ATTACHMENT); when its worker process dies, or the run is cut
// short, before the flow attached its worker result, the runner reports the
// flow here instead, so started = reported always holds in the report.
import { NO_TIMINGS, UNMEASURED_CORRECTNESS, type FlowStarted, type PaymentMode, type WorkerResult } from '../contract/worker-result.ts';
import { classify } from '../config/classify.ts';
import { flowId, roundOf, type FlowPlace } from '../config/flow-id.ts';
import { flowsForTest, workersFor } from '../config/stages.ts';

export interface EndedTest {
  stage: number;
  /** The run's payment mode, for a flow that never announced itself. */
  mode: PaymentMode;
  runId: string;
  /** Playwright's status of the test that ran the flows. */
  status: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  /** Its first error message, if any. */
  error: string | undefined;
  /** The test's repeat index in its stage project: with the stage's workers it names the flows (config/flow-id.ts). 0 when absent. */
  repeatEachIndex?: number;
  /** FLOWS_PER_WORKER of the run (default 1): the stage's workers and the test's slots follow from it. */
  flowsPerWorker?: number;
  /** This machine's shard, when the run is sharded (flows are then named C8-S2-W03). */
  shard?: number;
  /** Epoch ms the test started and how long it ran. */
  startTime: number;
  durationMs: number;
}

const WORKER_DIED = /worker process exited unexpectedly/i;

/** The runner's result for a flow that started but never reported. */
function runnerResult(test: EndedTest, flow: Omit<FlowStarted, 'startedAt'> & { startedAt: number }): WorkerResult {
  const interrupted = test.status === 'interrupted';
  const reason = test.error?.split('\n')[0] ?? `test ${test.status}`;
  const message = WORKER_DIED.test(reason)
    ? `the flow's worker process ended before the flow reported: ${reason}`
    : `the flow did not report a result (test ${test.status}): ${reason}`;
  // A worker process killed under the stage (OOM killer, a crash) is the load generator's infrastructure, not the target.
  const cls = WORKER_DIED.test(reason) ? 'capacity' : classify('runner', message);
  return {
    workerId: flow.workerId,
    stage: flow.stage,
    runId: `${flow.runId}-${flow.workerId}`,
    status: interrupted ? 'interrupted' : 'fail',
    buyerUserId: null,
    sellerUserIds: [],
    purchaseRequestId: null,
    selectedOfferId: null,
    paymentId: null,
    txHash: null,
    timingsMs: { ...NO_TIMINGS },
    notifications: [],
    errors: interrupted ? [] : [{ step: 'runner', message, class: cls }],
    mode: flow.mode,
    destination: null,
    round: flow.round,
    barrierReleasedAt: null,
    startedAt: flow.startedAt,
    endedAt: Math.max(flow.startedAt, test.startTime + test.durationMs),
    calls: [],
    // The flow never reported what it saw: nothing of it was measured, so no counter is 0.
    correctness: { ...UNMEASURED_CORRECTNESS },
    probes: [],
    evidence: [],
    classification: interrupted ? null : cls,
    reportedBy: 'runner',
    target: { url: 'unknown', versions: {} },
  };
}

/**
 * The flows a test that announced none was to run, named as the flows name themselves (flowId: C8-W03, C8-W03-R2 in
 * round 2, C8-W03-F02 for slot 2 of a multi-flow worker): one per slot, in its first flow of the slot.
 */
export function plannedFlows(test: EndedTest): Pick<FlowStarted, 'workerId' | 'round'>[] {
  const perWorker = test.flowsPerWorker ?? 1;
  const repeatEachIndex = test.repeatEachIndex ?? 0;
  const slots = flowsForTest(test.stage, perWorker, repeatEachIndex);
  return Array.from({ length: slots }, (_, slot) => {
    const place: FlowPlace = {
      stage: test.stage,
      repeatEachIndex,
      workers: workersFor(test.stage, perWorker),
      nth: 1,
      ...(slots > 1 ? { slot } : {}),
      ...(test.shard !== undefined ? { shard: test.shard } : {}),
    };
    return { workerId: flowId(place), round: roundOf(place) };
  });
}

/**
 * Results for the flows of one ended test that have none: each announced flow without a worker result, or,
 * when the test ran (not skipped) and neither announced nor reported a flow, the flows it was to run (plannedFlows).
 * `unreadable` worker results are collection errors already: that many announced flows count as reported.
 */
export function unreportedFlows(
  test: EndedTest,
  started: readonly FlowStarted[],
  reported: readonly WorkerResult[],
  unreadable = 0,
): WorkerResult[] {
  if (test.status === 'skipped') return [];
  const seen = new Set(reported.map((r) => r.workerId));
  const missing = started.filter((s) => !seen.has(s.workerId)).slice(unreadable);
  if (started.length > 0 || reported.length + unreadable > 0) return missing.map((s) => runnerResult(test, s));
  return plannedFlows(test).map(({ workerId, round }) =>
    runnerResult(test, { workerId, stage: test.stage, runId: test.runId, mode: test.mode, round, startedAt: test.startTime }),
  );
}
