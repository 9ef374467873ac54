// EscrowDriver for the sandbox's API (docs/contract.md): the suite's shapes are the contract's, so each
// operation is one call validated against the shared zod schemas.
import type { z } from 'zod';
import { NotificationList } from '../../contract/events.ts';
import {
  ApiError,
  ChainInfo,
  Health,
  Offer,
  Payment,
  PaymentLedger,
  PurchaseRequest,
  RequestDetail,
  RequestList,
  Session,
  Version,
  type CreateRequestBody,
  type RegisterBody,
} from '../../contract/http.ts';
import { HttpClient, type CallSpec, type HttpClientOptions } from '../../driver/http-client.ts';
import type { ApiFailure, ApiResult, Credentials, EscrowDriver } from '../../driver/types.ts';

export type HttpDriverOptions = HttpClientOptions;

const contractError = (json: unknown, status: number): ApiFailure => {
  const parsed = ApiError.safeParse(json);
  if (parsed.success) return parsed.data;
  return { error: `http_${status}`, message: typeof json === 'string' ? json.slice(0, 200) : `HTTP ${status}` };
};

export class HttpEscrowDriver implements EscrowDriver {
  private readonly client: HttpClient;

  constructor(
    readonly baseUrl: string,
    options: HttpDriverOptions = {},
  ) {
    this.client = new HttpClient(baseUrl, options);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** One call of the contract: the session token as a Bearer header, errors in the contract's shape. */
  call<S extends z.ZodType>(
    spec: Omit<CallSpec<S>, 'headers' | 'map' | 'error'> & { method: 'GET' | 'POST'; token?: string },
  ): Promise<ApiResult<z.infer<S>>> {
    const { token, ...rest } = spec;
    return this.client.call({ ...rest, headers: token ? { authorization: `Bearer ${token}` } : undefined, error: contractError });
  }

  register(body: RegisterBody) {
    return this.call({ op: 'register', method: 'POST', path: '/auth/register', schema: Session, body });
  }
  login(credentials: Credentials) {
    return this.call({ op: 'login', method: 'POST', path: '/auth/login', schema: Session, body: credentials });
  }
  createRequest(token: string, body: CreateRequestBody) {
    return this.call({ op: 'createRequest', method: 'POST', path: '/requests', schema: PurchaseRequest, token, body });
  }
  listRequests(token: string) {
    return this.call({ op: 'listRequests', method: 'GET', path: '/requests', schema: RequestList, token });
  }
  getRequest(token: string, requestId: string) {
    return this.call({ op: 'getRequest', method: 'GET', path: `/requests/${requestId}`, schema: RequestDetail, token });
  }
  createOffer(token: string, requestId: string, price: string) {
    return this.call({ op: 'createOffer', method: 'POST', path: `/requests/${requestId}/offers`, schema: Offer, token, body: { price } });
  }
  acceptOffer(token: string, requestId: string, offerId: string) {
    const path = `/requests/${requestId}/accept`;
    return this.call({ op: 'acceptOffer', method: 'POST', path, schema: PurchaseRequest, token, body: { offerId } });
  }
  createPaymentIntent(token: string, requestId: string) {
    const path = `/requests/${requestId}/payment-intents`;
    return this.call({ op: 'createPaymentIntent', method: 'POST', path, schema: Payment, token, body: {} });
  }
  setStatus(token: string, requestId: string, status: 'payment' | 'paid') {
    const path = `/requests/${requestId}/status`;
    return this.call({ op: 'setStatus', method: 'POST', path, schema: PurchaseRequest, token, body: { status } });
  }
  checkPayment(token: string, paymentId: string) {
    return this.call({ op: 'scannerCheck', method: 'POST', path: `/payments/${paymentId}/check`, schema: Payment, token });
  }
  getPayment(token: string, paymentId: string) {
    return this.call({ op: 'getPayment', method: 'GET', path: `/payments/${paymentId}`, schema: Payment, token });
  }
  paymentLedger(token: string, paymentId: string) {
    return this.call({ op: 'paymentLedger', method: 'GET', path: `/payments/${paymentId}/ledger`, schema: PaymentLedger, token });
  }
  fixtureDeposit(token: string, paymentId: string, amount?: string) {
    const body = { paymentId, ...(amount ? { amount } : {}) };
    return this.call({ op: 'fixtureDeposit', method: 'POST', path: '/test/deposits', schema: Payment, token, body });
  }
  deliver(token: string, requestId: string, note = 'delivered') {
    const path = `/requests/${requestId}/delivery`;
    return this.call({ op: 'sellerDelivery', method: 'POST', path, schema: PurchaseRequest, token, body: { note } });
  }
  confirmDelivery(token: string, requestId: string) {
    const path = `/requests/${requestId}/confirm`;
    return this.call({ op: 'buyerConfirmDelivery', method: 'POST', path, schema: PurchaseRequest, token, body: {} });
  }
  listNotifications(token: string, query: { requestId?: string; type?: string } = {}) {
    const qs = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => Boolean(e[1]))).toString();
    const path = `/notifications${qs ? `?${qs}` : ''}`;
    return this.call({ op: 'listNotifications', method: 'GET', path, schema: NotificationList, token });
  }
  chain() {
    return this.call({ op: 'chain', method: 'GET', path: '/chain', schema: ChainInfo });
  }
  health() {
    return this.call({ op: 'health', method: 'GET', path: '/health', schema: Health });
  }
  version() {
    return this.call({ op: 'version', method: 'GET', path: '/version', schema: Version });
  }
}
