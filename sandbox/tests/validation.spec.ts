// Malformed input: a 400 that names the field, shows the value (masked when
// secret) and says what is allowed, and that changes nothing.
import { z } from 'zod';
import { Session } from '../../contract/http.ts';
import type { HttpEscrowDriver } from '../../adapters/sandbox/driver.ts';
import type { ApiResult } from '../../driver/types.ts';
import { data, requestWithOffers, toPaymentIntent } from './support/flow.ts';
import { expect, test } from './support/fixtures.ts';

const Any = z.unknown();

/** 400, `field` set, and a message naming the field, the value and the rule. */
function expectInvalid(res: ApiResult<unknown>, field: string, ...mentions: string[]) {
  const where = `${res.record.method} ${res.record.path}`;
  expect(res.status, `${where}: ${res.error?.message}`).toBe(400);
  expect(res.error, where).toMatchObject({ error: 'validation', field });
  expect(res.error!.message, where).toContain(`${field}:`);
  for (const text of mentions) expect(res.error!.message, where).toContain(text);
}

const post = (api: HttpEscrowDriver, path: string, body: unknown, token?: string) =>
  api.call({ op: 'raw', method: 'POST', path, schema: Any, body, token });
const get = (api: HttpEscrowDriver, path: string, token?: string) => api.call({ op: 'raw', method: 'GET', path, schema: Any, token });

