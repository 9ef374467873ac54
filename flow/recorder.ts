// Everything one flow observed, turned into the spec's worker result.
import { performance } from 'node:perf_hooks';
import type { Notification } from '../contract/events.ts';
import {
  CORRECTNESS_KEYS,
  measuredCorrectness,
  NO_TIMINGS,
  ZERO_CORRECTNESS,
  type CorrectnessKey,
  type CallSample,
  type Correctness,
  type FailureClass,
  type FlowError,
  type Misdelivery,
  type NotificationResult,
  type PaymentMode,
  type TabNotificationResult,
  type ProbeResult,
  type TimingsMs,
  type WorkerResult,
} from '../contract/worker-result.ts';
import type { CallRecord } from '../driver/types.ts';
import type { Received } from '../driver/inbox.ts';
import type { Reconciliation } from './reconcile.ts';
import { redactText } from '../lib/redact.ts';

export interface ExpectedNotification {
  type: Notification['type'];
  /** Role label: buyer, seller-1 (selected) ... */
  recipient: string;
  recipientUserId: string;
  /** Epoch ms when the trigger completed on the target (its call answered; for payment_confirmed, the confirmation). */
  triggeredAt: number;
  offerId?: string;
}

/** What a user's devices received, for settle(): its Inbox satisfies it. */
export interface DeviceArrivals {
  received: readonly Received[];
  /** Devices (connections) the user has: each expects its own copy. */
  devices: number;
  /** Payloads that did not match the contract. */
  malformed: readonly unknown[];
}

/** The spec's stop conditions a single flow can see: the first one stops the stage (STOP_ON_P0). */
export const P0_METRICS: readonly (keyof Correctness)[] = [
  'duplicateCredits',
  'wrongRecipient',
  'crossWorkerLeaks',
  'nonBuyerConfirmSuccess',
  'evidenceMismatches',
  'advancedWithoutPayment',
];

/** The step whose run measures each counter: a flow that ended before it has not measured the counter (null, not 0). */
const MEASURED_BY: Readonly<Record<CorrectnessKey, string>> = {
  duplicateCredits: 'ledgerProbe',
  ledgerInconsistencies: 'ledgerProbe',
  underOverpayments: 'underpaymentProbe',
  evidenceMismatches: 'evidenceProbe',
  wrongRecipient: 'notifications',
  crossWorkerLeaks: 'isolationProbe',
  nonBuyerConfirmSuccess: 'nonBuyerConfirmProbe',
  doubleAccepts: 'acceptRaceProbe',
  advancedWithoutPayment: 'unpaidAdvanceProbe',
};

/** Steps that are probes of correctness, not business: timed apart, outside `total`, and their calls tagged. */
export const isProbe = (step: string): boolean => /Probe$/.test(step) || step === 'verifyEvidence';

export const now = (): number => performance.timeOrigin + performance.now();

