// Fault switches that break authorization and isolation (sandbox/src/faults.ts):
// another buyer's request listed, a seller confirming its own delivery, two
// accepted offers. Each test runs against a private backend+scanner started with
// the switch (withFaults, fresh database) and compares with the worker's healthy
// stack doing the same thing.
import type { HttpEscrowDriver } from '../../adapters/sandbox/driver.ts';
import { expect, fault, test } from './support/faulty.ts';
import { balancedLedger, data, deliveredRequest, requestWithOffers } from './support/flow.ts';

test.describe('fault switches', () => {
  test(fault('list-leak', "buyer B's GET /requests lists buyer A's request"), async ({ faulty, api, newUser }) => {
    const bad = (await faulty('list-leak')).api;
    const leaks = async (driver: HttpEscrowDriver) => {
      const [a, b] = [await newUser('buyer', driver), await newUser('buyer', driver)];
      const { request } = await requestWithOffers(driver, a, [await newUser('seller', driver)]);
      expect(
        data(await driver.listRequests(a.token)).requests.map((r) => r.id),
        "A's own list",
      ).toContain(request.id);
      return data(await driver.listRequests(b.token))
        .requests.filter((r) => r.id === request.id)
        .map((r) => r.buyerId === a.id);
    };
    expect(await leaks(bad)).toEqual([true]);
    expect(await leaks(api)).toEqual([]);
  });

  test(
    fault('non-buyer-confirm', 'the selected seller confirms its own delivery: 200, completed, escrow released'),
    async ({ faulty, api, newUser }) => {
      const bad = (await faulty('non-buyer-confirm')).api;
      const buyer = await newUser('buyer', bad);
      const seller = await newUser('seller', bad);
      const { request, payment } = await deliveredRequest(bad, buyer, [seller]);
      const confirmed = await bad.confirmDelivery(seller.token, request.id);
      expect(confirmed.status).toBe(200);
      expect(confirmed.data?.status).toBe('completed');
      expect((await balancedLedger(bad, buyer, payment.id)).map((j) => j.kind)).toEqual(['escrow_credit', 'escrow_release']);

      const hBuyer = await newUser('buyer');
      const hSeller = await newUser('seller');
      const healthy = await deliveredRequest(api, hBuyer, [hSeller]);
      expect((await api.confirmDelivery(hSeller.token, healthy.request.id)).status).toBe(403);
      expect(data(await api.getRequest(hBuyer.token, healthy.request.id)).status).toBe('delivered');
    },
  );

  test(
    fault('double-accept', 'concurrent accepts of different offers all succeed and leave several offers accepted'),
    async ({ faulty, api, newUser }) => {
      const bad = (await faulty('double-accept')).api;
      const race = async (driver: HttpEscrowDriver) => {
        const buyer = await newUser('buyer', driver);
        const sellers = await Promise.all(Array.from({ length: 6 }, () => newUser('seller', driver)));
        const { request, offers } = await requestWithOffers(driver, buyer, sellers);
        // Warm the backend's Postgres pool first: on a cold pool the accepts queue for new
        // connections one by one and the first commits before the others have read the request.
        await Promise.all(Array.from({ length: 16 }, () => driver.getRequest(buyer.token, request.id)));
        const results = await Promise.all(offers.map((o) => driver.acceptOffer(buyer.token, request.id, o.id)));
        const detail = data(await driver.getRequest(buyer.token, request.id));
        return {
          statuses: results.map((r) => r.status),
          accepted: detail.offers.filter((o) => o.status === 'accepted').length,
        };
      };
      const raced = await race(bad);
      expect(raced.statuses.filter((s) => s === 200).length, `statuses ${raced.statuses}`).toBeGreaterThan(1);
      expect(raced.accepted).toBeGreaterThan(1);
      const healthy = await race(api);
      expect(
        healthy.statuses.filter((s) => s === 200),
        `statuses ${healthy.statuses}`,
      ).toHaveLength(1);
      expect(
        healthy.statuses.filter((s) => s !== 200).every((s) => s === 409),
        `statuses ${healthy.statuses}`,
      ).toBe(true);
      expect(healthy.accepted).toBe(1);
    },
  );
});