test.describe('auth input', () => {
  test('register refuses an unknown role and a short password without echoing it, and creates no user', async ({ api }) => {
    const username = `validation-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    expectInvalid(
      await post(api, '/auth/register', { username, password: 'long enough pw', role: 'admin' }),
      'body.role',
      '"admin"',
      '"buyer"|"seller"',
    );
    const secret = 'pw-7x!q';
    const short = await post(api, '/auth/register', { username, password: secret, role: 'buyer' });
    expectInvalid(short, 'body.password', '>=8 characters', 'got ***');
    expect(JSON.stringify(short.error)).not.toContain(secret);
    expectInvalid(await post(api, '/auth/register', ['not', 'an', 'object']), 'body', 'expected object', 'got ["not","an","object"]');

    expect((await api.login({ username, password: 'long enough pw' })).status).toBe(401);
    // The name is still free: nothing was written by the refused calls.
    expect((await api.register({ username, password: 'long enough pw', role: 'buyer' })).status).toBe(201);
  });

  test('login names a malformed username and masks a malformed password', async ({ api, newUser }) => {
    const user = await newUser('buyer');
    expectInvalid(
      await post(api, '/auth/login', { username: 'has space', password: 'long enough pw' }),
      'body.username',
      '"has space"',
      'may contain letters, digits',
    );
    const secret = 'tiny!pw';
    const res = await post(api, '/auth/login', { username: user.username, password: secret });
    expectInvalid(res, 'body.password', 'got ***', '>=8 characters');
    expect(JSON.stringify(res.error)).not.toContain(secret);
    expectInvalid(await post(api, '/auth/login', { password: 'long enough pw' }), 'body.username', 'missing', 'expected string');
    Session.parse(data(await post(api, '/auth/login', { username: user.username, password: 'correct horse battery' })));
  });
});

test.describe('request and offer input', () => {
  test('create request names a bad budget, an empty or malformed seller list and a buyer posing as seller', async ({ api, newUser }) => {
    const buyer = await newUser('buyer');
    const seller = await newUser('seller');
    const body = { title: 'validation', budget: '100', invitedSellerIds: [seller.id] };
    expectInvalid(
      await post(api, '/requests', { ...body, budget: '12.5' }, buyer.token),
      'body.budget',
      '"12.5"',
      'decimal string of token base units',
    );
    expectInvalid(await post(api, '/requests', { ...body, budget: 100 }, buyer.token), 'body.budget', 'got 100', 'expected string');
    expectInvalid(
      await post(api, '/requests', { ...body, invitedSellerIds: [] }, buyer.token),
      'body.invitedSellerIds',
      'got []',
      '>=1 items',
    );
    expectInvalid(
      await post(api, '/requests', { ...body, invitedSellerIds: ['not-a-uuid'] }, buyer.token),
      'body.invitedSellerIds.0',
      '"not-a-uuid"',
      'UUID',
    );
    expectInvalid(
      await post(api, '/requests', { ...body, invitedSellerIds: [seller.id, buyer.id] }, buyer.token),
      'body.invitedSellerIds',
      buyer.id,
      'not sellers',
    );

    expect(data(await api.listRequests(buyer.token)).requests).toEqual([]);
    expect(data(await api.listNotifications(seller.token)).notifications).toEqual([]);
  });

  test('create offer names a malformed price and a zero price, and records no offer', async ({ api, newUser }) => {
    const buyer = await newUser('buyer');
    const seller = await newUser('seller');
    const created = data(await api.createRequest(buyer.token, { title: 't', budget: '100', invitedSellerIds: [seller.id] }));
    const path = `/requests/${created.id}/offers`;
    expectInvalid(await post(api, path, { price: 'ten' }, seller.token), 'body.price', '"ten"', 'decimal string of token base units');
    expectInvalid(await post(api, path, { price: '0' }, seller.token), 'body.price', '"0"', 'greater than 0');
    expectInvalid(await post(api, path, { price: -5 }, seller.token), 'body.price', 'got -5', 'expected string');

    expect(data(await api.getRequest(buyer.token, created.id)).offers).toEqual([]);
    expect(data(await api.listNotifications(buyer.token, { requestId: created.id })).notifications).toEqual([]);
    expect((await api.createOffer(seller.token, created.id, '90')).status).toBe(201);
  });

  test('accept names a non-uuid offer id and an offer of another request, and accepts nothing', async ({ api, newUser }) => {
    const buyer = await newUser('buyer');
    const seller = await newUser('seller');
    const mine = await requestWithOffers(api, buyer, [seller]);
    const other = await requestWithOffers(api, buyer, [seller]);
    const path = `/requests/${mine.request.id}/accept`;
    expectInvalid(await post(api, path, { offerId: 'first' }, buyer.token), 'body.offerId', '"first"', 'UUID');
    expectInvalid(
      await post(api, path, { offerId: other.offers[0]!.id }, buyer.token),
      'body.offerId',
      other.offers[0]!.id,
      `is not an offer on request ${mine.request.id}`,
    );

    for (const { request } of [mine, other]) {
      const detail = data(await api.getRequest(buyer.token, request.id));
      expect(detail).toMatchObject({ status: 'open', selectedOfferId: null });
      expect(detail.offers.map((o) => o.status)).toEqual(['pending']);
    }
    expect(data(await api.listNotifications(seller.token, { type: 'offer_accepted' })).notifications).toEqual([]);
  });

  test('status, delivery and fixture deposit name their bad field and leave the request as it was', async ({ api, newUser }) => {
    const buyer = await newUser('buyer');
    const seller = await newUser('seller');
    const { request, payment } = await toPaymentIntent(api, buyer, [seller]);
    expectInvalid(
      await post(api, `/requests/${request.id}/status`, { status: 'completed' }, buyer.token),
      'body.status',
      '"completed"',
      '"payment"|"paid"',
    );
    expectInvalid(await post(api, '/test/deposits', { paymentId: 'abc' }, buyer.token), 'body.paymentId', '"abc"', 'UUID');
    expectInvalid(
      await post(api, '/test/deposits', { paymentId: payment.id, amount: '1.5' }, buyer.token),
      'body.amount',
      '"1.5"',
      'decimal string',
    );
    expect(data(await api.getPayment(buyer.token, payment.id)).status).toBe('pending');
    expect(data(await api.getRequest(buyer.token, request.id)).status).toBe('payment');

    data(await api.fixtureDeposit(buyer.token, payment.id));
    expectInvalid(
      await post(api, `/requests/${request.id}/delivery`, { note: 42 }, seller.token),
      'body.note',
      'got 42',
      'expected string',
    );
    expect(data(await api.getRequest(buyer.token, request.id)).status).toBe('paid');
    expect(data(await api.listNotifications(buyer.token, { requestId: request.id, type: 'delivery_submitted' })).notifications).toEqual([]);
  });
});

test.describe('params, query and body syntax', () => {
  test('a malformed :id is named as params.id on every route that takes one', async ({ api, newUser }) => {
    const buyer = await newUser('buyer');
    const routes: [string, 'GET' | 'POST'][] = [
      ['/requests/not-a-uuid', 'GET'],
      ['/requests/not-a-uuid/offers', 'POST'],
      ['/requests/not-a-uuid/accept', 'POST'],
      ['/requests/not-a-uuid/payment-intents', 'POST'],
      ['/requests/not-a-uuid/confirm', 'POST'],
      ['/payments/not-a-uuid', 'GET'],
      ['/payments/not-a-uuid/check', 'POST'],
      ['/payments/not-a-uuid/ledger', 'GET'],
    ];
    for (const [path, method] of routes) {
      const res = method === 'GET' ? await get(api, path, buyer.token) : await post(api, path, {}, buyer.token);
      expectInvalid(res, 'params.id', '"not-a-uuid"', 'UUID');
    }
  });

  test('GET /notifications and GET /requests name a bad query parameter and list the allowed values', async ({ api, newUser }) => {
    const buyer = await newUser('buyer');
    expectInvalid(
      await get(api, '/notifications?type=bogus', buyer.token),
      'query.type',
      '"bogus"',
      '"seller_request_invited"',
      '"delivery_confirmed"',
    );
    expectInvalid(await get(api, '/notifications?limit=0', buyer.token), 'query.limit', '"0"', '>=1');
    expectInvalid(await get(api, '/notifications?requestId=xyz', buyer.token), 'query.requestId', '"xyz"', 'UUID');
    expectInvalid(await get(api, '/requests?limit=lots', buyer.token), 'query.limit', '"lots"', 'number');
  });

  test('a body that is not JSON, not parseable or too large is refused with 4xx naming the body and creates nothing', async ({
    api,
    stack,
    newUser,
  }) => {
    const buyer = await newUser('buyer');
    const seller = await newUser('seller');
    const send = async (contentType: string, body: string) => {
      const res = await fetch(new URL('/requests', stack.url), {
        method: 'POST',
        headers: { 'content-type': contentType, authorization: `Bearer ${buyer.token}` },
        body,
      });
      return { status: res.status, ...((await res.json()) as { error: string; message: string; field?: string }) };
    };
    const valid = JSON.stringify({ title: 't', budget: '1', invitedSellerIds: [seller.id] });
    expect(await send('application/json', valid.slice(0, -1))).toMatchObject({
      status: 400,
      field: 'body',
      message: expect.stringMatching(/^body: .*JSON/),
    });
    expect(await send('application/json', '')).toMatchObject({ status: 400, field: 'body' });
    expect(await send('application/xml', '<request/>')).toMatchObject({
      status: 415,
      field: 'headers.content-type',
      message: expect.stringContaining('application/xml'),
    });
    const huge = JSON.stringify({ title: 'x'.repeat(70 * 1024), budget: '1', invitedSellerIds: [seller.id] });
    expect(await send('application/json', huge)).toMatchObject({ status: 413, field: 'body' });

    expect(data(await api.listRequests(buyer.token)).requests).toEqual([]);
    expect(data(await api.listNotifications(seller.token)).notifications).toEqual([]);
  });
});
