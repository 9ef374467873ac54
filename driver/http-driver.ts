// EscrowDriver over HTTP for the contract in docs/contract.md. Every call is
// timed with a monotonic clock, validated against the shared zod schemas and
// reported to onCall (the flow's history) before anything is thrown.
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import type { z } from 'zod';
import { NotificationList } from '../contract/events.ts';
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
} from '../contract/http.ts';
import { redact } from '../lib/redact.ts';
import { ContractViolationError, TargetTimeoutError, TargetUnreachableError } from './errors.ts';
import type { ApiResult, CallRecord, Credentials, EscrowDriver, Outcome } from './types.ts';

export interface HttpDriverOptions {
  /** Per-call timeout; a call past it has outcome `info` (it may still have happened). */
  timeoutMs?: number;
  onCall?: (record: CallRecord) => void;
  /** Keep redacted request/response bodies in records (for failed-flow logs). */
  keepBodies?: boolean;
  dispatcher?: Agent;
}

interface CallSpec<S extends z.ZodType> {
  op: string;
  method: 'GET' | 'POST';
  path: string;
  schema: S;
  token?: string;
  body?: unknown;
}

export class HttpEscrowDriver implements EscrowDriver {
  private readonly timeoutMs: number;
  private readonly dispatcher: Agent;

  constructor(
    readonly baseUrl: string,
    private readonly options: HttpDriverOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.dispatcher = options.dispatcher ?? new Agent({ connections: 16, keepAliveTimeout: 10_000 });
  }

  async close(): Promise<void> {
    if (!this.options.dispatcher) await this.dispatcher.close();
  }

  /** One timed HTTP call. 4xx/5xx come back as values; no answer throws after being recorded. */
  async call<S extends z.ZodType>(spec: CallSpec<S>): Promise<ApiResult<z.infer<S>>> {
    const startedAt = performance.timeOrigin + performance.now();
    const t0 = performance.now();
    const url = new URL(spec.path, this.baseUrl);
    const record = (status: number | null, outcome: Outcome, extra: Partial<CallRecord> = {}): CallRecord => {
      const rec: CallRecord = {
        op: spec.op,
        method: spec.method,
        path: spec.path,
        status,
        outcome,
        startedAt,
        durationMs: performance.now() - t0,
        ...extra,
      };
      if (this.options.keepBodies && spec.body !== undefined) rec.requestBody = redact(spec.body);
      this.options.onCall?.(rec);
      return rec;
    };
    let status: number;
    let text: string;
    try {
      const res = await request(url, {
        method: spec.method,
        dispatcher: this.dispatcher,
        headers: {
          ...(spec.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(spec.token ? { authorization: `Bearer ${spec.token}` } : {}),
        },
        body: spec.body !== undefined ? JSON.stringify(spec.body) : undefined,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      const e = err as Error & { code?: string };
      const timedOut = e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT';
      record(null, 'info', { error: timedOut ? `timeout after ${this.timeoutMs} ms` : e.message });
      throw timedOut
        ? new TargetTimeoutError(`${spec.method} ${url.pathname}`, this.timeoutMs)
        : new TargetUnreachableError(url.origin, err);
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    const responseBody = this.options.keepBodies ? redact(json) : undefined;
    if (status >= 200 && status < 300) {
      const parsed = spec.schema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const detail = `${issue.path.join('.') || '(body)'}: ${issue.message}`;
        record(status, 'fail', { error: `contract violation: ${detail}`, responseBody });
        throw new ContractViolationError(spec.op, detail);
      }
      return { status, ok: true, data: parsed.data, record: record(status, 'ok', { responseBody }) };
    }
    const error = ApiError.safeParse(json);
    const apiError = error.success
      ? error.data
      : { error: `http_${status}`, message: typeof json === 'string' ? json.slice(0, 200) : `HTTP ${status}` };
    return { status, ok: false, error: apiError, record: record(status, 'fail', { error: `${status} ${apiError.message}`, responseBody }) };
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
    return this.call({
      op: 'acceptOffer',
      method: 'POST',
      path: `/requests/${requestId}/accept`,
      schema: PurchaseRequest,
      token,
      body: { offerId },
    });
  }
  createPaymentIntent(token: string, requestId: string) {
    return this.call({
      op: 'createPaymentIntent',
      method: 'POST',
      path: `/requests/${requestId}/payment-intents`,
      schema: Payment,
      token,
      body: {},
    });
  }
  setStatus(token: string, requestId: string, status: 'payment' | 'paid') {
    return this.call({
      op: 'setStatus',
      method: 'POST',
      path: `/requests/${requestId}/status`,
      schema: PurchaseRequest,
      token,
      body: { status },
    });
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
    return this.call({
      op: 'fixtureDeposit',
      method: 'POST',
      path: '/test/deposits',
      schema: Payment,
      token,
      body: { paymentId, ...(amount ? { amount } : {}) },
    });
  }
  deliver(token: string, requestId: string, note = 'delivered') {
    return this.call({
      op: 'sellerDelivery',
      method: 'POST',
      path: `/requests/${requestId}/delivery`,
      schema: PurchaseRequest,
      token,
      body: { note },
    });
  }
  confirmDelivery(token: string, requestId: string) {
    return this.call({
      op: 'buyerConfirmDelivery',
      method: 'POST',
      path: `/requests/${requestId}/confirm`,
      schema: PurchaseRequest,
      token,
      body: {},
    });
  }
  listNotifications(token: string, query: { requestId?: string; type?: string } = {}) {
    const qs = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => Boolean(e[1]))).toString();
    return this.call({
      op: 'listNotifications',
      method: 'GET',
      path: `/notifications${qs ? `?${qs}` : ''}`,
      schema: NotificationList,
      token,
    });
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
