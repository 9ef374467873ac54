// The target as the suite sees it: EscrowDriver (the business operations, in the suite's own shapes) and
// TargetAdapter (how to build a driver, where notifications come from, what else the target offers).
// A user with another API writes one adapter (docs/retargeting.md), not a fork of the suite.
import type { Notification, NotificationList, NotificationType } from '../contract/events.ts';
import type {
  ChainInfo,
  CreateRequestBody,
  Health,
  Offer,
  Payment,
  PaymentLedger,
  PurchaseRequest,
  RegisterBody,
  RequestDetail,
  RequestList,
  Session,
  Version,
} from '../contract/http.ts';
import type { Locator, Page } from '@playwright/test';
import type { Agent } from 'undici';

/** ok: the call did what was asked; fail: it answered no; info: outcome unknown (timeout, dropped connection). */
export type Outcome = 'ok' | 'fail' | 'info';

export interface CallRecord {
  op: string;
  method: string;
  path: string;
  /** HTTP status, or null when no response arrived. */
  status: number | null;
  outcome: Outcome;
  /** Epoch ms at the intended start of the call. */
  startedAt: number;
  /** Monotonic duration from the intended start to the end of the response body. */
  durationMs: number;
  error?: string;
  /** What the call was about, in the suite's terms (driver/subject.ts); absent for calls made outside the flow's driver. */
  subject?: CallSubject;
  requestBody?: unknown;
  responseBody?: unknown;
  /** The answer's `Server-Timing` header, as sub-step name -> ms (a name given twice is summed); absent without one. */
  serverTiming?: Record<string, number>;
}

export interface CallSubject {
  requestId?: string;
  offerId?: string;
  paymentId?: string;
  title?: string;
  price?: string;
  status?: string;
}

/** The target's "no", in the suite's words: a machine code, a message, and the offending field when there is one. */
export interface ApiFailure {
  error: string;
  message: string;
  field?: string;
}

/** A call's result: the data when the target did what was asked (ok), its error when it answered no. */
export type ApiResult<T> =
  | { ok: true; status: number; data: T; error?: undefined; record: CallRecord }
  | { ok: false; status: number; data?: undefined; error: ApiFailure; record: CallRecord };

export type Credentials = { username: string; password: string };
type Out<T> = Promise<ApiResult<T>>;

/**
 * The business operations of one escrow flow. Ids are opaque strings; amounts are decimal strings of the token's
 * base units. Methods marked optional are capabilities: a target without one is reported "not measured (the target
 * offers no ...)" where the suite would use it, and a mode that needs it is refused before any request.
 */
export interface EscrowDriver {
  readonly baseUrl: string;
  /** Self-registration of test users; without it, users come from TARGET_USERS_FILE. */
  register?(body: RegisterBody): Out<Session>;
  login(credentials: Credentials): Out<Session>;
  createRequest(token: string, body: CreateRequestBody): Out<PurchaseRequest>;
  listRequests(token: string): Out<RequestList>;
  getRequest(token: string, requestId: string): Out<RequestDetail>;
  createOffer(token: string, requestId: string, price: string): Out<Offer>;
  acceptOffer(token: string, requestId: string, offerId: string): Out<PurchaseRequest>;
  createPaymentIntent(token: string, requestId: string): Out<Payment>;
  /** The on-demand check that the payment arrived (live mode waits on it). */
  checkPayment(token: string, paymentId: string): Out<Payment>;
  deliver(token: string, requestId: string, note?: string): Out<PurchaseRequest>;
  confirmDelivery(token: string, requestId: string): Out<PurchaseRequest>;
  /** A read of one payment (the cross-flow isolation probe asks for another flow's). */
  getPayment?(token: string, paymentId: string): Out<Payment>;
  /** Status mode: moves the request to `payment`, then `paid`, without money. */
  setStatus?(token: string, requestId: string, status: 'payment' | 'paid'): Out<PurchaseRequest>;
  /** Fixture mode: a test deposit credited to the payment. */
  fixtureDeposit?(token: string, paymentId: string, amount?: string): Out<Payment>;
  /** The payment's ledger journals (duplicate credits, balanced postings). */
  paymentLedger?(token: string, paymentId: string): Out<PaymentLedger>;
  /** The user's persisted notifications (list-side isolation, persisted = delivered). */
  listNotifications?(token: string, query?: { requestId?: string; type?: string }): Out<NotificationList>;
  /** Chain facts: chain id, token, decimals, confirmations, RPC, and which test routes are on. */
  chain?(): Out<ChainInfo>;
  health?(): Out<Health>;
  version?(): Out<Version>;
  close?(): Promise<void>;
}

