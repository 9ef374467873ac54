// The worker result: the spec's "Worker Result Schema", field for field, plus
// the evidence the reporter needs (every timed call, correctness counters,
// failure class). Each flow attaches one as `escrow-worker-result`; the
// reporter writes it to reports/<runId>/workers/<workerId>.json. Emitted as a
// JSON Schema file at docs/worker-result.schema.json.
import { z } from 'zod';
import { Misdelivery, NotificationResult, TabNotificationResult } from './notification-results.ts';

export const WORKER_RESULT_CONTENT_TYPE = 'application/vnd.escrow-ramp.worker-result+json';
export const WORKER_RESULT_ATTACHMENT = 'escrow-worker-result';

export const PaymentMode = z.enum(['live', 'status', 'fixture', 'dry']);
export type PaymentMode = z.infer<typeof PaymentMode>;

/** Step timings in ms (wall time of the step); null when the mode skips the step or it never ran. */
export const TimingsMs = z.object({
  login: z.number().nullable(),
  createRequest: z.number().nullable(),
  createOffers: z.number().nullable(),
  acceptOffer: z.number().nullable(),
  createPaymentIntent: z.number().nullable(),
  scannerConfirm: z.number().nullable(),
  sellerDelivery: z.number().nullable(),
  buyerConfirmDelivery: z.number().nullable(),
  total: z.number().nullable(),
});
export type TimingsMs = z.infer<typeof TimingsMs>;
export const STEP_NAMES = Object.keys(TimingsMs.shape) as (keyof TimingsMs)[];
/** A flow's timings before any step ran. Spread it: every flow gets its own object. */
export const NO_TIMINGS: Readonly<TimingsMs> = Object.fromEntries(STEP_NAMES.map((step) => [step, null])) as TimingsMs;

// A flow's notification rows (socket copies, browser tabs, misdeliveries): contract/notification-results.ts.
export { Misdelivery, NotificationResult, TabNotificationResult } from './notification-results.ts';

/**
 * What the system of record said, after the flow, about a write that got no answer (flow/reconcile.ts decides it):
 * it happened, it did not happen, or it is unknown (no read-back exists for the op, or the read-back failed).
 */
export const Verdict = z.enum(['happened', 'did-not-happen', 'unknown']);
export type Verdict = z.infer<typeof Verdict>;

/** One timed API call (driver CallRecord without bodies). */
export const CallSample = z.object({
  op: z.string(),
  status: z.number().int().nullable(),
  outcome: z.enum(['ok', 'fail', 'info']),
  startedAt: z.number(),
  durationMs: z.number(),
  /** The call was cut at its timeout: durationMs is a censored sample. */
  timedOut: z.boolean().default(false),
  /** For an indeterminate call (outcome info: no answer), what the system of record said after the flow. Absent for answered calls. */
  reconciled: Verdict.optional(),
  /** How the reconciliation decided, e.g. `GET /requests/<id>: selectedOfferId = <offer>`. */
  reconciledBy: z.string().optional(),
  /**
   * The correctness probe that made this call (underpaymentProbe, nonBuyerConfirmProbe ...): not a business call,
   * so it is kept out of the operation's latency figures. Absent for the flow's business calls.
   */
  probe: z.string().optional(),
  /** The target's `Server-Timing` answer, sub-step name -> ms (e.g. the payment intent's); absent when it sent none. */
  serverTiming: z.record(z.string(), z.number()).optional(),
});
export type CallSample = z.infer<typeof CallSample>;

/**
 * The correctness counters as a flow counts them (FlowRecorder): violations seen, each a number. A worker result
 * carries them as MeasuredCorrectness, where a counter the flow did not measure is null.
 */
export const Correctness = z.object({
  duplicateCredits: z.number().int().nonnegative(),
  wrongRecipient: z.number().int().nonnegative(),
  crossWorkerLeaks: z.number().int().nonnegative(),
  nonBuyerConfirmSuccess: z.number().int().nonnegative(),
  ledgerInconsistencies: z.number().int().nonnegative(),
  underOverpayments: z.number().int().nonnegative(),
  /** Paid without correct chain/token/destination/amount evidence. */
  evidenceMismatches: z.number().int().nonnegative(),
  /** More than one accept succeeded when accepts raced. */
  doubleAccepts: z.number().int().nonnegative(),
  /** A request or delivery that moved on (paid, delivered, credited) while its payment was not confirmed. */
  advancedWithoutPayment: z.number().int().nonnegative().default(0),
});
export type Correctness = z.infer<typeof Correctness>;
export type CorrectnessKey = keyof Correctness;
export const CORRECTNESS_KEYS = Object.keys(Correctness.shape) as CorrectnessKey[];
export const ZERO_CORRECTNESS: Correctness = {
  duplicateCredits: 0,
  wrongRecipient: 0,
  crossWorkerLeaks: 0,
  nonBuyerConfirmSuccess: 0,
  ledgerInconsistencies: 0,
  underOverpayments: 0,
  evidenceMismatches: 0,
  doubleAccepts: 0,
  advancedWithoutPayment: 0,
};

