// What counts as payment: the full amount, of tUSDT, to this payment's own destination.
import { deployToken } from '../src/chain/token.ts';
import { balancedLedger, data, PRICE, requestWithOffers, toPaymentIntent, untilConfirmations } from './support/flow.ts';
import { expect, test } from './support/fixtures.ts';

test('an underpayment stays pending after it is confirmed on chain, and a top-up completes it', async ({ api, newUser, chain }) => {
  const buyer = await newUser('buyer');
  const { request, payment } = await toPaymentIntent(api, buyer, [await newUser('seller')]);

  const short = await chain.pay(payment.destination, PRICE - 1n);
  await untilConfirmations(chain.provider, short, payment.requiredConfirmations + 1);
  const checked = data(await api.checkPayment(buyer.token, payment.id));
  expect(checked.status).toBe('pending');
  expect(checked.evidence).toBeNull();
  expect(data(await api.getRequest(buyer.token, request.id)).status).toBe('payment');
  expect(data(await api.paymentLedger(buyer.token, payment.id)).journals).toEqual([]);

  const topUp = await chain.pay(payment.destination, 1n);
  await expect.poll(async () => data(await api.checkPayment(buyer.token, payment.id)).status).toBe('confirmed');
  const confirmed = data(await api.getPayment(buyer.token, payment.id));
  expect(confirmed.evidence).toMatchObject({ txHash: topUp, amountReceived: PRICE.toString(), source: 'chain' });
  const journals = await balancedLedger(api, buyer, payment.id);
  expect(journals.map((j) => j.kind)).toEqual(['escrow_credit']);
  expect(journals[0]!.postings).toContainEqual({ account: `escrow:${payment.id}`, amount: PRICE.toString() });
});

test('a transfer of another token to the destination does not count as payment', async ({ api, newUser, chain }) => {
  test.setTimeout(90_000);
  const buyer = await newUser('buyer');
  const { payment } = await toPaymentIntent(api, buyer, [await newUser('seller')]);
  const fake = await deployToken(chain.funder, { name: 'Fake USDT', symbol: 'tUSDT', supply: 10n ** 30n });
  expect(fake.toLowerCase()).not.toBe(payment.tokenAddress.toLowerCase());

  const wrong = await chain.pay(payment.destination, PRICE, fake);
  await untilConfirmations(chain.provider, wrong, payment.requiredConfirmations + 1);
  const checked = data(await api.checkPayment(buyer.token, payment.id));
  expect(checked.status).toBe('pending');
  expect(data(await api.paymentLedger(buyer.token, payment.id)).journals).toEqual([]);

  // The right token then confirms it, and the fake transfer is not part of the amount received.
  const right = await chain.pay(payment.destination, PRICE);
  await expect.poll(async () => data(await api.checkPayment(buyer.token, payment.id)).status).toBe('confirmed');
  expect(data(await api.getPayment(buyer.token, payment.id)).evidence).toMatchObject({ txHash: right, amountReceived: PRICE.toString() });
});

test("a transfer to another payment's destination does not confirm this payment", async ({ api, newUser, chain }) => {
  const buyer = await newUser('buyer');
  const seller = await newUser('seller');
  const mine = await toPaymentIntent(api, buyer, [seller]);
  const theirs = await toPaymentIntent(api, buyer, [seller]);
  expect(theirs.payment.destination).not.toBe(mine.payment.destination);

  const tx = await chain.pay(theirs.payment.destination, PRICE);
  await expect.poll(async () => data(await api.checkPayment(buyer.token, theirs.payment.id)).status).toBe('confirmed');
  await untilConfirmations(chain.provider, tx, mine.payment.requiredConfirmations + 1);

  const checked = data(await api.checkPayment(buyer.token, mine.payment.id));
  expect(checked.status).toBe('pending');
  expect(checked.evidence).toBeNull();
  expect(data(await api.paymentLedger(buyer.token, mine.payment.id)).journals).toEqual([]);
  expect(data(await api.getRequest(buyer.token, mine.request.id)).status).toBe('payment');
  expect(data(await api.listNotifications(seller.token, { requestId: mine.request.id, type: 'payment_confirmed' })).notifications).toEqual(
    [],
  );
});

test('the payment intent is idempotent: repeated and concurrent calls return the same payment', async ({ api, newUser }) => {
  const buyer = await newUser('buyer');
  const seller = await newUser('seller');
  const { request, payment } = await toPaymentIntent(api, buyer, [seller]);
  const again = await api.createPaymentIntent(buyer.token, request.id);
  expect(again.status).toBe(200);
  expect(again.data).toEqual(payment);

  const fresh = await requestWithOffers(api, buyer, [seller]);
  data(await api.acceptOffer(buyer.token, fresh.request.id, fresh.offers[0]!.id));
  const racing = await Promise.all(Array.from({ length: 6 }, () => api.createPaymentIntent(buyer.token, fresh.request.id)));
  const statuses = racing.map((r) => r.status).sort();
  expect(statuses).toEqual([200, 200, 200, 200, 200, 201]);
  expect(new Set(racing.map((r) => data(r).id)).size).toBe(1);
  expect(new Set(racing.map((r) => data(r).destination)).size).toBe(1);
  expect(data(await api.getRequest(buyer.token, fresh.request.id)).status).toBe('payment');
});

test('every payment gets a destination of its own, also when intents are created concurrently', async ({ api, newUser }) => {
  const buyers = await Promise.all(Array.from({ length: 3 }, () => newUser('buyer')));
  const seller = await newUser('seller');
  const accepted = [];
  for (const buyer of buyers) {
    for (let i = 0; i < 3; i++) {
      const { request, offers } = await requestWithOffers(api, buyer, [seller]);
      data(await api.acceptOffer(buyer.token, request.id, offers[0]!.id));
      accepted.push({ buyer, requestId: request.id });
    }
  }
  const payments = await Promise.all(
    accepted.map(async ({ buyer, requestId }) => data(await api.createPaymentIntent(buyer.token, requestId))),
  );
  const destinations = payments.map((p) => p.destination.toLowerCase());
  expect(new Set(destinations).size).toBe(payments.length);
  expect(new Set(payments.map((p) => p.id)).size).toBe(payments.length);
  for (const p of payments) {
    expect(p.destination).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(p.destination.toLowerCase()).not.toBe(p.tokenAddress.toLowerCase());
  }
});