/** What a driver is built with: one per flow (its calls go to the flow's recorder) and one for the runner. */
export interface DriverOptions {
  baseUrl: string;
  timeoutMs: number;
  onCall?: (record: CallRecord) => void;
  /** Keep redacted bodies in call records (the failed-flow log). */
  keepBodies?: boolean;
  /** The worker's connection pool, shared by its flows. */
  dispatcher?: Agent;
}

/** One device (connection) of one user, as the notification source is asked to open it. */
export interface DeviceRequest {
  baseUrl: string;
  user: { id: string; token: string };
  device: number;
  timeoutMs: number;
  /** Every payload the device receives: the suite's Notification, or a payload the adapter could not map. */
  deliver: (payload: Notification | Unmapped) => void;
}

/** A payload the adapter could not map to a notification: counted as a contract violation, a sample kept. */
export interface Unmapped {
  unmapped: unknown;
  reason: string;
}

export interface NotificationSource {
  /** Resolves once the device is connected and will receive; rejects with a message naming the user and device. */
  connect(request: DeviceRequest): Promise<{ close(): void }>;
}

/** Who a trigger notifies: the flow's roles. */
export type Audience = 'invitedSellers' | 'buyer' | 'selectedSeller' | 'otherInvitedSellers';
/** The moments of the flow that notify someone. */
export type Trigger = 'createRequest' | 'createOffer' | 'acceptOffer' | 'paymentConfirmed' | 'sellerDelivery' | 'buyerConfirmDelivery';
/** Which trigger notifies whom, with which notification type: data, which an adapter may extend or override. */
export type NotificationMatrix = Record<Trigger, readonly { type: NotificationType; to: Audience }[]>;

/**
 * What the target offers beyond the driver's methods. A capability the target lacks turns every check and figure
 * that needs it into "not measured (the target offers no <capability>)".
 */
export interface DeclaredCapabilities {
  /** The system-of-record probes may read this Postgres schema (PG_URL with PG_PROBE_SQL, or the sandbox's database). */
  systemOfRecord?: 'postgres' | null;
  /** The target's processes run on this machine and its health lists their pids (the sandbox): sampled from /proc. */
  localProcesses?: boolean;
  /** Prometheus text endpoints per component, relative to the base URL or absolute (sampled beside the run). */
  metrics?: Record<string, string>;
  /** The metric of pending payment checks (the backlog-drain stop condition), in the target's name. */
  backlogGauge?: string | null;
}

/** A notification as a front end renders it: enough to tell whose it is. */
export interface RenderedNotification {
  id: string;
  type: string;
  requestId?: string;
}

/**
 * The target's web front end (browser mode, BROWSER_TABS_PER_USER): how a tab signs in as a user, and where a
 * notification is on the page. The suite opens the tabs, asserts and times; the adapter only knows the page.
 */
export interface FrontEnd {
  /** Opens `url` in `page` signed in with the user's session; resolves once the page shows that user's notifications. */
  signIn(page: Page, url: string, user: { id: string; token: string }): Promise<void>;
  /** The notification list (screenshots at failure). */
  list(page: Page): Locator;
  /** One notification: by id when the suite knows it (its socket copy), else the first of its type on the request. */
  notification(page: Page, n: { id?: string; type: string; requestId: string }): Locator;
  /** Every notification the page shows now. */
  rendered(page: Page): Promise<RenderedNotification[]>;
}

export interface TargetAdapter {
  /** Shown in reports and the doctor's table. */
  name: string;
  driver(options: DriverOptions): EscrowDriver;
  notifications: NotificationSource;
  /** Replaces rows of the default matrix (flow/notification-matrix.ts) per trigger; [] means the trigger notifies nobody. */
  notificationMatrix?: Partial<NotificationMatrix>;
  capabilities?: DeclaredCapabilities;
  /** The target's web front end, for browser mode; without it browser mode is refused before any flow. */
  frontend?: FrontEnd;
}
