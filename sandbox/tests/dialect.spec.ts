// The sandbox's second API dialect, bazaar (SANDBOX_DIALECT=bazaar): its own component and port, the same
// domain and database, a deliberately different surface — numbers for ids, decimal money, its own session
// header, socket path and event names — and the backend's faults passing through it unchanged.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test as base, expect } from '@playwright/test';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { Money } from '../src/dialect/money.ts';
import { startSandbox, type Sandbox } from '../src/launcher/sandbox.ts';
import { launch, printed, stopLaunched, watchTree } from './support/cli.ts';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const DECIMALS = 10n ** 18n;

interface Answer {
  status: number;
  body: Record<string, unknown> & { problem?: string; detail?: string; field?: string };
}

/** A bazaar client: JSON in and out, the session in X-Bazaar-Session. */
function bazaar(baseUrl: string) {
  return async (method: 'GET' | 'POST', path: string, options: { session?: string; body?: unknown } = {}): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (options.session) headers['x-bazaar-session'] = options.session;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(new URL(path, baseUrl), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
  };
}
type Client = ReturnType<typeof bazaar>;

/** The answer's body when its status is `status`; the assertion names the call and what came back. */
async function expectStatus(answer: Promise<Answer>, status: number, what: string) {
  const res = await answer;
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
  expect(JSON.stringify(res.body), `${what} has no UUID`).not.toMatch(UUID);
  return res.body;
}

interface Member {
  no: number;
  handle: string;
  session: string;
}

async function signup(api: Client, kind: 'customer' | 'merchant'): Promise<Member> {
  const handle = `${kind}-${randomBytes(4).toString('hex')}`;
  const body = await expectStatus(api('POST', '/api/signup', { body: { handle, secret: 'correct horse battery', kind } }), 201, 'signup');
  const member = body.member as { member_no: number; handle: string; kind: string };
  expect(member).toEqual({ member_no: expect.any(Number), handle, kind });
  expect(Number.isInteger(member.member_no) && member.member_no > 0).toBe(true);
  expect(body.session).toEqual(expect.any(String));
  return { no: member.member_no, handle, session: body.session as string };
}

