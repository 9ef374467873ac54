import { NOTIFICATION_MATRIX, type NotificationType } from '../../contract/events.ts';
import { balancedLedger, data, PRICE, toPaymentIntent } from './support/flow.ts';
import { expect, test } from './support/fixtures.ts';

test.describe('request lifecycle', () => {
  test('a live-paid request walks open -> completed, crediting and releasing escrow once', async ({ api, newUser, chain }) => {
    const buyer = await newUser('buyer');
    const sellers = [await newUser('seller'), await newUser('seller')];
    const { request, payment } = await toPaymentIntent(api, buyer, sellers);
    expect(payment.status).toBe('pending');
    expect(payment.amount).toBe(PRICE.toString());
    expect(data(await api.getRequest(buyer.token, request.id)).status).toBe('payment');

    const txHash = await chain.pay(payment.destination, PRICE);
    await expect.poll(async () => data(await api.checkPayment(buyer.token, payment.id)).status).toBe('confirmed');
    const confirmed = data(await api.getPayment(buyer.token, payment.id));
    expect(confirmed.evidence).toMatchObject({ txHash, source: 'chain', amountReceived: PRICE.toString() });
    expect(confirmed.evidence!.confirmations).toBeGreaterThanOrEqual(confirmed.requiredConfirmations);
    expect(data(await api.getRequest(buyer.token, request.id)).status).toBe('paid');

    data(await api.deliver(sellers[0]!.token, request.id));
    expect(data(await api.confirmDelivery(buyer.token, request.id)).status).toBe('completed');
    const journals = await balancedLedger(api, buyer, payment.id);
    expect(journals.map((j) => j.kind)).toEqual(['escrow_credit', 'escrow_release']);
    expect(journals[1]!.postings).toContainEqual({ account: `seller:${sellers[0]!.id}`, amount: PRICE.toString() });
  });

  test('a fixture deposit confirms the payment without a chain transfer', async ({ api, newUser }) => {
    const buyer = await newUser('buyer');
    const { payment } = await toPaymentIntent(api, buyer, [await newUser('seller')]);
    const paid = data(await api.fixtureDeposit(buyer.token, payment.id));
    expect(paid.status).toBe('confirmed');
    expect(paid.evidence?.source).toBe('fixture');
    expect((await balancedLedger(api, buyer, payment.id)).map((j) => j.kind)).toEqual(['escrow_credit']);
  });

  test('the status route moves an accepted request to payment and paid (status mode)', async ({ api, newUser }) => {
    const buyer = await newUser('buyer');
    const seller = await newUser('seller');
    const request = data(await api.createRequest(buyer.token, { title: 't', budget: '100', invitedSellerIds: [seller.id] }));
    const offer = data(await api.createOffer(seller.token, request.id, '90'));
    expect((await api.setStatus(buyer.token, request.id, 'payment')).status).toBe(409);
    data(await api.acceptOffer(buyer.token, request.id, offer.id));
    expect(data(await api.setStatus(buyer.token, request.id, 'payment')).status).toBe('payment');
    expect(data(await api.setStatus(buyer.token, request.id, 'paid')).status).toBe('paid');
    expect(data(await api.deliver(seller.token, request.id)).status).toBe('delivered');
  });

  test('steps out of order are refused with 409 and change nothing', async ({ api, newUser }) => {
    const buyer = await newUser('buyer');
    const seller = await newUser('seller');
    const request = data(await api.createRequest(buyer.token, { title: 't', budget: '100', invitedSellerIds: [seller.id] }));
    const offer = data(await api.createOffer(seller.token, request.id, '90'));
    expect((await api.deliver(seller.token, request.id)).status).toBe(403); // no selected seller yet
    expect((await api.confirmDelivery(buyer.token, request.id)).status).toBe(409);
    expect((await api.createPaymentIntent(buyer.token, request.id)).status).toBe(409);
    data(await api.acceptOffer(buyer.token, request.id, offer.id));
    expect((await api.deliver(seller.token, request.id)).status).toBe(409); // not paid
    expect((await api.acceptOffer(buyer.token, request.id, offer.id)).status).toBe(409);
    expect((await api.createOffer(seller.token, request.id, '80')).status).toBe(409);
    expect(data(await api.getRequest(buyer.token, request.id)).status).toBe('offer_accepted');
  });
});

test('every notification of the matrix reaches every device of its recipient and nobody else', async ({ api, newUser, inbox, stack }) => {
  const buyer = await newUser('buyer');
  const sellers = [await newUser('seller'), await newUser('seller'), await newUser('seller')];
  const bystander = await newUser('buyer');
  const inboxes = new Map(
    await Promise.all([buyer, ...sellers, bystander].map(async (u) => [u.id, await inbox(stack.url, u, 2)] as const)),
  );

  const { request, payment } = await toPaymentIntent(api, buyer, sellers);
  data(await api.fixtureDeposit(buyer.token, payment.id));
  data(await api.deliver(sellers[0]!.token, request.id));
  data(await api.confirmDelivery(buyer.token, request.id));

  const expected: [NotificationType, string][] = [
    ...sellers.map((s) => ['seller_request_invited', s.id] as [NotificationType, string]),
    ...sellers.map(() => ['seller_offer_created', buyer.id] as [NotificationType, string]),
    ['offer_accepted', sellers[0]!.id],
    ['offer_rejected', sellers[1]!.id],
    ['offer_rejected', sellers[2]!.id],
    ['payment_confirmed', buyer.id],
    ['payment_confirmed', sellers[0]!.id],
    ['delivery_submitted', buyer.id],
    ['delivery_confirmed', sellers[0]!.id],
  ];
  expect(new Set(expected.map(([type]) => type))).toEqual(new Set(Object.keys(NOTIFICATION_MATRIX)));
  const received = () =>
    [...inboxes.values()]
      .flatMap((box) => box.received.map((r) => `${r.notification.type}->${r.notification.recipientId}@${box.userId}#${r.device}`))
      .sort();
  const want = expected.flatMap(([type, to]) => [0, 1].map((device) => `${type}->${to}@${to}#${device}`)).sort();
  await expect.poll(received).toEqual(want);
  // The REST view agrees with what the sockets delivered.
  const rest = data(await api.listNotifications(buyer.token, { requestId: request.id })).notifications;
  expect(rest.map((n) => n.type).sort()).toEqual(
    expected
      .filter(([, to]) => to === buyer.id)
      .map(([t]) => t)
      .sort(),
  );
  expect(inboxes.get(bystander.id)!.received).toEqual([]);
});