export class FlowRecorder {
  readonly calls: CallRecord[] = [];
  readonly timings: TimingsMs = { ...NO_TIMINGS };
  readonly errors: FlowError[] = [];
  readonly expected: ExpectedNotification[] = [];
  readonly correctness: Correctness = { ...ZERO_CORRECTNESS };
  readonly evidence: string[] = [];
  readonly probes: ProbeResult[] = [];
  /** Wall time of each probe step (ms), apart from the business timings. */
  readonly probeTimings: Record<string, number> = {};
  /** The probe step running now: its calls are tagged with it. */
  private probe: string | null = null;
  misdelivered: Misdelivery[] = [];
  /** Told of each P0 this flow sees, as "<metric>: <evidence>" (the fixture reports it to the stage). */
  onP0?: (what: string) => void;
  /** Another flow's P0 that stopped the stage: this flow ends at its next step, interrupted. */
  stoppedBy: { workerId: string; what: string } | null = null;
  malformed = { count: 0, sample: null as string | null };
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
  /** Browser mode: each expected notification in each tab of its recipient (flow/browser-tabs.ts). */
  tabNotifications: TabNotificationResult[] = [];
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
    if (this.probe) this.probeOf.set(record, this.probe);
  };

  private readonly probeOf = new Map<CallRecord, string>();

  /** Times a business step; its wall time lands in timingsMs[name]. */
  async step<T>(name: keyof TimingsMs, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.timings[name] ??= Math.round(performance.now() - t0);
    }
  }

  /** Runs a probe step: its wall time goes to probeTimings (summed when it runs again), its calls are tagged with its name. */
  async probeStep<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    const outer = this.probe;
    this.probe = name;
    try {
      return await fn();
    } finally {
      this.probe = outer;
      this.probeTimings[name] = (this.probeTimings[name] ?? 0) + Math.round(performance.now() - t0);
    }
  }

  /** Probe steps that ran (and `notifications` once settled): what the flow measured. */
  private get reached(): Set<string> {
    return new Set([...Object.keys(this.probeTimings), ...(this.settled ? ['notifications'] : [])]);
  }

  private settled = false;

  /** Probe time spent so far (ms): what `total` leaves out. */
  get probeMs(): number {
    return Object.values(this.probeTimings).reduce((a, b) => a + b, 0);
  }

  count(metric: keyof Correctness, evidence: string, n = 1): void {
    this.correctness[metric] += n;
    this.evidence.push(`${metric}: ${evidence}`);
    if (P0_METRICS.includes(metric)) this.onP0?.(`${metric}: ${redactText(evidence)}`);
  }

  fail(step: string, message: string, cls: FailureClass): void {
    this.errors.push({ step, message: redactText(message), class: cls });
  }

  /** A notification the flow expects (its recipient, its type, when it was triggered). */
  expectNotification(item: ExpectedNotification): void {
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
        ...(this.probeOf.has(c) ? { probe: this.probeOf.get(c) } : {}),
        ...(c.serverTiming ? { serverTiming: c.serverTiming } : {}),
        ...(reconciliation ? { reconciled: reconciliation.verdict, reconciledBy: redactText(reconciliation.by) } : {}),
      };
    });
    const reached = this.reached;
    return {
      workerId: this.workerId,
      stage: this.stage,
      runId: `${this.runId}-${this.workerId}`,
      status,
      ...this.ids,
      timingsMs: this.timings,
      probeTimingsMs: this.probeTimings,
      notifications: this.notificationResults,
      ...(this.tabNotifications.length ? { tabNotifications: this.tabNotifications } : {}),
      errors: this.errors,
      misdelivered: this.misdelivered,
      ...(this.stoppedBy ? { stoppedBy: this.stoppedBy } : {}),
      malformedNotifications: this.malformed,
      mode: this.mode,
      destination: this.destination,
      round: this.round,
      barrierReleasedAt: this.barrierReleasedAt,
      startedAt: this.startedAt,
      endedAt,
      calls,
      correctness: measuredCorrectness(
        this.mode,
        this.correctness,
        CORRECTNESS_KEYS.filter((key) => !reached.has(MEASURED_BY[key])),
      ),
      probes: this.probes,
      evidence: this.evidence,
      // An interrupted flow with no error of its own was cut short, not failed: it has no failure class.
      classification: this.errors[0]?.class ?? (status === 'fail' ? 'product' : null),
      reportedBy: 'worker',
      target,
    };
  }

  /**
   * Matches what the flow's inboxes received against what was expected, per device: every expected notification
   * is one row per device of its recipient (observed, latency, extra copies on that device). Every arrival nobody
   * expected is a wrong recipient (this flow's request) or a cross-worker leak, recorded with its type; payloads
   * that did not match the contract are counted apart.
   */
  settle(inboxes: ReadonlyMap<string, DeviceArrivals>, requestId: string | null, roleOf: (userId: string) => string): void {
    this.settled = true;
    const used = new Set<Received>();
    this.notificationResults = this.expected.flatMap((e) => {
      const inbox = inboxes.get(e.recipientUserId);
      const mine = (inbox?.received ?? []).filter(
        (r) =>
          r.notification.type === e.type &&
          r.notification.recipientId === e.recipientUserId &&
          r.notification.requestId === requestId &&
          (!e.offerId || r.notification.offerId === e.offerId),
      );
      mine.forEach((r) => used.add(r));
      return Array.from({ length: Math.max(1, inbox?.devices ?? 1) }, (_, device): NotificationResult => {
        const copies = mine.filter((r) => r.device === device);
        const first = copies.reduce<number | null>((min, r) => (min === null || r.at < min ? r.at : min), null);
        return {
          step: e.type,
          recipient: e.recipient,
          recipientUserId: e.recipientUserId,
          device,
          observed: copies.length > 0,
          latencyMs: first === null ? null : Math.max(0, Math.round(first - e.triggeredAt)),
          duplicates: Math.max(0, copies.length - 1),
        };
      });
    });
    for (const [userId, inbox] of inboxes) {
      for (const r of inbox.received) {
        if (used.has(r)) continue;
        const n = r.notification;
        const receivedBy = roleOf(userId);
        if (n.requestId !== requestId) {
          this.count('crossWorkerLeaks', `${receivedBy} ${userId} received ${n.type} ${n.id} of request ${n.requestId}`);
          this.misdelivered.push({ step: n.type, receivedBy, kind: 'cross-worker-leak' });
        }
        // Addressed to someone else, or of a type this user never gets: it reached the wrong inbox.
        else if (n.recipientId !== userId || !this.expected.some((e) => e.type === n.type && e.recipientUserId === userId)) {
          this.count('wrongRecipient', `${n.type} ${n.id} reached ${receivedBy} ${userId}`);
          this.misdelivered.push({ step: n.type, receivedBy, kind: 'wrong-recipient' });
        }
      }
      if (inbox.malformed.length) {
        this.malformed.count += inbox.malformed.length;
        this.malformed.sample ??= redactText(JSON.stringify(inbox.malformed[0]) ?? String(inbox.malformed[0])).slice(0, 300);
      }
    }
  }

  get timeout(): number {
    return this.timeoutMs;
  }
}