/** A live connection on /api/live recording every event with its name. */
async function live(
  baseUrl: string,
  session: unknown,
): Promise<{ socket: Socket; events: { event: string; alert: Record<string, unknown> }[] }> {
  const socket = io(baseUrl, { path: '/api/live', auth: { session }, transports: ['websocket'], reconnection: false, forceNew: true });
  const events: { event: string; alert: Record<string, unknown> }[] = [];
  socket.onAny((event: string, alert: Record<string, unknown>) => events.push({ event, alert }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
  return { socket, events };
}

/** socketio_connected_clients of the backend. */
async function backendSockets(url: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  return Number(/^socketio_connected_clients(?:\{[^}]*\})? (\S+)$/m.exec(text)?.[1]);
}

const test = base.extend<object, { stack: Sandbox }>({
  stack: [
    async ({}, use) => {
      const stack = await startSandbox({ dialect: 'bazaar', blockMs: 250, log: () => undefined });
      try {
        await use(stack);
      } finally {
        await stack.stop();
      }
    },
    { scope: 'worker', timeout: 90_000 },
  ],
});

test('money: base units as trimmed decimal strings of token units and back, nothing else accepted', () => {
  const money = new Money(18);
  expect(money.show('10500000000000000000')).toBe('10.5');
  expect(money.show('100000000000000000000')).toBe('100');
  expect(money.show('-10500000000000000000')).toBe('-10.5');
  expect(money.show('1')).toBe('0.000000000000000001');
  expect(money.show('-1')).toBe('-0.000000000000000001');
  expect(money.show('0')).toBe('0');
  expect(money.show('not money')).toBe('not money');
  expect(money.parse('10.5')).toBe('10500000000000000000');
  expect(money.parse('0.000000000000000001')).toBe('1');
  expect(money.parse('7')).toBe('7000000000000000000');
  expect(money.parse('10.50')).toBe('10500000000000000000');
  for (const bad of ['1e5', '-1', '.5', '5.', '01', ' 1', '0.0000000000000000001', '', 10.5, null])
    expect(money.parse(bad), String(bad)).toBeUndefined();
  expect(new Money(0).show('42')).toBe('42');
  expect(new Money(6).parse('1.5')).toBe('1500000');
});

/** Customer, two merchants, an order inviting both, a bid from each; the first merchant's bid is the cheaper one. */
async function orderWithBids(api: Client) {
  const customer = await signup(api, 'customer');
  const merchants = [await signup(api, 'merchant'), await signup(api, 'merchant')];
  const order = await expectStatus(
    api('POST', '/api/orders', {
      session: customer.session,
      body: { subject: 'a lamp', ceiling: '100.5', merchants: merchants.map((m) => m.no) },
    }),
    201,
    'create order',
  );
  const bids = [
    await expectStatus(
      api('POST', `/api/orders/${order.order_no}/bids`, { session: merchants[0]!.session, body: { ask: '10.25' } }),
      201,
      'bid',
    ),
    await expectStatus(
      api('POST', `/api/orders/${order.order_no}/bids`, { session: merchants[1]!.session, body: { ask: '12' } }),
      201,
      'bid',
    ),
  ];
  return { customer, merchants, order, bids };
}

test('signup, signin and one whole order: integer numbers, decimal money, invoice, fixture settlement, ship, receive, entries', async ({
  stack,
}) => {
  expect(stack.dialectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(stack.components().find((c) => c.name === 'dialect')).toMatchObject({ state: 'up', restarts: 0 });
  const api = bazaar(stack.dialectUrl!);

  const about = await expectStatus(api('GET', '/api/about'), 200, 'about');
  expect(about).toEqual({
    network: stack.chainId,
    token: stack.tokenAddress,
    token_symbol: 'tUSDT',
    decimals: 18,
    confirmations_needed: 2,
    rpc: stack.rpcUrl,
    dev_settlement: true,
    manual_stage: true,
  });

  const { customer, merchants, order, bids } = await orderWithBids(api);
  const again = await expectStatus(
    api('POST', '/api/signin', { body: { handle: customer.handle, secret: 'correct horse battery' } }),
    200,
    'signin',
  );
  expect(again.member).toEqual({ member_no: customer.no, handle: customer.handle, kind: 'customer' });

  const orderNo = order.order_no as number;
  expect(Number.isInteger(orderNo) && orderNo > 0).toBe(true);
  expect(order).toEqual({
    order_no: orderNo,
    customer_no: customer.no,
    subject: 'a lamp',
    ceiling: '100.5',
    stage: 'OPEN',
    // In the backend's order (it sorts by its own ids), not the request's.
    merchants: expect.arrayContaining(merchants.map((m) => m.no)),
    winning_bid_no: null,
    opened_at: expect.any(String),
    changed_at: expect.any(String),
  });
  expect(order.merchants).toHaveLength(2);
  expect(bids[0]).toEqual({
    bid_no: expect.any(Number),
    order_no: orderNo,
    merchant_no: merchants[0]!.no,
    ask: '10.25',
    state: 'PENDING',
    placed_at: expect.any(String),
  });
  expect(bids[1]).toMatchObject({ merchant_no: merchants[1]!.no, ask: '12', state: 'PENDING' });
  // The same request, as the backend itself has it: money in base units, the same database.
  const backendView = (await (
    await fetch(new URL('/requests', stack.url), { headers: { authorization: `Bearer ${customer.session}` } })
  ).json()) as { requests: { budget: string; title: string }[] };
  expect(backendView.requests).toEqual([expect.objectContaining({ title: 'a lamp', budget: ((1005n * DECIMALS) / 10n).toString() })]);

  const listed = await expectStatus(api('GET', '/api/orders', { session: customer.session }), 200, 'orders');
  expect(listed.orders).toEqual([order]);
  const detail = await expectStatus(api('GET', `/api/orders/${orderNo}`, { session: customer.session }), 200, 'order detail');
  expect(detail).toEqual({ ...order, bids });
  // A merchant sees only its own bid, as the backend decides.
  const merchantView = await expectStatus(api('GET', `/api/orders/${orderNo}`, { session: merchants[1]!.session }), 200, 'order detail');
  expect(merchantView.bids).toEqual([bids[1]]);

  const awarded = await expectStatus(
    api('POST', `/api/orders/${orderNo}/award`, { session: customer.session, body: { bid_no: bids[0]!.bid_no } }),
    200,
    'award',
  );
  expect(awarded).toMatchObject({ order_no: orderNo, stage: 'BID_ACCEPTED', winning_bid_no: bids[0]!.bid_no });

  const invoice = await expectStatus(
    api('POST', `/api/orders/${orderNo}/invoice`, { session: customer.session, body: {} }),
    201,
    'invoice',
  );
  expect(invoice).toEqual({
    invoice_no: expect.any(Number),
    order_no: orderNo,
    bid_no: bids[0]!.bid_no,
    customer_no: customer.no,
    merchant_no: merchants[0]!.no,
    network: stack.chainId,
    token: stack.tokenAddress,
    pay_to: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/),
    due: '10.25',
    state: 'UNPAID',
    due_by: expect.any(String),
    issued_at: expect.any(String),
    settled_at: null,
    confirmations_needed: 2,
    proof: null,
  });
  const invoiceNo = invoice.invoice_no as number;
  const stage = await expectStatus(api('GET', `/api/orders/${orderNo}`, { session: customer.session }), 200, 'order');
  expect(stage.stage).toBe('AWAITING_PAYMENT');

  // Half stays unpaid; the rest settles it, with the fixture's proof in token units.
  const half = await expectStatus(
    api('POST', '/api/dev/settle', { session: customer.session, body: { invoice_no: invoiceNo, amount: '5.125' } }),
    201,
    'settle half',
  );
  expect(half).toMatchObject({ invoice_no: invoiceNo, state: 'UNPAID', proof: null });
  const settled = await expectStatus(
    api('POST', '/api/dev/settle', { session: customer.session, body: { invoice_no: invoiceNo, amount: '5.125' } }),
    201,
    'settle the rest',
  );
  expect(settled).toMatchObject({
    state: 'SETTLED',
    settled_at: expect.any(String),
    proof: { tx: expect.stringMatching(/^fixture:\d+$/), log_index: 0, block: 0, confirmations: 2, received: '10.25', origin: 'fixture' },
  });
  const rechecked = await expectStatus(api('POST', `/api/invoices/${invoiceNo}/recheck`, { session: customer.session }), 200, 'recheck');
  expect(rechecked).toEqual(settled);
  expect(await expectStatus(api('GET', `/api/invoices/${invoiceNo}`, { session: merchants[0]!.session }), 200, 'invoice')).toEqual(settled);

  const shipped = await expectStatus(
    api('POST', `/api/orders/${orderNo}/ship`, { session: merchants[0]!.session, body: { memo: 'sent by courier' } }),
    200,
    'ship',
  );
  expect(shipped.stage).toBe('SHIPPED');
  const done = await expectStatus(api('POST', `/api/orders/${orderNo}/receive`, { session: customer.session, body: {} }), 200, 'receive');
  expect(done.stage).toBe('DONE');

  const entries = await expectStatus(api('GET', `/api/invoices/${invoiceNo}/entries`, { session: customer.session }), 200, 'entries');
  expect(entries).toEqual({
    invoice_no: invoiceNo,
    entries: [
      {
        entry_id: expect.any(Number),
        kind: 'escrow_credit',
        at: expect.any(String),
        lines: [
          { account: `deposit:${(invoice.pay_to as string).toLowerCase()}`, delta: '-10.25' },
          { account: `escrow:${invoiceNo}`, delta: '10.25' },
        ],
      },
      {
        entry_id: expect.any(Number),
        kind: 'escrow_release',
        at: expect.any(String),
        lines: [
          { account: `escrow:${invoiceNo}`, delta: '-10.25' },
          { account: `merchant:${merchants[0]!.no}`, delta: '10.25' },
        ],
      },
    ],
  });

  // The stage route: the status route of the backend, on a second order (no invoice: no payment pending).
  const second = await orderWithBids(api);
  const secondNo = second.order.order_no as number;
  await expectStatus(
    api('POST', `/api/orders/${secondNo}/award`, { session: second.customer.session, body: { bid_no: second.bids[1]!.bid_no } }),
    200,
    'award',
  );
  for (const to of ['AWAITING_PAYMENT', 'PAID']) {
    const moved = await expectStatus(
      api('POST', `/api/orders/${secondNo}/stage`, { session: second.customer.session, body: { stage: to } }),
      200,
      `stage ${to}`,
    );
    expect(moved.stage).toBe(to);
  }
  const refused = await expectStatus(
    api('POST', `/api/orders/${secondNo}/stage`, { session: second.customer.session, body: { stage: 'PAID' } }),
    409,
    'stage PAID twice',
  );
  expect(refused.problem).toBe('conflict');
});

test('alerts reach each member over Socket.IO on /api/live as topic events, and the alert list says the same', async ({ stack }) => {
  const api = bazaar(stack.dialectUrl!);
  const customer = await signup(api, 'customer');
  const merchants = [await signup(api, 'merchant'), await signup(api, 'merchant')];
  const members = [customer, ...merchants];
  const sockets = await Promise.all(members.map((m) => live(stack.dialectUrl!, m.session)));
  try {
    const order = await expectStatus(
      api('POST', '/api/orders', {
        session: customer.session,
        body: { subject: 'alerts', ceiling: '50', merchants: merchants.map((m) => m.no) },
      }),
      201,
      'order',
    );
    const orderNo = order.order_no as number;
    const bids = [];
    for (const [i, m] of merchants.entries())
      bids.push(
        await expectStatus(api('POST', `/api/orders/${orderNo}/bids`, { session: m.session, body: { ask: `${20 + i}.5` } }), 201, 'bid'),
      );
    await expectStatus(
      api('POST', `/api/orders/${orderNo}/award`, { session: customer.session, body: { bid_no: bids[0]!.bid_no } }),
      200,
      'award',
    );
    const invoice = await expectStatus(api('POST', `/api/orders/${orderNo}/invoice`, { session: customer.session }), 201, 'invoice');
    await expectStatus(
      api('POST', '/api/dev/settle', { session: customer.session, body: { invoice_no: invoice.invoice_no } }),
      201,
      'settle',
    );
    await expectStatus(api('POST', `/api/orders/${orderNo}/ship`, { session: merchants[0]!.session, body: { memo: '' } }), 200, 'ship');
    await expectStatus(api('POST', `/api/orders/${orderNo}/receive`, { session: customer.session }), 200, 'receive');

    const expected: Record<number, string[]> = {
      [customer.no]: ['bid.placed', 'bid.placed', 'invoice.settled', 'order.shipped'],
      [merchants[0]!.no]: ['order.invited', 'bid.won', 'invoice.settled', 'order.received'],
      [merchants[1]!.no]: ['order.invited', 'bid.lost'],
    };
    for (const [i, m] of members.entries()) {
      await expect
        .poll(() => sockets[i]!.events.map((e) => e.event).sort(), { message: `${m.handle}'s live alerts` })
        .toEqual([...expected[m.no]!].sort());
    }
    // Nothing else arrives late.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const [i, m] of members.entries()) {
      const { events } = sockets[i]!;
      expect(events.map((e) => e.event).sort()).toEqual([...expected[m.no]!].sort());
      for (const { event, alert } of events) {
        expect(JSON.stringify(alert)).not.toMatch(UUID);
        expect(alert).toEqual({
          alert_no: expect.any(Number),
          topic: event,
          member_no: m.no,
          order_no: orderNo,
          bid_no: event === 'order.invited' ? null : expect.any(Number),
          invoice_no: event === 'invoice.settled' ? invoice.invoice_no : null,
          sent_at: expect.any(String),
          seen_at: null,
        });
      }
      // The list holds the same alerts, oldest first.
      const list = await expectStatus(api('GET', `/api/alerts?order_no=${orderNo}`, { session: m.session }), 200, 'alerts');
      expect((list.alerts as { alert_no: number }[]).map((a) => a.alert_no).sort()).toEqual(
        events.map((e) => e.alert.alert_no as number).sort(),
      );
      expect(list.alerts).toEqual(expect.arrayContaining(events.map((e) => e.alert)));
    }
    const won = await expectStatus(api('GET', `/api/alerts?topic=bid.won`, { session: merchants[0]!.session }), 200, 'alerts by topic');
    expect(won.alerts).toEqual([sockets[1]!.events.find((e) => e.event === 'bid.won')!.alert]);
    const badTopic = await expectStatus(
      api('GET', '/api/alerts?topic=seller_offer_created', { session: customer.session }),
      400,
      'backend type',
    );
    expect(badTopic).toMatchObject({ problem: 'validation', field: 'topic' });
  } finally {
    for (const { socket } of sockets) socket.close();
  }
});

