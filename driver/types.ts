// The target as the suite sees it. One interface; the HTTP implementation
// speaks docs/contract.md. A user with another API writes one adapter that
// implements EscrowDriver, not a fork of the suite.
import type { z } from 'zod';
import type { NotificationList } from '../contract/events.ts';
import type {
  ApiError,
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
  requestBody?: unknown;
  responseBody?: unknown;
}

/** A call's result: the data when the target did what was asked (ok), its error when it answered no. */
export type ApiResult<T> =
  | { ok: true; status: number; data: T; error?: undefined; record: CallRecord }
  | { ok: false; status: number; data?: undefined; error: ApiError; record: CallRecord };

export type Credentials = { username: string; password: string };
type Out<S extends z.ZodType> = Promise<ApiResult<z.infer<S>>>;

export interface EscrowDriver {
  readonly baseUrl: string;
  register(body: RegisterBody): Out<typeof Session>;
  login(credentials: Credentials): Out<typeof Session>;
  createRequest(token: string, body: CreateRequestBody): Out<typeof PurchaseRequest>;
  listRequests(token: string): Out<typeof RequestList>;
  getRequest(token: string, requestId: string): Out<typeof RequestDetail>;
  createOffer(token: string, requestId: string, price: string): Out<typeof Offer>;
  acceptOffer(token: string, requestId: string, offerId: string): Out<typeof PurchaseRequest>;
  createPaymentIntent(token: string, requestId: string): Out<typeof Payment>;
  setStatus(token: string, requestId: string, status: 'payment' | 'paid'): Out<typeof PurchaseRequest>;
  checkPayment(token: string, paymentId: string): Out<typeof Payment>;
  getPayment(token: string, paymentId: string): Out<typeof Payment>;
  paymentLedger(token: string, paymentId: string): Out<typeof PaymentLedger>;
  fixtureDeposit(token: string, paymentId: string, amount?: string): Out<typeof Payment>;
  deliver(token: string, requestId: string, note?: string): Out<typeof PurchaseRequest>;
  confirmDelivery(token: string, requestId: string): Out<typeof PurchaseRequest>;
  listNotifications(token: string, query?: { requestId?: string; type?: string }): Out<typeof NotificationList>;
  chain(): Out<typeof ChainInfo>;
  health(): Out<typeof Health>;
  version(): Out<typeof Version>;
}
