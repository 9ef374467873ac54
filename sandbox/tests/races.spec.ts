// Concurrency: racing accepts, racing scanner checks, and a scanner killed mid-payment.
import { HttpEscrowDriver } from '../../adapters/sandbox/driver.ts';
import { balancedLedger, data, health, PRICE, requestWithOffers, toPaymentIntent } from './support/flow.ts';
import { expect, test } from './support/fixtures.ts';

test('of six concurrent accepts exactly one wins and the request shows that one offer accepted', async ({ api, newUser }) => {
  const buyer = await newUser('buyer');
  const sellers = await Promise.all(Array.from({ length: 6 }, () => newUser('seller')));
  const { request, offers } = await requestWithOffers(api, buyer, sellers);

  const results = await Promise.all(offers.map((o) => api.acceptOffer(buyer.token, request.id, o.id)));
  const statuses = results.map((r) => r.status);
  expect(
    statuses.filter((s) => s === 200),
    `statuses ${statuses.join(',')}`,
  ).toHaveLength(1);
  expect(
    statuses.filter((s) => s === 409),
    `statuses ${statuses.join(',')}`,
  ).toHaveLength(offers.length - 1);
  const winner = offers[statuses.indexOf(200)]!;

  const detail = data(await api.getRequest(buyer.token, request.id));
  expect(detail.status).toBe('offer_accepted');
  expect(detail.selectedOfferId).toBe(winner.id);
  const accepted = detail.offers.filter((o) => o.status === 'accepted');
  expect(accepted.map((o) => o.id)).toEqual([winner.id]);
  expect(detail.offers.filter((o) => o.status === 'rejected')).toHaveLength(offers.length - 1);

  // Exactly one seller hears "accepted"; the five others hear "rejected" once each.
  const heard = await Promise.all(
    sellers.map(async (s) => data(await api.listNotifications(s.token, { requestId: request.id })).notifications),
  );
  expect(
    heard
      .flat()
      .filter((n) => n.type === 'offer_accepted')
      .map((n) => n.recipientId),
  ).toEqual([winner.sellerId]);
  expect(heard.flat().filter((n) => n.type === 'offer_rejected')).toHaveLength(offers.length - 1);
});

test('twenty concurrent scanner checks racing the scanner loop credit escrow once and notify buyer and seller once', async ({
  api,
  newUser,
  chain,
}) => {
  const buyer = await newUser('buyer');
  const seller = await newUser('seller');
  const { request, payment } = await toPaymentIntent(api, buyer, [seller]);
  await chain.pay(payment.destination, PRICE);

  await expect
    .poll(
      async () => {
        const checks = await Promise.all(Array.from({ length: 20 }, () => api.checkPayment(buyer.token, payment.id)));
        for (const c of checks) expect(c.status, c.error?.message).toBe(200);
        return checks.map((c) => data(c).status);
      },
      { timeout: 30_000 },
    )
    .toEqual(Array(20).fill('confirmed'));

  const journals = await balancedLedger(api, buyer, payment.id);
  expect(journals.filter((j) => j.kind === 'escrow_credit')).toHaveLength(1);
  expect(journals).toHaveLength(1);
  const confirmedFor = async (token: string) =>
    data(await api.listNotifications(token, { requestId: request.id, type: 'payment_confirmed' })).notifications;
  const [toBuyer, toSeller] = await Promise.all([confirmedFor(buyer.token), confirmedFor(seller.token)]);
  expect(toBuyer.map((n) => n.recipientId)).toEqual([buyer.id]);
  expect(toSeller.map((n) => n.recipientId)).toEqual([seller.id]);
  expect(toBuyer[0]!.paymentId).toBe(payment.id);
  expect(data(await api.getRequest(buyer.token, request.id)).status).toBe('paid');
});

test('a scanner killed mid-payment is restarted on its port and confirms the payment exactly once', async ({
  withFaults,
  newUser,
  chain,
}) => {
  test.setTimeout(120_000);
  const sandbox = await withFaults('');
  const api = new HttpEscrowDriver(sandbox.url, { timeoutMs: 30_000 });
  try {
    const buyer = await newUser('buyer', api);
    const seller = await newUser('seller', api);
    const { request, payment } = await toPaymentIntent(api, buyer, [seller]);
    // All but one base unit before the kill: the payment is certainly still pending when the scanner dies.
    await chain.pay(payment.destination, PRICE - 1n);

    const killed = sandbox.scanner.child!.pid!;
    const exited = new Promise((resolve) => sandbox.scanner.child!.once('exit', resolve));
    expect(sandbox.scanner.child!.kill('SIGKILL')).toBe(true);
    await exited;
    expect(data(await api.getPayment(buyer.token, payment.id)).status).toBe('pending');
    // The last unit arrives while the scanner is down or restarting.
    const topUp = await chain.pay(payment.destination, 1n);

    const scanner = async () => (await health(sandbox.url)).components.find((c) => c.name === 'scanner');
    await expect.poll(scanner, { timeout: 30_000 }).toMatchObject({ restarts: 1, state: 'up' });
    expect((await scanner())!.pid).not.toBe(killed);

    // The restarted scanner's own loop finds the transfer (no on-demand check here).
    await expect.poll(async () => data(await api.getPayment(buyer.token, payment.id)).status, { timeout: 30_000 }).toBe('confirmed');
    expect(data(await api.getPayment(buyer.token, payment.id)).evidence).toMatchObject({
      txHash: topUp,
      amountReceived: PRICE.toString(),
      source: 'chain',
    });
    // And the on-demand check reaches the new scanner process.
    expect(data(await api.checkPayment(buyer.token, payment.id)).status).toBe('confirmed');
    const journals = await balancedLedger(api, buyer, payment.id);
    expect(journals.map((j) => j.kind)).toEqual(['escrow_credit']);
    expect(data(await api.getRequest(buyer.token, request.id)).status).toBe('paid');
    expect(
      data(await api.listNotifications(seller.token, { requestId: request.id, type: 'payment_confirmed' })).notifications,
    ).toHaveLength(1);
  } finally {
    await api.close();
  }
});