test('the surface says no as the backend does: 401 without the session header, 404 for numbers never issued, no health, version or metrics', async ({
  stack,
}) => {
  const api = bazaar(stack.dialectUrl!);
  const customer = await signup(api, 'customer');

  for (const session of [undefined, 'not-a-session']) {
    const res = await expectStatus(api('GET', '/api/orders', { session }), 401, `orders with session ${session}`);
    expect(res.problem).toBe('unauthorized');
  }
  // The backend's own header is not this API's: a bearer token alone is no session here.
  const bearer = await fetch(new URL('/api/orders', stack.dialectUrl), { headers: { authorization: `Bearer ${customer.session}` } });
  expect(bearer.status).toBe(401);

  const never = 2 ** 40;
  for (const path of [`/api/orders/${never}`, `/api/invoices/${never}`, `/api/invoices/${never}/entries`, '/api/orders/abc']) {
    const res = await expectStatus(api('GET', path, { session: customer.session }), 404, path);
    expect(res.problem).toBe('not_found');
  }
  // A session is checked before a number is: no session, no hint whether a number exists.
  expect((await api('GET', `/api/orders/${never}`)).status).toBe(401);
  const unknownMerchant = await expectStatus(
    api('POST', '/api/orders', { session: customer.session, body: { subject: 'x', ceiling: '1', merchants: [never] } }),
    404,
    'unknown merchant',
  );
  expect(unknownMerchant).toMatchObject({ problem: 'not_found', field: 'merchants.0' });
  // A number of another kind (a member's, as an order's) is the backend's 404.
  expect((await api('GET', `/api/orders/${customer.no}`, { session: customer.session })).body.problem).toBe('not_found');

  // Input errors name bazaar's fields, whether the dialect or the backend found them.
  const money = await expectStatus(
    api('POST', '/api/orders', { session: customer.session, body: { subject: 'x', ceiling: '1e5', merchants: [customer.no] } }),
    400,
    'exponent',
  );
  expect(money).toMatchObject({ problem: 'validation', field: 'ceiling' });
  const tooFine = await expectStatus(
    api('POST', '/api/orders', { session: customer.session, body: { subject: 'x', ceiling: '0.0000000000000000001', merchants: [1] } }),
    400,
    '19 decimals',
  );
  expect(tooFine.field).toBe('ceiling');
  const shortSecret = await expectStatus(
    api('POST', '/api/signup', { body: { handle: 'someone-new', secret: 'short', kind: 'customer' } }),
    400,
    'short',
  );
  expect(shortSecret).toMatchObject({ problem: 'validation', field: 'secret' });
  const kind = await expectStatus(
    api('POST', '/api/signup', { body: { handle: 'someone-new', secret: 'long enough', kind: 'buyer' } }),
    400,
    'kind',
  );
  expect(kind).toMatchObject({ problem: 'validation', field: 'kind' });
  const taken = await expectStatus(
    api('POST', '/api/signup', { body: { handle: customer.handle, secret: 'correct horse battery', kind: 'customer' } }),
    409,
    'taken',
  );
  expect(taken.problem).toBe('conflict');
  const notAMerchant = await expectStatus(
    api('POST', '/api/orders', { session: customer.session, body: { subject: 'x', ceiling: '1', merchants: [customer.no] } }),
    400,
    'a customer as merchant',
  );
  expect(notAMerchant).toMatchObject({ problem: 'validation', field: 'merchants' });

  // Deliberately not offered: the suite must report these as missing.
  for (const path of ['/api/health', '/api/version', '/api/metrics', '/health', '/version', '/metrics', '/chain', '/requests']) {
    const res = await expectStatus(api('GET', path), 404, path);
    expect(res.problem).toBe('not_found');
  }
});

