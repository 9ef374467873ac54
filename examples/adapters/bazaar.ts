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
  type ApiResult,
  type CallSpec,
  type ChainInfo,
  type DriverOptions,
  type EscrowDriver,
  type LedgerJournal,
} from '../../driver/adapter.ts';
import {
  About,
  Alert,
  Bid,
  Entries,
  fromTopic,
  id,
  Invoice,
  invoice,
  money,
  no,
  Order,
  order,
  OrderWithBids,
  bid,
  problem,
  session,
  SignedIn,
  STAGE_OF,
  TOPICS,
  alert,
  type Money,
} from './bazaar-wire.ts';

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