const PAID_MODES: readonly PaymentMode[] = ['live', 'fixture'];
const EVERY_MODE: readonly PaymentMode[] = PaymentMode.options;

/**
 * The payment modes in which a flow measures each counter. Not measured is never 0: a worker result has null for a
 * counter its mode does not measure (status and dry mode pay nothing, so nothing is credited, booked or checked
 * against evidence), and also for one whose probe the flow never reached (it ended first). measuredCorrectness()
 * applies this table.
 */
export const MEASURED_IN: Readonly<Record<CorrectnessKey, readonly PaymentMode[]>> = {
  /** The ledger probe (API) and the system-of-record probe count escrow credits of the confirmed payment. */
  duplicateCredits: PAID_MODES,
  /** The ledger probe: one credit, balanced journals, release equals credit. */
  ledgerInconsistencies: PAID_MODES,
  /** The underpayment probe: half the amount must leave the payment pending. */
  underOverpayments: PAID_MODES,
  /** The evidence check of the confirmed payment (the chain in live mode, the deposits in fixture mode). */
  evidenceMismatches: PAID_MODES,
  /** The flow's inboxes (and the system of record's notification rows, when probed). */
  wrongRecipient: EVERY_MODE,
  /** The isolation probe, and other flows' notifications in this flow's inboxes. */
  crossWorkerLeaks: EVERY_MODE,
  /** The non-buyer confirmation probe. */
  nonBuyerConfirmSuccess: EVERY_MODE,
  /** The racing accepts. */
  doubleAccepts: EVERY_MODE,
  /** The unpaid-advance probe, while the payment is pending (after the underpayment; in dry mode, never paid). */
  advancedWithoutPayment: ['live', 'fixture', 'dry'],
};

const counter = (description: string) => z.number().int().nonnegative().nullable().describe(description);
const NULL_WHEN_UNPAID = 'Null in status and dry mode (nothing is paid), and when the flow ended before the probe that counts it.';
const NULL_WHEN_UNREACHED = 'Measured in every mode; null when the flow ended before the probe that counts it.';

/**
 * A worker result's correctness counters: violations seen, or null when this flow did not measure the counter: its
 * payment mode cannot (MEASURED_IN), the flow ended before the probe that counts it, or the flow's worker died and
 * the runner reported it (every counter null). A count above 0 is kept whatever the mode: a violation seen is never
 * dropped. Results written before counters could be null (all numbers) stay valid.
 */
export const MeasuredCorrectness = z.object({
  duplicateCredits: counter(`Escrow credits of the payment beyond one. ${NULL_WHEN_UNPAID}`),
  wrongRecipient: counter(`Notifications of this flow that reached a user they were not meant for. ${NULL_WHEN_UNREACHED}`),
  crossWorkerLeaks: counter(`Records or notifications of other flows this flow's users could see. ${NULL_WHEN_UNREACHED}`),
  nonBuyerConfirmSuccess: counter(`Delivery confirmations by someone not the buyer that succeeded. ${NULL_WHEN_UNREACHED}`),
  ledgerInconsistencies: counter(`Ledger journals of the payment that do not balance or do not match its credit. ${NULL_WHEN_UNPAID}`),
  underOverpayments: counter(`Under- or overpayments the target accepted as paid. ${NULL_WHEN_UNPAID}`),
  evidenceMismatches: counter(`Paid without correct chain/token/destination/amount evidence. ${NULL_WHEN_UNPAID}`),
  doubleAccepts: counter(`Offers accepted beyond one when accepts raced. ${NULL_WHEN_UNREACHED}`),
  advancedWithoutPayment: counter(
    'A request or delivery that moved on while its payment was not confirmed. Null in status mode (the status route is the payment), and when the flow ended before the unpaid-advance probe, and in results written before it existed.',
  ).default(null),
});
export type MeasuredCorrectness = z.infer<typeof MeasuredCorrectness>;

/** Every counter null: a flow that measured nothing (its worker ended before it reported). */
export const UNMEASURED_CORRECTNESS: Readonly<MeasuredCorrectness> = Object.fromEntries(
  CORRECTNESS_KEYS.map((key) => [key, null]),
) as MeasuredCorrectness;

/**
 * A flow's counts as its worker result carries them: null for each counter its mode does not measure (MEASURED_IN)
 * and for each in `unreached` (probes the flow ended before), unless the count is above 0.
 */
export function measuredCorrectness(
  mode: PaymentMode,
  counts: Correctness,
  unreached: readonly CorrectnessKey[] = [],
): MeasuredCorrectness {
  return Object.fromEntries(
    CORRECTNESS_KEYS.map((key) => {
      const measured = MEASURED_IN[key].includes(mode) && !unreached.includes(key);
      return [key, measured || counts[key] > 0 ? counts[key] : null];
    }),
  ) as MeasuredCorrectness;
}