test('a live connection with a session the backend refuses is refused; either side closing closes the other; a restarted dialect keeps its URL and numbers', async ({
  stack,
}) => {
  test.setTimeout(120_000);
  const api = bazaar(stack.dialectUrl!);
  for (const session of ['not-a-session', undefined]) {
    const refused = await live(stack.dialectUrl!, session).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(refused?.message, 'connect_error').toMatch(/unauthorized/);
  }
  // The backend's own socket path is not this API's.
  const member = await signup(api, 'merchant');
  const wrongPath = io(stack.dialectUrl!, { auth: { session: member.session }, transports: ['websocket'], reconnection: false });
  await expect(
    new Promise<void>((resolve, reject) => wrongPath.once('connect', () => resolve()).once('connect_error', reject)),
  ).rejects.toThrow();
  wrongPath.close();

  const before = await backendSockets(stack.url);
  const client = await live(stack.dialectUrl!, member.session);
  await expect.poll(() => backendSockets(stack.url), { message: 'the dialect opened one backend connection' }).toBe(before + 1);
  client.socket.close();
  await expect.poll(() => backendSockets(stack.url), { message: 'closing the client closed it' }).toBe(before);

  // The dialect dies: its clients are disconnected, and its backend connections close with it.
  const customer = await signup(api, 'customer');
  const order = await expectStatus(
    api('POST', '/api/orders', { session: customer.session, body: { subject: 'kept', ceiling: '1', merchants: [member.no] } }),
    201,
    'order',
  );
  const second = await live(stack.dialectUrl!, member.session);
  await expect.poll(() => backendSockets(stack.url)).toBe(before + 1);
  const disconnected = new Promise<string>((resolve) => second.socket.once('disconnect', resolve));
  const url = stack.dialectUrl;
  stack.dialect!.child!.kill('SIGKILL');
  expect(await disconnected).toMatch(/transport close/);
  await expect.poll(() => backendSockets(stack.url), { message: 'the dead dialect left no backend connection' }).toBe(before);
  await expect.poll(() => stack.dialect!.describe().state, { timeout: 30_000 }).toBe('up');
  expect(stack.dialect!.restarts).toBe(1);
  expect(stack.dialect!.url).toBe(url);
  // Numbers live in Postgres: the restarted dialect knows the order and its members by the same numbers.
  const same = await expectStatus(api('GET', `/api/orders/${order.order_no}`, { session: member.session }), 200, 'order after restart');
  expect(same).toMatchObject({ order_no: order.order_no, customer_no: customer.no, merchants: [member.no] });

  // The backend closes the connection: the dialect closes the client's.
  const third = await live(stack.dialectUrl!, member.session);
  const closed = new Promise<string>((resolve) => third.socket.once('disconnect', resolve));
  stack.backend.child!.kill('SIGKILL');
  expect(await closed).toBe('io server disconnect');
  await expect.poll(() => stack.backend.describe().state, { timeout: 30_000 }).toBe('up');
});

