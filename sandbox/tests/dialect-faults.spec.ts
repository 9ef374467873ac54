// The backend's faults pass through the bazaar dialect unchanged: it holds no business logic, so a wrong
// recipient, a duplicated alert, a leaked list and a duplicate credit reach its clients as the backend made them.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startSandbox } from '../src/launcher/sandbox.ts';
import { bazaar, expect, expectStatus, live, signup, test } from './support/dialect.ts';

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
    web: false,
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
