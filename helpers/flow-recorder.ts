// Everything one flow observed, turned into the spec's worker result.
import { performance } from 'node:perf_hooks';
import type { Notification } from '../contract/events.ts';
import {
  NO_TIMINGS,
  ZERO_CORRECTNESS,
  type CallSample,
  type Correctness,
  type FailureClass,
  type FlowError,
  type NotificationResult,
  type PaymentMode,
  type ProbeResult,
  type TimingsMs,
  type WorkerResult,
} from '../contract/worker-result.ts';
import type { CallRecord } from '../driver/types.ts';
import type { Received } from '../driver/inbox.ts';
import type { Reconciliation } from '../flow/reconcile.ts';
import { redactText } from './redact.ts';

export interface ExpectedNotification {
  type: Notification['type'];
  /** Role label: buyer, seller-1 (selected) ... */
  recipient: string;
  recipientUserId: string;
  /** Epoch ms when the triggering call started. */
  triggeredAt: number;
  offerId?: string;
}

export const now = (): number => performance.timeOrigin + performance.now();

export class FlowRecorder {
  readonly calls: CallRecord[] = [];
  readonly timings: TimingsMs = { ...NO_TIMINGS };
  readonly errors: FlowError[] = [];
  readonly expected: ExpectedNotification[] = [];
  readonly correctness: Correctness = { ...ZERO_CORRECTNESS };
  readonly evidence: string[] = [];
  readonly probes: ProbeResult[] = [];
  ids = {
    buyerUserId: null as string | null,
    sellerUserIds: [] as string[],
    purchaseRequestId: null as string | null,
    selectedOfferId: null as string | null,
    paymentId: null as string | null,
    txHash: null as string | null,
  };
  destination: string | null = null;
  barrierReleasedAt: number | null = null;
  workerId: string;
  round = 1;
  readonly startedAt = now();
  notificationResults: NotificationResult[] = [];
  /** Indeterminate writes, looked up after the flow (flow/reconcile.ts). */
  reconciliations = new Map<CallRecord, Reconciliation>();

  constructor(
    readonly stage: number,
    readonly runId: string,
    readonly mode: PaymentMode,
    provisionalId: string,
    private readonly timeoutMs: number,
  ) {
    this.workerId = provisionalId;
  }

  onCall = (record: CallRecord): void => {
    this.calls.push(record);
  };

  /** Times a step; the step's wall time lands in timingsMs[name]. */
  async step<T>(name: keyof TimingsMs, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.timings[name] = Math.round(performance.now() - t0);
    }
  }

  count(metric: keyof Correctness, evidence: string, n = 1): void {
    this.correctness[metric] += n;
    this.evidence.push(`${metric}: ${evidence}`);
  }

  fail(step: string, message: string, cls: FailureClass): void {
    this.errors.push({ step, message: redactText(message), class: cls });
  }

  expect(item: ExpectedNotification): void {
    this.expected.push(item);
  }

  toResult(status: WorkerResult['status'], target: WorkerResult['target']): WorkerResult {
    const endedAt = now();
    if (this.timings.total === null) this.timings.total = Math.round(endedAt - this.startedAt);
    const calls: CallSample[] = this.calls.map((c) => {
      const reconciliation = this.reconciliations.get(c);
      return {
        op: c.op,
        status: c.status,
        outcome: c.outcome,
        startedAt: c.startedAt,
        durationMs: c.durationMs,
        timedOut: c.outcome === 'info' && /timeout/i.test(c.error ?? ''),
        ...(reconciliation ? { reconciled: reconciliation.verdict, reconciledBy: redactText(reconciliation.by) } : {}),
      };
    });
    return {
      workerId: this.workerId,
      stage: this.stage,
      runId: `${this.runId}-${this.workerId}`,
      status,
      ...this.ids,
      timingsMs: this.timings,
      notifications: this.notificationResults,
      errors: this.errors,
      mode: this.mode,
      destination: this.destination,
      round: this.round,
      barrierReleasedAt: this.barrierReleasedAt,
      startedAt: this.startedAt,
      endedAt,
      calls,
      correctness: this.correctness,
      probes: this.probes,
      evidence: this.evidence,
      // An interrupted flow with no error of its own was cut short, not failed: it has no failure class.
      classification: this.errors[0]?.class ?? (status === 'fail' ? 'product' : null),
      reportedBy: 'worker',
      target,
    };
  }

  /**
   * Matches what the flow's inboxes received against what was expected:
   * observed/latency/duplicates per expectation, and every arrival nobody
   * expected is a wrong recipient (this flow's request) or a cross-worker leak.
   */
  settle(received: Map<string, Received[]>, requestId: string | null, roleOf: (userId: string) => string): void {
    const used = new Set<Received>();
    this.notificationResults = this.expected.map((e) => {
      const mine = (received.get(e.recipientUserId) ?? []).filter(
        (r) =>
          r.notification.type === e.type &&
          r.notification.recipientId === e.recipientUserId &&
          r.notification.requestId === requestId &&
          (!e.offerId || r.notification.offerId === e.offerId),
      );
      mine.forEach((r) => used.add(r));
      const devices = new Set(mine.map((r) => r.device)).size;
      const first = mine.reduce<number | null>((min, r) => (min === null || r.at < min ? r.at : min), null);
      return {
        step: e.type,
        recipient: e.recipient,
        recipientUserId: e.recipientUserId,
        observed: mine.length > 0,
        latencyMs: first === null ? null : Math.max(0, Math.round(first - e.triggeredAt)),
        // One arrival per device is right; every further arrival (same or another id) is a duplicate.
        duplicates: mine.length - devices,
      };
    });
    for (const [userId, list] of received) {
      for (const r of list) {
        if (used.has(r)) continue;
        const n = r.notification;
        if (n.requestId !== requestId)
          this.count('crossWorkerLeaks', `${roleOf(userId)} ${userId} received ${n.type} ${n.id} of request ${n.requestId}`);
        // Addressed to someone else, or of a type this user never gets: it reached the wrong inbox.
        else if (n.recipientId !== userId || !this.expected.some((e) => e.type === n.type && e.recipientUserId === userId)) {
          this.count('wrongRecipient', `${n.type} ${n.id} reached ${roleOf(userId)} ${userId}`);
        }
      }
    }
  }

  get timeout(): number {
    return this.timeoutMs;
  }
}
