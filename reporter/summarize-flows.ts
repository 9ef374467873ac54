// How a stage's flows ended: passed, failed (grouped by failure class, with
// examples) or interrupted (and which flow's P0 stopped them), how many the
// runner reported for a worker that ended first, and when they ran: peak
// concurrency, wall time, passed flows per second, barrier release to end.
import type { WorkerResult } from '../contract/worker-result.ts';
import { EXAMPLES } from './format.ts';
import type { FailureGroup, StageStop, StageSummary } from './schema.ts';

type FlowSummary = Pick<
  StageSummary,
  | 'workers'
  | 'flows'
  | 'pass'
  | 'fail'
  | 'interrupted'
  | 'runnerReported'
  | 'wallTimeMs'
  | 'flowsPerSec'
  | 'failures'
  | 'stoppedBy'
  | 'releasedToEndMs'
>;

function failureExample(flow: WorkerResult): string {
  if (flow.status === 'interrupted' && flow.stoppedBy)
    return `${flow.workerId}: stopped by the P0 ${flow.stoppedBy.workerId} saw (${flow.stoppedBy.what})`;
  const first = flow.errors[0];
  return first ? `${flow.workerId} ${first.step}: ${first.message}` : `${flow.workerId}: ${flow.status} with no error recorded`;
}

/** Most flows running at the same instant; a flow ending when another starts does not overlap it. */
function peakConcurrency(startTimes: readonly number[], endTimes: readonly number[]): number {
  const starts = Float64Array.from(startTimes).sort();
  const ends = Float64Array.from(endTimes).sort();
  let running = 0;
  let peak = 0;
  let ended = 0;
  for (const start of starts) {
    for (; ended < ends.length && ends[ended]! <= start; ended += 1) running -= 1;
    running += 1;
    peak = Math.max(peak, running);
  }
  return peak;
}

/** The outcomes of a stage's flows, added one flow at a time. */
export class FlowOutcomes {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly failures = new Map<FailureGroup['class'], FailureGroup>();
  private readonly stops = new Map<string, StageStop>();
  private pass = 0;
  private interrupted = 0;
  private runnerReported = 0;
  private startedAt = Infinity;
  private endedAt = -Infinity;
  private releasedAt = Infinity;

  add(flow: WorkerResult): void {
    this.starts.push(flow.startedAt);
    this.ends.push(flow.endedAt);
    if (flow.reportedBy === 'runner') this.runnerReported += 1;
    this.startedAt = Math.min(this.startedAt, flow.startedAt);
    this.endedAt = Math.max(this.endedAt, flow.endedAt);
    if (flow.barrierReleasedAt !== null) this.releasedAt = Math.min(this.releasedAt, flow.barrierReleasedAt);
    if (flow.status === 'pass') {
      this.pass += 1;
      return;
    }
    if (flow.status === 'interrupted') {
      this.interrupted += 1;
      if (flow.stoppedBy) {
        const key = JSON.stringify([flow.stoppedBy.workerId, flow.stoppedBy.what]);
        const stop = this.stops.get(key) ?? { ...flow.stoppedBy, interrupted: 0, examples: [] };
        stop.interrupted += 1;
        if (stop.examples.length < EXAMPLES) stop.examples.push(flow.workerId);
        this.stops.set(key, stop);
      }
    }
    const cls = flow.classification ?? (flow.status === 'interrupted' ? 'interrupted' : 'unclassified');
    const group = this.failures.get(cls) ?? { class: cls, count: 0, examples: [] };
    group.count += 1;
    if (group.examples.length < EXAMPLES) group.examples.push(failureExample(flow));
    this.failures.set(cls, group);
  }

  summary(): FlowSummary {
    const { pass, startedAt, endedAt, releasedAt } = this;
    const flows = this.starts.length;
    const wallTimeMs = flows > 0 ? endedAt - startedAt : null;
    return {
      workers: peakConcurrency(this.starts, this.ends),
      flows,
      pass,
      fail: flows - pass,
      interrupted: this.interrupted,
      runnerReported: this.runnerReported,
      wallTimeMs,
      flowsPerSec: wallTimeMs ? pass / (wallTimeMs / 1_000) : null,
      failures: [...this.failures.values()].sort((a, b) => b.count - a.count || a.class.localeCompare(b.class)),
      stoppedBy: [...this.stops.values()].sort((a, b) => b.interrupted - a.interrupted || a.workerId.localeCompare(b.workerId)),
      releasedToEndMs: releasedAt === Infinity ? null : Math.max(0, endedAt - releasedAt),
    };
  }
}
