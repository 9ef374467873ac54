// The status route (status mode's shortcut past the payment): it never marks paid a request whose
// payment intent is pending, it can be switched off like fixture deposits, and the suite refuses
// status mode against a target that says it does not offer it. Also the behind-the-API fault helper.
import { test as base } from '@playwright/test';
import { ChainInfo } from '../../contract/http.ts';
import { PreflightError } from '../../runner/preflight.ts';
import { refuseModeWithoutRoute } from '../../runner/refusals.ts';
import { markPaidBehindApi } from './support/behind-api.ts';
import { expect, test } from './support/faulty.ts';
import { acceptedOffer, data, halfPaidIntent } from './support/flow.ts';
import { runToEnd } from './support/suite.ts';

test('the status route refuses paid while a payment intent is pending (409 payment_pending) and changes nothing', async ({
  api,
  newUser,
}) => {
  const buyer = await newUser('buyer');
  const seller = await newUser('seller');
  // Half paid, as the flow's underpayment probe leaves it: still pending.
  const { request, payment } = await halfPaidIntent(api, buyer, [seller]);
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
  const { request } = await acceptedOffer(api, buyer, [seller]);
  expect(data(await api.setStatus(buyer.token, request.id, 'payment')).status).toBe('payment');
  expect(data(await api.setStatus(buyer.token, request.id, 'paid')).status).toBe('paid');
});

test('with the status route off it is a 404 like any unknown route, and GET /chain says statusRouteEnabled=false', async ({
  api,
  faulty,
  newUser,
}) => {
  test.setTimeout(90_000);
  expect(data(await api.chain()).statusRouteEnabled).toBe(true);
  const driver = (await faulty('', { statusRoute: false })).api;
  expect(data(await driver.chain())).toMatchObject({ statusRouteEnabled: false, fixturesEnabled: true });
  const buyer = await newUser('buyer', driver);
  const seller = await newUser('seller', driver);
  const { request } = await acceptedOffer(driver, buyer, [seller]);
  for (const status of ['payment', 'paid'] as const) {
    const res = await driver.setStatus(buyer.token, request.id, status);
    expect(res.status, status).toBe(404);
    expect(res.error).toEqual({
      error: 'not_found',
      message: `POST /requests/${request.id}/status is not a route of this API`,
    });
  }
  expect(data(await driver.getRequest(buyer.token, request.id)).status).toBe('offer_accepted');
});

test('markPaidBehindApi moves a request to paid in Postgres while its payment stays pending, and the API reports just that', async ({
  api,
  stack,
  newUser,
}) => {
  const buyer = await newUser('buyer');
  const seller = await newUser('seller');
  const { request, payment } = await halfPaidIntent(api, buyer, [seller]);

  expect(await markPaidBehindApi(stack.pgUrl, request.id)).toEqual({ paymentId: payment.id });

  expect(data(await api.getRequest(buyer.token, request.id)).status).toBe('paid');
  expect(data(await api.getRequest(seller.token, request.id)).status).toBe('paid');
  const pending = data(await api.getPayment(buyer.token, payment.id));
  expect(pending).toMatchObject({ status: 'pending', confirmedAt: null, evidence: null });
  expect(data(await api.paymentLedger(buyer.token, payment.id)).journals).toEqual([]);
  const confirmedNotes = data(await api.listNotifications(buyer.token, { requestId: request.id, type: 'payment_confirmed' }));
  expect(confirmedNotes.notifications).toEqual([]);
  // What makes it a P0: the seller can now deliver although nothing was credited to escrow.
  expect(data(await api.deliver(seller.token, request.id)).status).toBe('delivered');
  expect(data(await api.getPayment(buyer.token, payment.id)).status).toBe('pending');
});

test('markPaidBehindApi refuses, changing nothing, a request that has no pending payment intent', async ({ api, stack, newUser }) => {
  const buyer = await newUser('buyer');
  const seller = await newUser('seller');
  const { request } = await acceptedOffer(api, buyer, [seller]);
  await expect(markPaidBehindApi(stack.pgUrl, request.id)).rejects.toThrow(
    `markPaidBehindApi: request ${request.id} is offer_accepted without a pending payment intent`,
  );
  expect(data(await api.getRequest(buyer.token, request.id)).status).toBe('offer_accepted');
  const unknown = '00000000-0000-4000-8000-000000000000';
  await expect(markPaidBehindApi(stack.pgUrl, unknown)).rejects.toThrow(`request ${unknown} does not exist`);
});

test('the suite refuses status mode against a sandbox started with SANDBOX_STATUS_ROUTE=0, before any flow', async () => {
  test.setTimeout(150_000);
  const { code, output } = await runToEnd(test.info(), { PAYMENT_MODE: 'status', CONCURRENCY_LEVELS: '1', SANDBOX_STATUS_ROUTE: '0' }, [
    '--project=C1',
    '--reporter=line',
  ]);
  expect(code, output).not.toBe(0);
  expect(output).toContain('preflight check "chain" failed, no flow ran');
  expect(output).toMatch(
    /PAYMENT_MODE=status but SANDBOX_URL=http:\/\/127\.0\.0\.1:\d+ does not offer the status route POST \/requests\/:id\/status \(GET \/chain statusRouteEnabled=false\)/,
  );
  expect(output).toContain('unset SANDBOX_STATUS_ROUTE');
  expect(output).not.toMatch(/\d+ passed/);
});

base.describe('refuseModeWithoutRoute (the preflight decision on GET /chain)', () => {
  const ctx = { target: { url: 'http://127.0.0.1:4000', from: 'BASE_URL' as const } };

  base('refuses status mode only when the target says statusRouteEnabled=false', () => {
    expect(() => refuseModeWithoutRoute('status', { fixturesEnabled: true, statusRouteEnabled: false }, ctx)).toThrow(PreflightError);
    expect(() => refuseModeWithoutRoute('status', { fixturesEnabled: true, statusRouteEnabled: false }, ctx)).toThrow(
      /PAYMENT_MODE=status but BASE_URL=http:\/\/127\.0\.0\.1:4000 does not offer the status route[^]*what to do: enable the status route/,
    );
    expect(() => refuseModeWithoutRoute('status', { fixturesEnabled: false, statusRouteEnabled: true }, ctx)).not.toThrow();
    // Other modes do not use the route.
    for (const mode of ['live', 'fixture', 'dry'] as const) {
      expect(() => refuseModeWithoutRoute(mode, { fixturesEnabled: true, statusRouteEnabled: false }, ctx), mode).not.toThrow();
    }
  });

  base('does not refuse status mode against a target that does not advertise the field (an older or foreign backend)', () => {
    const chain = ChainInfo.parse({
      chainId: 97,
      tokenAddress: `0x${'1'.repeat(40)}`,
      tokenSymbol: 'USDT',
      tokenDecimals: 18,
      requiredConfirmations: 3,
      rpcUrl: null,
      fixturesEnabled: false,
    });
    expect(chain.statusRouteEnabled).toBeUndefined();
    expect(() => refuseModeWithoutRoute('status', chain, ctx)).not.toThrow();
  });

  base('still refuses fixture mode without fixture deposits, with the same message as before', () => {
    expect(() => refuseModeWithoutRoute('fixture', { fixturesEnabled: false }, ctx)).toThrow(
      'PAYMENT_MODE=fixture but BASE_URL=http://127.0.0.1:4000 has no fixture deposits (GET /chain fixturesEnabled=false)',
    );
  });
});
