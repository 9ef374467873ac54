// The bazaar dialect's live alerts: Socket.IO on /api/live with one event per topic, the alert list agreeing with
// it, refused sessions, either side closing the other, and a restarted dialect keeping its URL and numbers.
import { io } from 'socket.io-client';
import { backendSockets, bazaar, expect, expectStatus, live, signup, test, UUID } from './support/dialect.ts';

// The last test kills the dialect and the backend: the restarts must not reach the other files' stack.
test.use({ stackOfItsOwn: true });

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
