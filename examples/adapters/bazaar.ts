// A complete target adapter for "bazaar", the sandbox's second API dialect (SANDBOX_DIALECT=bazaar): other routes and
// field names, integer ids, money as decimal token units, a session header instead of a Bearer token, and a
// Socket.IO path and event per notification topic. Written only against the adapter API (driver/adapter.ts): this
// file is what a user writes for their own backend (docs/retargeting.md walks through it).
//
//   SANDBOX_DIALECT=bazaar TARGET_ADAPTER=examples/adapters/bazaar.ts PAYMENT_MODE=fixture npx playwright test --project=C2
import { z } from 'zod';
import {
  defineAdapter,
  HttpClient,
  socketIoSource,
  type ApiFailure,
  type ApiResult,
  type CallSpec,
  type ChainInfo,
  type DriverOptions,
  type EscrowDriver,
  type LedgerJournal,
  type Notification,
  type Offer,
  type Payment,
  type PurchaseRequest,
  type RequestStatus,
  type Session,
} from '../../driver/adapter.ts';

// ---- bazaar's wire shapes ------------------------------------------------------------------------------------
const No = z.number().int().positive();
const Decimal = z.string().regex(/^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/, 'must be a decimal string of token units');
const Member = z.object({ member_no: No, handle: z.string(), kind: z.enum(['customer', 'merchant']) });
const SignedIn = z.object({ member: Member, session: z.string().min(1) });
const STAGES = ['OPEN', 'BID_ACCEPTED', 'AWAITING_PAYMENT', 'PAID', 'SHIPPED', 'DONE', 'CANCELLED'] as const;
const Order = z.object({
  order_no: No,
  customer_no: No,
  subject: z.string(),
  ceiling: Decimal,
  stage: z.enum(STAGES),
  merchants: z.array(No),
  winning_bid_no: No.nullable(),
  opened_at: z.string(),
  changed_at: z.string(),
});
const Bid = z.object({
  bid_no: No,
  order_no: No,
  merchant_no: No,
  ask: Decimal,
  state: z.enum(['PENDING', 'WON', 'LOST']),
  placed_at: z.string(),
});
const OrderWithBids = Order.extend({ bids: z.array(Bid) });
const Invoice = z.object({
  invoice_no: No,
  order_no: No,
  bid_no: No,
  customer_no: No,
  merchant_no: No,
  network: z.number().int().positive(),
  token: z.string(),
  pay_to: z.string(),
  due: Decimal,
  state: z.enum(['UNPAID', 'SETTLED', 'LAPSED']),
  due_by: z.string(),
  issued_at: z.string(),
  settled_at: z.string().nullable(),
  confirmations_needed: z.number().int().positive(),
  proof: z
    .object({
      tx: z.string(),
      log_index: z.number().int().nonnegative(),
      block: z.number().int().nonnegative(),
      confirmations: z.number().int().nonnegative(),
      received: Decimal,
      origin: z.enum(['chain', 'fixture']),
    })
    .nullable(),
});
const Entries = z.object({
  invoice_no: No,
  entries: z.array(
    z.object({
      entry_id: z.union([No, z.string()]),
      kind: z.enum(['escrow_credit', 'escrow_release']),
      at: z.string(),
      lines: z.array(z.object({ account: z.string(), delta: Decimal })),
    }),
  ),
});
const TOPICS = {
  'order.invited': 'seller_request_invited',
  'bid.placed': 'seller_offer_created',
  'bid.won': 'offer_accepted',
  'bid.lost': 'offer_rejected',
  'invoice.settled': 'payment_confirmed',
  'order.shipped': 'delivery_submitted',
  'order.received': 'delivery_confirmed',
} as const satisfies Record<string, Notification['type']>;
const Alert = z.object({
  alert_no: No,
  topic: z.enum(Object.keys(TOPICS) as [keyof typeof TOPICS, ...(keyof typeof TOPICS)[]]),
  member_no: No,
  order_no: No,
  bid_no: No.nullable(),
  invoice_no: No.nullable(),
  sent_at: z.string(),
  seen_at: z.string().nullable(),
});
const About = z.object({
  network: z.number().int().positive(),
  token: z.string(),
  token_symbol: z.string(),
  decimals: z.number().int().min(0).max(36),
  confirmations_needed: z.number().int().positive(),
  rpc: z.string().nullable(),
  dev_settlement: z.boolean(),
  manual_stage: z.boolean(),
});

