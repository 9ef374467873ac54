// Notification Results of a stage, counted in copies (a row per device of each
// recipient): per type expected, observed, missing (known gaps apart) with
// examples, duplicates, wrong recipients and cross-worker leaks by type, and
// latency; payloads that broke the contract; devices per recipient.
import type { NotificationResult, WorkerResult } from '../contract/worker-result.ts';
import { percentileOrNull } from '../lib/stats.ts';
import { EXAMPLES } from './format.ts';
import type { LatencyStats, NotificationStep, StageNotifications } from './schema.ts';

interface NotificationAcc {
  expected: number;
  observed: number;
  knownGap: number;
  duplicates: number;
  wrongRecipient: number | null;
  crossWorkerLeaks: number | null;
  latencies: number[];
  missingExamples: string[];
}

const newNotificationAcc = (): NotificationAcc => ({
  expected: 0,
  observed: 0,
  knownGap: 0,
  duplicates: 0,
  wrongRecipient: null,
  crossWorkerLeaks: null,
  latencies: [],
  missingExamples: [],
});

/** `C2-W01 → buyer`, or `C2-W01 → buyer device 2` when the flow's recipients have several devices. */
function copyName(flow: WorkerResult, n: NotificationResult, devices: boolean): string {
  return `${flow.workerId} → ${n.recipient}${devices && n.device !== undefined ? ` device ${n.device + 1}` : ''}`;
}

/** The notifications of a stage's flows, added one flow at a time. */
export class NotificationFigures {
  private readonly byType = new Map<string, NotificationAcc>();
  private malformed: StageNotifications['malformed'] = null;
  private devicesPerRecipient: number | null = null;

  private of(step: string): NotificationAcc {
    let acc = this.byType.get(step);
    if (!acc) this.byType.set(step, (acc = newNotificationAcc()));
    return acc;
  }

  /** `covered`: the types whose missing copies an approved known gap covered in this flow (coveredTypes). */
  add(flow: WorkerResult, covered: ReadonlyMap<string, string>): void {
    const devices = flow.notifications.some((n) => (n.device ?? 0) > 0);
    for (const n of flow.notifications) {
      if (n.device !== undefined) this.devicesPerRecipient = Math.max(this.devicesPerRecipient ?? 1, n.device + 1);
      const acc = this.of(n.step);
      acc.expected += 1;
      acc.duplicates += n.duplicates;
      if (!n.observed) {
        if (covered.has(n.step)) acc.knownGap += 1;
        else if (acc.missingExamples.length < EXAMPLES) acc.missingExamples.push(copyName(flow, n, devices));
        continue;
      }
      acc.observed += 1;
      if (n.latencyMs !== null) acc.latencies.push(n.latencyMs);
    }
    // Misdeliveries by type: measured where the flow settled its inboxes (its wrongRecipient counter is a number) and says by type.
    if (flow.misdelivered !== undefined && flow.correctness.wrongRecipient !== null) {
      for (const n of flow.notifications) {
        const acc = this.of(n.step);
        acc.wrongRecipient ??= 0;
        acc.crossWorkerLeaks ??= 0;
      }
      for (const m of flow.misdelivered) {
        const acc = this.of(m.step);
        if (m.kind === 'wrong-recipient') acc.wrongRecipient = (acc.wrongRecipient ?? 0) + 1;
        else acc.crossWorkerLeaks = (acc.crossWorkerLeaks ?? 0) + 1;
        acc.wrongRecipient ??= 0;
        acc.crossWorkerLeaks ??= 0;
      }
    }
    if (flow.malformedNotifications) {
      this.malformed ??= { count: 0, flows: 0, sample: null };
      this.malformed.count += flow.malformedNotifications.count;
      if (flow.malformedNotifications.count > 0) {
        this.malformed.flows += 1;
        this.malformed.sample ??= flow.malformedNotifications.sample;
      }
    }
  }

  /** The visibility latency of every observed copy: the stage's `notification` op. */
  latencies(): number[] {
    return [...this.byType.values()].flatMap((acc) => acc.latencies);
  }

  /**
   * The stage's Notification Results. `latency`: the stage's `notification` op (its p50 and p95 are the stage's);
   * `wrongRecipient`: the flows' counter summed (sockets, GET /notifications and system-of-record probes alike).
   */
  summary(latency: LatencyStats | undefined, wrongRecipient: number | null): StageNotifications {
    const steps: NotificationStep[] = [...this.byType.keys()].sort().map((step) => {
      const acc = this.byType.get(step)!;
      const { expected, observed, knownGap, duplicates, wrongRecipient, crossWorkerLeaks, missingExamples } = acc;
      return {
        step,
        expected,
        observed,
        missing: expected - observed,
        knownGap,
        duplicates,
        wrongRecipient,
        crossWorkerLeaks,
        p95LatencyMs: percentileOrNull(acc.latencies, 95),
        missingExamples,
      };
    });
    const sum = (field: 'expected' | 'observed' | 'missing' | 'knownGap' | 'duplicates') => steps.reduce((total, s) => total + s[field], 0);
    return {
      expected: sum('expected'),
      observed: sum('observed'),
      missing: sum('missing'),
      knownGap: sum('knownGap'),
      wrongRecipient,
      duplicates: sum('duplicates'),
      p50LatencyMs: latency?.p50 ?? null,
      p95LatencyMs: latency?.p95 ?? null,
      devicesPerRecipient: this.devicesPerRecipient,
      malformed: this.malformed,
      steps,
    };
  }
}