/** The Allure label a failed flow's class travels in (set by the flow's fixture, read by the report's categories). */
export const FAILURE_CLASS_LABEL = 'failureClass';

export const FailureClass = z.enum(['product', 'setup', 'external', 'capacity', 'known-gap']);
export type FailureClass = z.infer<typeof FailureClass>;

export const FlowError = z.object({
  step: z.string(),
  message: z.string(),
  class: FailureClass,
});
export type FlowError = z.infer<typeof FlowError>;

/** A system-of-record probe: not-run (with the reason) is never counted as passed. */
export const ProbeResult = z.object({
  name: z.string(),
  status: z.enum(['pass', 'fail', 'not-run']),
  detail: z.string(),
});
export type ProbeResult = z.infer<typeof ProbeResult>;

export const WorkerResult = z.object({
  workerId: z.string(),
  stage: z.number().int().positive(),
  runId: z.string(),
  status: z.enum(['pass', 'fail', 'interrupted']),
  buyerUserId: z.string().nullable(),
  sellerUserIds: z.array(z.string()),
  purchaseRequestId: z.string().nullable(),
  selectedOfferId: z.string().nullable(),
  paymentId: z.string().nullable(),
  txHash: z.string().nullable(),
  timingsMs: TimingsMs,
  /**
   * Wall time of each correctness probe step (ms): the underpayment, the racing accepts' read-back, non-buyer
   * confirmations, evidence checks, list and ledger reads. Kept apart from timingsMs, whose `total` leaves them out.
   */
  probeTimingsMs: z.record(z.string(), z.number()).optional(),
  notifications: z.array(NotificationResult),
  /** Browser mode: each expected notification in each tab of its recipient. */
  tabNotifications: z.array(TabNotificationResult).optional(),
  errors: z.array(FlowError),
  /** Notifications that reached the wrong inbox, by type (their count is also in correctness). Absent: none recorded. */
  misdelivered: z.array(Misdelivery).optional(),
  /**
   * Socket payloads that did not match the contract's notification shape: a contract violation of the target
   * (the flow fails, class product), distinct from a missing notification. `sample` is one of them, redacted.
   * Absent in results written before it existed.
   */
  malformedNotifications: z.object({ count: z.number().int().nonnegative(), sample: z.string().nullable() }).optional(),
  // Beyond the spec's fields: what the reporter and gates need.
  mode: PaymentMode,
  /** The payment's destination address: unique across the stage. */
  destination: z.string().nullable(),
  round: z.number().int().positive(),
  /** Epoch ms at which the stage barrier released this flow (null when it never got there). */
  barrierReleasedAt: z.number().nullable(),
  startedAt: z.number(),
  endedAt: z.number(),
  calls: z.array(CallSample),
  /** The correctness counters; null where this flow did not measure one (MeasuredCorrectness says when). */
  correctness: MeasuredCorrectness,
  probes: z.array(ProbeResult),
  /** Evidence for correctness counters: payment ids with duplicate credits, and so on. */
  evidence: z.array(z.string()),
  /** Failure class of the flow (the first error's), null when it passed. */
  classification: FailureClass.nullable(),
  /** For an interrupted flow: the P0 another flow of the stage saw, which stopped this one at its next step (STOP_ON_P0). */
  stoppedBy: z.object({ workerId: z.string(), what: z.string() }).optional(),
  /** worker: the flow wrote it; runner: the flow's worker process ended before it could, and the reporter accounted for it. */
  reportedBy: z.enum(['worker', 'runner']).default('worker'),
  /** The target as the flow saw it (credentials in the URL masked) and its /version answer. */
  target: z.object({
    url: z.string(),
    versions: z.record(z.string(), z.object({ version: z.string(), gitSha: z.string().optional() })),
    gitSha: z.string().optional(),
    /** The target adapter the flow ran through (TARGET_ADAPTER), and what the target does not offer, in words. */
    adapter: z.string().optional(),
    notOffered: z.array(z.string()).optional(),
  }),
});
export type WorkerResult = z.infer<typeof WorkerResult>;

/**
 * Attached when a flow starts (attachments stream to the runner at once), so a flow whose worker process dies
 * is still accounted for: the reporter pairs each of these with a worker result, or reports the flow itself.
 */
export const FLOW_STARTED_ATTACHMENT = 'escrow-flow-started';
export const FlowStarted = z.object({
  workerId: z.string(),
  stage: z.number().int().positive(),
  runId: z.string(),
  mode: PaymentMode,
  round: z.number().int().positive(),
  startedAt: z.number(),
});
export type FlowStarted = z.infer<typeof FlowStarted>;
