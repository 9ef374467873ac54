// Who may see and do what: every refusal leaves the request as it was.
import { createHmac, randomBytes } from 'node:crypto';
import { User } from '../../contract/http.ts';
import { Inbox } from '../../driver/inbox.ts';
import { data, deliveredRequest, requestWithOffers, toPaymentIntent } from './support/flow.ts';
import { expect, test } from './support/fixtures.ts';
import type { Actor } from './support/fixtures.ts';
import sandboxAdapter from '../../adapters/sandbox/index.ts';

/** A well-formed HS256 JWT for `user`, signed with a key the backend does not know. */
function forgedToken(user: Actor): string {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ id: user.id, username: user.username, role: user.role, iat: now, exp: now + 3600 })}`;
  return `${unsigned}.${createHmac('sha256', randomBytes(32)).update(unsigned).digest('base64url')}`;
}

test.describe('delivery confirmation', () => {
  test('neither the selected seller, another invited seller nor another buyer can confirm a delivery', async ({ api, newUser }) => {
    const buyer = await newUser('buyer');
    const sellers = [await newUser('seller'), await newUser('seller')];
    const stranger = await newUser('buyer');
    const { request, payment } = await deliveredRequest(api, buyer, sellers);

    const bySeller = await api.confirmDelivery(sellers[0]!.token, request.id);
    expect(bySeller.status).toBe(403);
    expect(bySeller.error?.message).toContain('only the buyer');
    expect((await api.confirmDelivery(sellers[1]!.token, request.id)).status).toBe(403);
    expect((await api.confirmDelivery(stranger.token, request.id)).status).toBe(404);

    expect(data(await api.getRequest(buyer.token, request.id)).status).toBe('delivered');
    expect(data(await api.paymentLedger(buyer.token, payment.id)).journals.map((j) => j.kind)).toEqual(['escrow_credit']);
    expect(
      data(await api.listNotifications(sellers[0]!.token, { requestId: request.id, type: 'delivery_confirmed' })).notifications,
    ).toEqual([]);
    // The buyer still can: the refusals above did not consume the transition.
    expect(data(await api.confirmDelivery(buyer.token, request.id)).status).toBe('completed');
  });
});

test.describe('visibility', () => {
  test("another buyer neither lists nor reads a buyer's requests", async ({ api, newUser }) => {
    const buyer = await newUser('buyer');
    const other = await newUser('buyer');
    const seller = await newUser('seller');
    const { request } = await requestWithOffers(api, buyer, [seller]);
    const own = data(await api.createRequest(other.token, { title: 'mine', budget: '10', invitedSellerIds: [seller.id] }));

    expect(data(await api.listRequests(buyer.token)).requests.map((r) => r.id)).toContain(request.id);
    const listed = data(await api.listRequests(other.token)).requests;
    expect(listed.map((r) => r.id)).toEqual([own.id]);
    expect(listed.every((r) => r.buyerId === other.id)).toBe(true);

    const read = await api.getRequest(other.token, request.id);
    expect(read.status).toBe(404);
    expect(read.error?.message).not.toContain(buyer.id);
  });

  test('an invited seller sees the request and only its own offer; a non-invited seller gets 404', async ({ api, newUser }) => {
    const buyer = await newUser('buyer');
    const sellers = [await newUser('seller'), await newUser('seller')];
    const outsider = await newUser('seller');
    const { request, offers } = await requestWithOffers(api, buyer, sellers);

    const seen = data(await api.getRequest(sellers[1]!.token, request.id));
    expect(seen.id).toBe(request.id);
    expect(seen.offers.map((o) => o.id)).toEqual([offers[1]!.id]);
    expect(data(await api.listRequests(sellers[1]!.token)).requests.map((r) => r.id)).toContain(request.id);

    expect((await api.getRequest(outsider.token, request.id)).status).toBe(404);
    expect(data(await api.listRequests(outsider.token)).requests.map((r) => r.id)).not.toContain(request.id);
    expect((await api.createOffer(outsider.token, request.id, '5')).status).toBe(404);
    expect(data(await api.getRequest(buyer.token, request.id)).offers).toHaveLength(2);
  });
});

test.describe('roles', () => {
  test('an invited seller whose offer was not selected cannot deliver', async ({ api, newUser }) => {
    const buyer = await newUser('buyer');
    const sellers = [await newUser('seller'), await newUser('seller')];
    const { request, payment } = await toPaymentIntent(api, buyer, sellers);
    data(await api.fixtureDeposit(buyer.token, payment.id));

    const res = await api.deliver(sellers[1]!.token, request.id);
    expect(res.status).toBe(403);
    expect(res.error?.message).toContain('only the selected seller');
    expect(data(await api.getRequest(buyer.token, request.id)).status).toBe('paid');
    expect(data(await api.listNotifications(buyer.token, { requestId: request.id, type: 'delivery_submitted' })).notifications).toEqual([]);
  });

  test('a seller cannot create a purchase request', async ({ api, newUser }) => {
    const seller = await newUser('seller');
    const other = await newUser('seller');
    const res = await api.createRequest(seller.token, { title: 'nope', budget: '10', invitedSellerIds: [other.id] });
    expect(res.status).toBe(403);
    expect(res.error?.message).toContain('only buyers');
    expect(data(await api.listRequests(other.token)).requests).toEqual([]);
    expect(data(await api.listNotifications(other.token)).notifications).toEqual([]);
  });

  test('only the buyer can create the payment intent of a request', async ({ api, newUser }) => {
    const buyer = await newUser('buyer');
    const sellers = [await newUser('seller'), await newUser('seller')];
    const stranger = await newUser('buyer');
    const { request, offers } = await requestWithOffers(api, buyer, sellers);
    data(await api.acceptOffer(buyer.token, request.id, offers[0]!.id));

    expect((await api.createPaymentIntent(sellers[0]!.token, request.id)).status).toBe(403);
    expect((await api.createPaymentIntent(sellers[1]!.token, request.id)).status).toBe(403);
    expect((await api.createPaymentIntent(stranger.token, request.id)).status).toBe(404);
    expect(data(await api.getRequest(buyer.token, request.id)).status).toBe('offer_accepted');

    const created = await api.createPaymentIntent(buyer.token, request.id);
    expect(created.status).toBe(201); // nothing was created by the refused calls
    expect(created.data?.buyerId).toBe(buyer.id);
  });
});

test.describe('authentication', () => {
  test('a missing, malformed or foreign-signed token gets 401 on every protected route', async ({ api, newUser }) => {
    const buyer = await newUser('buyer');
    const seller = await newUser('seller');
    const { request } = await requestWithOffers(api, buyer, [seller]);
    const tokens = { missing: '', malformed: 'not-a-jwt', forged: forgedToken(buyer) };
    for (const [kind, token] of Object.entries(tokens)) {
      const calls = [
        api.listRequests(token),
        api.getRequest(token, request.id),
        api.createRequest(token, { title: 't', budget: '1', invitedSellerIds: [seller.id] }),
        api.acceptOffer(token, request.id, request.id),
        api.createPaymentIntent(token, request.id),
        api.listNotifications(token),
        api.call({ op: 'me', method: 'GET', path: '/me', schema: User, token }),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status, `${kind} token: ${res.record.method} ${res.record.path}`).toBe(401);
        expect(res.error?.error).toBe('unauthorized');
      }
    }
    expect(data(await api.listRequests(buyer.token)).requests.map((r) => r.id)).toEqual([request.id]);
    expect(data(await api.getRequest(buyer.token, request.id)).status).toBe('open');
  });

  test('a socket with a forged token is refused', async ({ stack, newUser }) => {
    const buyer = await newUser('buyer');
    await expect(
      Inbox.connect(sandboxAdapter.notifications, stack.url, { id: buyer.id, token: forgedToken(buyer) }, 1, 5_000),
    ).rejects.toThrow(/refused/);
  });
});