// ---- bazaar's words in the suite's ---------------------------------------------------------------------------
const STATUS: Record<(typeof STAGES)[number], RequestStatus> = {
  OPEN: 'open',
  BID_ACCEPTED: 'offer_accepted',
  AWAITING_PAYMENT: 'payment',
  PAID: 'paid',
  SHIPPED: 'delivered',
  DONE: 'completed',
  CANCELLED: 'cancelled',
};
const STAGE_OF: Record<'payment' | 'paid', string> = { payment: 'AWAITING_PAYMENT', paid: 'PAID' };
const OFFER_STATUS = { PENDING: 'pending', WON: 'accepted', LOST: 'rejected' } as const;
const PAYMENT_STATUS = { UNPAID: 'pending', SETTLED: 'confirmed', LAPSED: 'expired' } as const;
const id = (no: number | string): string => String(no);
const no = (suiteId: string): number => Number(suiteId);

/** Token units ("10.5") and base units ("10500000"), both ways, at the token's decimals. */
function money(decimals: number) {
  const scale = 10n ** BigInt(decimals);
  return {
    base(decimal: string): string {
      const negative = decimal.startsWith('-');
      const [whole = '0', fraction = ''] = decimal.replace(/^-/, '').split('.');
      if (fraction.length > decimals) throw new Error(`${decimal} has more than ${decimals} decimals`);
      const value = BigInt(whole) * scale + BigInt(fraction.padEnd(decimals, '0') || '0');
      return (negative ? -value : value).toString();
    },
    decimal(base: string): string {
      const value = BigInt(base);
      const abs = value < 0n ? -value : value;
      const fraction = (abs % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
      return `${value < 0n ? '-' : ''}${abs / scale}${fraction ? `.${fraction}` : ''}`;
    },
  };
}
type Money = ReturnType<typeof money>;

const order = (o: z.infer<typeof Order>, m: Money): PurchaseRequest => ({
  id: id(o.order_no),
  buyerId: id(o.customer_no),
  title: o.subject,
  budget: m.base(o.ceiling),
  status: STATUS[o.stage],
  invitedSellerIds: o.merchants.map(id),
  selectedOfferId: o.winning_bid_no === null ? null : id(o.winning_bid_no),
  createdAt: o.opened_at,
  updatedAt: o.changed_at,
});
const bid = (b: z.infer<typeof Bid>, m: Money): Offer => ({
  id: id(b.bid_no),
  requestId: id(b.order_no),
  sellerId: id(b.merchant_no),
  price: m.base(b.ask),
  status: OFFER_STATUS[b.state],
  createdAt: b.placed_at,
});
const invoice = (i: z.infer<typeof Invoice>, m: Money): Payment => ({
  id: id(i.invoice_no),
  requestId: id(i.order_no),
  offerId: id(i.bid_no),
  buyerId: id(i.customer_no),
  sellerId: id(i.merchant_no),
  chainId: i.network,
  tokenAddress: i.token,
  destination: i.pay_to,
  amount: m.base(i.due),
  status: PAYMENT_STATUS[i.state],
  expiresAt: i.due_by,
  createdAt: i.issued_at,
  confirmedAt: i.settled_at,
  requiredConfirmations: i.confirmations_needed,
  evidence: i.proof && {
    txHash: i.proof.tx,
    logIndex: i.proof.log_index,
    blockNumber: i.proof.block,
    confirmations: i.proof.confirmations,
    amountReceived: m.base(i.proof.received),
    source: i.proof.origin,
  },
});
const session = (s: z.infer<typeof SignedIn>): Session => ({
  user: { id: id(s.member.member_no), username: s.member.handle, role: s.member.kind === 'customer' ? 'buyer' : 'seller' },
  token: s.session,
});
const problem = (body: unknown, status: number): ApiFailure => {
  const p = body as { problem?: unknown; detail?: unknown; field?: unknown } | undefined;
  return typeof p?.problem === 'string'
    ? {
        error: p.problem,
        message: typeof p.detail === 'string' ? p.detail : p.problem,
        ...(typeof p.field === 'string' ? { field: p.field } : {}),
      }
    : { error: `http_${status}`, message: `HTTP ${status}` };
};

// ---- the driver ----------------------------------------------------------------------------------------------
/** The token's decimals, read once per target: every amount crosses bazaar's API in token units. */
const decimalsOf = new Map<string, Promise<number>>();

class BazaarDriver implements EscrowDriver {
  private readonly http: HttpClient;

  constructor(private readonly options: DriverOptions) {
    this.http = new HttpClient(options.baseUrl, options);
  }
  get baseUrl(): string {
    return this.options.baseUrl;
  }
  close(): Promise<void> {
    return this.http.close();
  }

  private async money(): Promise<Money> {
    let decimals = decimalsOf.get(this.options.baseUrl);
    if (!decimals) {
      const quiet = new HttpClient(this.options.baseUrl, { timeoutMs: this.options.timeoutMs, dispatcher: this.options.dispatcher });
      decimals = quiet.call({ op: 'about', method: 'GET', path: '/api/about', schema: About }).then((res) => {
        if (!res.ok) throw new Error(`GET /api/about answered ${res.status}: ${res.error.message}`);
        return res.data.decimals;
      });
      decimals.catch(() => decimalsOf.delete(this.options.baseUrl));
      decimalsOf.set(this.options.baseUrl, decimals);
    }
    return money(await decimals);
  }

  private call<S extends z.ZodType, T>(token: string | null, spec: Omit<CallSpec<S, T>, 'headers' | 'error'>): Promise<ApiResult<T>> {
    return this.http.call({ ...spec, error: problem, headers: token ? { 'x-bazaar-session': token } : undefined });
  }

  register(body: { username: string; password: string; role: 'buyer' | 'seller' }) {
    const kind = body.role === 'buyer' ? 'customer' : 'merchant';
    const wire = { handle: body.username, secret: body.password, kind };
    return this.call(null, { op: 'register', method: 'POST', path: '/api/signup', schema: SignedIn, body: wire, map: session });
  }
  login(credentials: { username: string; password: string }) {
    const wire = { handle: credentials.username, secret: credentials.password };
    return this.call(null, { op: 'login', method: 'POST', path: '/api/signin', schema: SignedIn, body: wire, map: session });
  }
  async createRequest(token: string, body: { title: string; budget: string; invitedSellerIds: string[] }) {
    const m = await this.money();
    const wire = { subject: body.title, ceiling: m.decimal(body.budget), merchants: body.invitedSellerIds.map(no) };
    return this.call(token, {
      op: 'createRequest',
      method: 'POST',
      path: '/api/orders',
      schema: Order,
      body: wire,
      map: (o) => order(o, m),
    });
  }
  async listRequests(token: string) {
    const m = await this.money();
    const schema = z.object({ orders: z.array(Order) });
    return this.call(token, {
      op: 'listRequests',
      method: 'GET',
      path: '/api/orders',
      schema,
      map: (l) => ({ requests: l.orders.map((o) => order(o, m)) }),
    });
  }
  async getRequest(token: string, requestId: string) {
    const m = await this.money();
    const map = (o: z.infer<typeof OrderWithBids>) => ({ ...order(o, m), offers: o.bids.map((b) => bid(b, m)) });
    return this.call(token, { op: 'getRequest', method: 'GET', path: `/api/orders/${requestId}`, schema: OrderWithBids, map });
  }
  async createOffer(token: string, requestId: string, price: string) {
    const m = await this.money();
    const path = `/api/orders/${requestId}/bids`;
    return this.call(token, {
      op: 'createOffer',
      method: 'POST',
      path,
      schema: Bid,
      body: { ask: m.decimal(price) },
      map: (b) => bid(b, m),
    });
  }
  async acceptOffer(token: string, requestId: string, offerId: string) {
    const m = await this.money();
    const path = `/api/orders/${requestId}/award`;
    return this.call(token, {
      op: 'acceptOffer',
      method: 'POST',
      path,
      schema: Order,
      body: { bid_no: no(offerId) },
      map: (o) => order(o, m),
    });
  }
  async createPaymentIntent(token: string, requestId: string) {
    const m = await this.money();
    const path = `/api/orders/${requestId}/invoice`;
    return this.call(token, { op: 'createPaymentIntent', method: 'POST', path, schema: Invoice, body: {}, map: (i) => invoice(i, m) });
  }
  async setStatus(token: string, requestId: string, status: 'payment' | 'paid') {
    const m = await this.money();
    const path = `/api/orders/${requestId}/stage`;
    const body = { stage: STAGE_OF[status] };
    return this.call(token, { op: 'setStatus', method: 'POST', path, schema: Order, body, map: (o) => order(o, m) });
  }
  async checkPayment(token: string, paymentId: string) {
    const m = await this.money();
    const path = `/api/invoices/${paymentId}/recheck`;
    return this.call(token, { op: 'scannerCheck', method: 'POST', path, schema: Invoice, map: (i) => invoice(i, m) });
  }
  async getPayment(token: string, paymentId: string) {
    const m = await this.money();
    const path = `/api/invoices/${paymentId}`;
    return this.call(token, { op: 'getPayment', method: 'GET', path, schema: Invoice, map: (i) => invoice(i, m) });
  }
  async paymentLedger(token: string, paymentId: string) {
    const m = await this.money();
    const map = (e: z.infer<typeof Entries>) => ({
      paymentId: id(e.invoice_no),
      journals: e.entries.map((j): LedgerJournal => ({
        id: id(j.entry_id),
        paymentId: id(e.invoice_no),
        kind: j.kind,
        createdAt: j.at,
        postings: j.lines.map((l) => ({ account: l.account.replace(/^merchant:/, 'seller:'), amount: m.base(l.delta) })),
      })),
    });
    return this.call(token, { op: 'paymentLedger', method: 'GET', path: `/api/invoices/${paymentId}/entries`, schema: Entries, map });
  }
  async fixtureDeposit(token: string, paymentId: string, amount?: string) {
    const m = await this.money();
    const body = { invoice_no: no(paymentId), ...(amount ? { amount: m.decimal(amount) } : {}) };
    return this.call(token, {
      op: 'fixtureDeposit',
      method: 'POST',
      path: '/api/dev/settle',
      schema: Invoice,
      body,
      map: (i) => invoice(i, m),
    });
  }
  async deliver(token: string, requestId: string, note = 'delivered') {
    const m = await this.money();
    const path = `/api/orders/${requestId}/ship`;
    return this.call(token, { op: 'sellerDelivery', method: 'POST', path, schema: Order, body: { memo: note }, map: (o) => order(o, m) });
  }
  async confirmDelivery(token: string, requestId: string) {
    const m = await this.money();
    const path = `/api/orders/${requestId}/receive`;
    return this.call(token, { op: 'buyerConfirmDelivery', method: 'POST', path, schema: Order, body: {}, map: (o) => order(o, m) });
  }
  listNotifications(token: string, query: { requestId?: string; type?: string } = {}) {
    const topic = Object.entries(TOPICS).find(([, type]) => type === query.type)?.[0];
    const qs = new URLSearchParams({ ...(query.requestId ? { order_no: query.requestId } : {}), ...(topic ? { topic } : {}) }).toString();
    const schema = z.object({ alerts: z.array(Alert) });
    return this.call(token, {
      op: 'listNotifications',
      method: 'GET',
      path: `/api/alerts${qs ? `?${qs}` : ''}`,
      schema,
      map: (l) => ({ notifications: l.alerts.map(alert) }),
    });
  }
  chain() {
    const map = (a: z.infer<typeof About>): ChainInfo => ({
      chainId: a.network,
      tokenAddress: a.token,
      tokenSymbol: a.token_symbol,
      tokenDecimals: a.decimals,
      requiredConfirmations: a.confirmations_needed,
      rpcUrl: a.rpc,
      fixturesEnabled: a.dev_settlement,
      statusRouteEnabled: a.manual_stage,
    });
    return this.call(null, { op: 'chain', method: 'GET', path: '/api/about', schema: About, map });
  }
  // bazaar offers no health, version or metrics endpoint: the suite reports them as not offered.
}

const alert = (a: z.infer<typeof Alert>): Notification => ({
  id: id(a.alert_no),
  type: TOPICS[a.topic],
  recipientId: id(a.member_no),
  requestId: id(a.order_no),
  offerId: a.bid_no === null ? null : id(a.bid_no),
  paymentId: a.invoice_no === null ? null : id(a.invoice_no),
  createdAt: a.sent_at,
  readAt: a.seen_at,
});

/** One Socket.IO event per topic; a payload that does not parse is reported, not dropped. */
const fromTopic = (payload: unknown): Notification | string => {
  const parsed = Alert.safeParse(payload);
  return parsed.success
    ? alert(parsed.data)
    : `${parsed.error.issues[0]!.path.join('.') || '(payload)'}: ${parsed.error.issues[0]!.message}`;
};

export default defineAdapter({
  name: 'bazaar',
  driver: (options) => new BazaarDriver(options),
  notifications: socketIoSource({
    path: '/api/live',
    auth: (token) => ({ session: token }),
    events: Object.fromEntries(Object.keys(TOPICS).map((topic) => [topic, fromTopic])),
  }),
  // Nothing beyond the API: no system-of-record access, no local processes, no metrics endpoints.
  capabilities: {},
});
