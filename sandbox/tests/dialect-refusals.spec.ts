// The bazaar dialect says no as the backend does, in its own words: 401 without its session header, 404 for numbers
// it never issued, errors naming bazaar's fields, and no health, version or metrics routes.
import { expect, expectStatus, bazaar, signup, test } from './support/dialect.ts';

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
