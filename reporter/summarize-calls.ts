// What a stage's calls and timings say: latency per operation (a probe's calls
// left out of it and counted apart), per step and per probe, the p95 columns of
// Stage Results, the 5xx rate, and the writes that got no answer with what the
// system of record said about them after the flow.
import { STEP_NAMES, type WorkerResult } from '../contract/worker-result.ts';
import { compactSamples } from './compare-stats.ts';
import { EXAMPLES } from './format.ts';
import { emptySamples, statsByKey, type Samples } from './latency.ts';
import type { StageSummary } from './schema.ts';

/** Op name of notification visibility latency in StageSummary.ops; must match the LATENCY_GOALS key. */
export const NOTIFICATION_OP = 'notification';
/** Op name of notification visibility in a browser tab (browser mode); must match the LATENCY_GOALS key. */
export const TAB_NOTIFICATION_OP = 'notificationVisible';
/** The ops that are notifications, not API calls. */
export const NOTIFICATION_OPS: readonly string[] = [NOTIFICATION_OP, TAB_NOTIFICATION_OP];

type CallSummary = Pick<
  StageSummary,
  'ops' | 'opSamples' | 'probeTimings' | 'probeCalls' | 'steps' | 'p95' | 'fiveXXRate' | 'indeterminate'
>;

function addSample(into: Map<string, Samples>, key: string, durationMs: number, censored: boolean): void {
  let samples = into.get(key);
  if (!samples) into.set(key, (samples = emptySamples()));
  samples.durations.push(durationMs);
  if (censored) samples.censored += 1;
}

/** The calls and timings of a stage's flows, added one flow at a time. */
export class CallFigures {
  private readonly ops = new Map<string, Samples>();
  private readonly steps = new Map<string, Samples>();
  private readonly probeTimings = new Map<string, Samples>();
  private readonly probeCalls: Record<string, number> = {};
  private readonly indeterminate = { writes: 0, happened: 0, didNotHappen: 0, unknown: 0, examples: [] as string[] };
  private withStatus = 0;
  private fiveXX = 0;

  add(flow: WorkerResult): void {
    const indeterminate = this.indeterminate;
    for (const call of flow.calls) {
      // A probe's calls are correctness checks, not the operation's business latency: counted apart.
      if (call.probe === undefined) addSample(this.ops, call.op, call.durationMs, call.timedOut);
      else this.probeCalls[call.probe] = (this.probeCalls[call.probe] ?? 0) + 1;
      if (call.reconciled) {
        indeterminate.writes += 1;
        if (call.reconciled === 'happened') indeterminate.happened += 1;
        else if (call.reconciled === 'did-not-happen') indeterminate.didNotHappen += 1;
        else indeterminate.unknown += 1;
        if (indeterminate.examples.length < EXAMPLES)
          indeterminate.examples.push(
            `${flow.workerId} ${call.op}: ${call.reconciled}${call.reconciledBy ? ` (${call.reconciledBy})` : ''}`,
          );
      }
      // A 5xx is the target failing whoever asked, probe or not.
      if (call.status === null) continue;
      this.withStatus += 1;
      if (call.status >= 500) this.fiveXX += 1;
    }
    for (const step of STEP_NAMES) {
      const ms = flow.timingsMs[step];
      if (ms !== null) addSample(this.steps, step, ms, false);
    }
    for (const [probe, ms] of Object.entries(flow.probeTimingsMs ?? {})) addSample(this.probeTimings, probe, ms, false);
    // Browser mode: one sample per expected notification visible in a tab of its recipient (one not visible fails the flow).
    for (const row of flow.tabNotifications ?? [])
      if (row.latencyMs !== null) addSample(this.ops, TAB_NOTIFICATION_OP, row.latencyMs, false);
  }

  /** The figures; `notificationLatencies` (each observed copy's) join the ops as NOTIFICATION_OP. */
  summary(notificationLatencies: readonly number[]): CallSummary {
    for (const ms of notificationLatencies) addSample(this.ops, NOTIFICATION_OP, ms, false);
    const ops = statsByKey(this.ops);
    const steps = statsByKey(this.steps);
    const probeCalls = this.probeCalls;
    return {
      ops,
      // Each op's samples, compact, so a later run can be compared with this one (reporter/compare.ts).
      opSamples: Object.fromEntries(Object.keys(ops).map((op) => [op, compactSamples(this.ops.get(op)!.durations)])),
      probeTimings: statsByKey(this.probeTimings),
      probeCalls: Object.fromEntries(
        Object.keys(probeCalls)
          .sort()
          .map((probe) => [probe, probeCalls[probe]!]),
      ),
      steps,
      p95: {
        totalMs: steps.total?.p95 ?? null,
        paymentIntentMs: ops.createPaymentIntent?.p95 ?? null,
        scannerCheckMs: ops.scannerCheck?.p95 ?? null,
        scannerConfirmMs: steps.scannerConfirm?.p95 ?? null,
        notificationMs: ops[NOTIFICATION_OP]?.p95 ?? null,
      },
      fiveXXRate: this.withStatus > 0 ? this.fiveXX / this.withStatus : null,
      indeterminate: this.indeterminate,
    };
  }
}