test('backend faults pass through unchanged: a wrong recipient, a duplicated alert, a leaked list, a duplicate credit', async ({
  stack,
}) => {
  test.setTimeout(120_000);
  const dbName = `dialect_faults_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: stack.pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const faulty = await startSandbox({
    faults: 'wrong-recipient,duplicate-notification,list-leak,duplicate-credit',
    dialect: 'bazaar',
    pgUrl: stack.pgUrl.replace(/\/escrow$/, `/${dbName}`),
    rpcUrl: stack.rpcUrl,
    tokenAddress: stack.tokenAddress,
    funderPrivateKey: stack.funderPrivateKey,
    chainId: stack.chainId,
    log: () => undefined,
  });
  try {
    const api = bazaar(faulty.dialectUrl!);
    const customer = await signup(api, 'customer');
    const merchants = [await signup(api, 'merchant'), await signup(api, 'merchant')];
    const [c, m0] = await Promise.all([live(faulty.dialectUrl!, customer.session), live(faulty.dialectUrl!, merchants[0]!.session)]);
    try {
      const order = await expectStatus(
        api('POST', '/api/orders', {
          session: customer.session,
          body: { subject: 'faulty', ceiling: '9', merchants: merchants.map((m) => m.no) },
        }),
        201,
        'order',
      );
      const bid = await expectStatus(
        api('POST', `/api/orders/${order.order_no}/bids`, { session: merchants[0]!.session, body: { ask: '3' } }),
        201,
        'bid',
      );
      await expectStatus(
        api('POST', `/api/orders/${order.order_no}/award`, { session: customer.session, body: { bid_no: bid.bid_no } }),
        200,
        'award',
      );
      // wrong-recipient: the merchant is told of its own bid; duplicate-notification: bid.won twice.
      await expect.poll(() => m0.events.map((e) => e.event).sort()).toEqual(['bid.placed', 'bid.won', 'bid.won', 'order.invited']);
      expect(m0.events.find((e) => e.event === 'bid.placed')!.alert.member_no).toBe(merchants[0]!.no);
      expect(c.events.map((e) => e.event)).toEqual([]);

      // list-leak: another customer lists this order.
      const other = await signup(api, 'customer');
      const leaked = await expectStatus(api('GET', '/api/orders', { session: other.session }), 200, 'orders');
      expect((leaked.orders as { order_no: number }[]).map((o) => o.order_no)).toContain(order.order_no);

      // duplicate-credit: two escrow credits for one invoice.
      const invoice = await expectStatus(
        api('POST', `/api/orders/${order.order_no}/invoice`, { session: customer.session }),
        201,
        'invoice',
      );
      await expectStatus(
        api('POST', '/api/dev/settle', { session: customer.session, body: { invoice_no: invoice.invoice_no } }),
        201,
        'settle',
      );
      const entries = await expectStatus(
        api('GET', `/api/invoices/${invoice.invoice_no}/entries`, { session: customer.session }),
        200,
        'entries',
      );
      expect((entries.entries as { kind: string }[]).map((e) => e.kind)).toEqual(['escrow_credit', 'escrow_credit']);
    } finally {
      c.socket.close();
      m0.socket.close();
    }
  } finally {
    await faulty.stop();
  }
});

test('the CLI: SANDBOX_DIALECT=bazaar prints SANDBOX_DIALECT_URL after SANDBOX_URL and writes dialectUrl; an unknown dialect is one message before anything starts', async ({}, testInfo) => {
  test.setTimeout(120_000);
  const refused = launch({ SANDBOX_STATE_FILE: testInfo.outputPath('refused.json'), SANDBOX_DIALECT: 'soap' });
  const spawned = await watchTree(refused);
  expect((await refused.exited).code).toBe(1);
  const messages = refused.stderr.filter((line) => line.startsWith('sandbox: '));
  expect(messages, refused.stderr.join('\n')).toHaveLength(1);
  expect(messages[0]).toContain('SANDBOX_DIALECT="soap"');
  expect(messages[0]).toContain('bazaar');
  expect(refused.stderr.join('\n')).toMatch(/^ {2}what to do: .*bazaar/m);
  expect(
    refused.stderr.filter((line) => /^\s+at /.test(line)),
    'stack frames',
  ).toEqual([]);
  expect(
    [...spawned.values()].filter((cmd) => /sandbox\/src\/|hardhat|postgres/.test(cmd)),
    'processes started',
  ).toEqual([]);

  const stateFile = testInfo.outputPath('state.json');
  const launched = launch({ SANDBOX_STATE_FILE: stateFile, SANDBOX_DIALECT: 'bazaar' });
  try {
    const dialectUrl = await printed(launched, 'SANDBOX_DIALECT_URL', 80_000);
    const lines = launched.stdout.map((line) => line.split('=')[0]);
    expect(lines.indexOf('SANDBOX_DIALECT_URL')).toBe(lines.indexOf('SANDBOX_URL') + 1);
    expect(dialectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { url: string; dialectUrl: string };
    expect(state.dialectUrl).toBe(dialectUrl);
    expect(dialectUrl).not.toBe(state.url);
    const about = await expectStatus(bazaar(dialectUrl)('GET', '/api/about'), 200, 'about');
    expect(about.decimals).toBe(18);
    const logs = await printed(launched, 'SANDBOX_LOGS', 5_000);
    expect(readFileSync(`${logs}/dialect.log`, 'utf8')).toContain('bazaar dialect on');
  } finally {
    await stopLaunched(launched);
  }
  expect((await launched.exited).code).toBe(0);
});
