// The bazaar dialect (SANDBOX_DIALECT=bazaar) carrying one whole order: integer numbers for the backend's UUIDs,
// money as decimal strings of token units (and their conversion on its own), the same database behind it.
import { Money } from '../src/dialect/money.ts';
import { bazaar, expect, expectStatus, signup, test, type Client } from './support/dialect.ts';

const DECIMALS = 10n ** 18n;

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
