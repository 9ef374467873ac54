// Fault switches that break notifications (sandbox/src/faults.ts): sent to the
// wrong user, missing, sent twice. Each test runs against a private backend+scanner
// started with the switch (withFaults, fresh database) and compares with the
// worker's healthy stack doing the same thing.
import type { HttpEscrowDriver } from '../../adapters/sandbox/driver.ts';
import { expect, fault, test, type Actor } from './support/faulty.ts';
import { data, deliveredRequest, requestWithOffers } from './support/flow.ts';

test.describe('fault switches', () => {
  test(
    fault('wrong-recipient', "seller_offer_created reaches the offering seller's list and socket, not the buyer's"),
    async ({ faulty, api, newUser, inbox }) => {
      const { sandbox, api: bad } = await faulty('wrong-recipient');
      const buyer = await newUser('buyer', bad);
      const seller = await newUser('seller', bad);
      const [buyerBox, sellerBox] = await Promise.all([inbox(sandbox.url, buyer), inbox(sandbox.url, seller)]);
      const { request, offers } = await requestWithOffers(bad, buyer, [seller]);

      const arrived = await sellerBox.waitFor((n) => n.type === 'seller_offer_created' && n.requestId === request.id, 15_000);
      expect(arrived.notification).toMatchObject({ recipientId: seller.id, offerId: offers[0]!.id });
      const listed = async (driver: HttpEscrowDriver, user: Actor, requestId: string) =>
        data(await driver.listNotifications(user.token, { requestId, type: 'seller_offer_created' })).notifications.map(
          (n) => n.recipientId,
        );
      expect(await listed(bad, seller, request.id)).toEqual([seller.id]);
      expect(await listed(bad, buyer, request.id)).toEqual([]);
      // The buyer is told nothing about this request at all (its one row went to the seller's room).
      expect(buyerBox.received.map((r) => r.notification.type)).toEqual([]);

      // Healthy: the buyer gets it, the seller does not.
      const [hBuyer, hSeller] = [await newUser('buyer'), await newUser('seller')];
      const healthy = await requestWithOffers(api, hBuyer, [hSeller]);
      expect(await listed(api, hBuyer, healthy.request.id)).toEqual([hBuyer.id]);
      expect(await listed(api, hSeller, healthy.request.id)).toEqual([]);
    },
  );

  test(
    fault('missing-notification', 'the buyer gets no delivery_submitted after the seller delivers'),
    async ({ faulty, api, newUser, inbox }) => {
      const { sandbox, api: bad } = await faulty('missing-notification');
      const buyer = await newUser('buyer', bad);
      const seller = await newUser('seller', bad);
      const [buyerBox, sellerBox] = await Promise.all([inbox(sandbox.url, buyer), inbox(sandbox.url, seller)]);
      const { request } = await deliveredRequest(bad, buyer, [seller]);
      const types = async (driver: HttpEscrowDriver, user: Actor, requestId: string) =>
        data(await driver.listNotifications(user.token, { requestId })).notifications.map((n) => n.type);
      // The delivery committed before its response; a notification of it would be listed now.
      expect(await types(bad, buyer, request.id)).toEqual(['seller_offer_created', 'payment_confirmed']);
      // The other notifications still flow: the seller hears of the buyer's confirmation.
      expect(data(await bad.confirmDelivery(buyer.token, request.id)).status).toBe('completed');
      await sellerBox.waitFor((n) => n.type === 'delivery_confirmed' && n.requestId === request.id, 15_000);
      await buyerBox.waitFor((n) => n.type === 'payment_confirmed' && n.requestId === request.id, 15_000);
      expect(buyerBox.received.filter((r) => r.notification.type === 'delivery_submitted')).toEqual([]);

      // Healthy: exactly one delivery_submitted for the buyer.
      const hBuyer = await newUser('buyer');
      const healthy = await deliveredRequest(api, hBuyer, [await newUser('seller')]);
      expect(await types(api, hBuyer, healthy.request.id)).toEqual(['seller_offer_created', 'payment_confirmed', 'delivery_submitted']);
    },
  );

  test(
    fault('duplicate-notification', 'the selected seller gets offer_accepted twice, in the REST list and on the socket'),
    async ({ faulty, api, newUser, inbox }) => {
      const { sandbox, api: bad } = await faulty('duplicate-notification');
      const buyer = await newUser('buyer', bad);
      const sellers = [await newUser('seller', bad), await newUser('seller', bad)];
      const box = await inbox(sandbox.url, sellers[0]!);
      const { request, offers } = await requestWithOffers(bad, buyer, sellers);
      data(await bad.acceptOffer(buyer.token, request.id, offers[0]!.id));

      const list = async (driver: HttpEscrowDriver, user: Actor, requestId: string, type: string) =>
        data(await driver.listNotifications(user.token, { requestId, type })).notifications;
      const accepted = await list(bad, sellers[0]!, request.id, 'offer_accepted');
      expect(accepted).toHaveLength(2);
      expect(new Set(accepted.map((n) => n.id)).size, 'two distinct rows').toBe(2);
      for (const n of accepted) expect(n).toMatchObject({ recipientId: sellers[0]!.id, offerId: offers[0]!.id });
      await expect
        .poll(() => box.received.filter((r) => r.notification.type === 'offer_accepted' && r.notification.requestId === request.id).length)
        .toBe(2);
      // Only offer_accepted is doubled.
      expect(await list(bad, sellers[1]!, request.id, 'offer_rejected')).toHaveLength(1);

      const hBuyer = await newUser('buyer');
      const hSeller = await newUser('seller');
      const healthy = await requestWithOffers(api, hBuyer, [hSeller]);
      data(await api.acceptOffer(hBuyer.token, healthy.request.id, healthy.offers[0]!.id));
      expect(await list(api, hSeller, healthy.request.id, 'offer_accepted')).toHaveLength(1);
    },
  );
});
