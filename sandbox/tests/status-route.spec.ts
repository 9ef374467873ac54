// The status route (status mode's shortcut past the payment): it never marks paid a request whose
// payment intent is pending.
import { expect, test } from './support/fixtures.ts';
import { data, toPaymentIntent } from './support/flow.ts';

test('the status route refuses paid while a payment intent is pending (409 payment_pending) and changes nothing', async ({
  api,
  newUser,
}) => {
  const buyer = await newUser('buyer');
  const seller = await newUser('seller');
  const { request, payment } = await toPaymentIntent(api, buyer, [seller]);
  // Half paid, as the flow's underpayment probe leaves it: still pending.
  expect(data(await api.fixtureDeposit(buyer.token, payment.id, (BigInt(payment.amount) / 2n).toString())).status).toBe('pending');
  const before = data(await api.getRequest(buyer.token, request.id));

  const res = await api.setStatus(buyer.token, request.id, 'paid');
  expect(res.status).toBe(409);
  expect(res.error).toEqual({
    error: 'payment_pending',
    message: `request ${request.id} has a pending payment intent ${payment.id} (amount ${payment.amount}); it becomes paid when that payment is confirmed, not through the status route`,
  });

  const after = data(await api.getRequest(buyer.token, request.id));
  expect(after.status).toBe('payment');
  expect(after.updatedAt).toBe(before.updatedAt);
  expect(data(await api.getPayment(buyer.token, payment.id)).status).toBe('pending');
  expect(data(await api.paymentLedger(buyer.token, payment.id)).journals).toEqual([]);
  for (const user of [buyer, seller]) {
    const list = data(await api.listNotifications(user.token, { requestId: request.id, type: 'payment_confirmed' }));
    expect(list.notifications, `${user.role}'s payment_confirmed notifications`).toEqual([]);
  }
  expect((await api.deliver(seller.token, request.id)).status).toBe(409);

  // The payment's own confirmation still moves it, once, with its credit.
  expect(data(await api.fixtureDeposit(buyer.token, payment.id)).status).toBe('confirmed');
  expect(data(await api.getRequest(buyer.token, request.id)).status).toBe('paid');
  expect(data(await api.paymentLedger(buyer.token, payment.id)).journals.map((j) => j.kind)).toEqual(['escrow_credit']);
});

test('a request without a payment intent still goes payment -> paid through the status route', async ({ api, newUser }) => {
  const buyer = await newUser('buyer');
  const seller = await newUser('seller');
  const request = data(await api.createRequest(buyer.token, { title: 't', budget: '100', invitedSellerIds: [seller.id] }));
  data(await api.acceptOffer(buyer.token, request.id, data(await api.createOffer(seller.token, request.id, '90')).id));
  expect(data(await api.setStatus(buyer.token, request.id, 'payment')).status).toBe('payment');
  expect(data(await api.setStatus(buyer.token, request.id, 'paid')).status).toBe('paid');
});
