// Every fault switch of sandbox/src/faults.ts changes the sandbox's behaviour
// exactly as documented there. Each test runs against a private backend+scanner
// started with the switch (withFaults, fresh database), and where it is cheap
// compares with the worker's healthy stack doing the same thing.
import { randomBytes } from 'node:crypto';
import { deployToken } from '../src/chain/token.ts';
import { FAULT_NAMES } from '../src/faults.ts';
import type { Sandbox } from '../src/launcher/sandbox.ts';
import { HttpEscrowDriver } from '../../driver/http-driver.ts';
import type { ApiResult } from '../../driver/types.ts';
import { balancedLedger, data, deliveredRequest, PRICE, requestWithOffers, toPaymentIntent, untilConfirmations } from './support/flow.ts';
import { expect, test as base, type Actor } from './support/fixtures.ts';

interface Faulty {
  sandbox: Sandbox;
  /** A driver of the faulty sandbox (the worker's `api` fixture talks to the healthy stack). */
  api: HttpEscrowDriver;
}

const test = base.extend<{ faulty: (faults: string, options?: { fixtures?: boolean; scannerTimeoutMs?: number }) => Promise<Faulty> }>({
  faulty: async ({ withFaults }, use) => {
    const opened: Faulty[] = [];
    await use(async (faults, options) => {
      const sandbox = await withFaults(faults, options);
      const faulty = { sandbox, api: new HttpEscrowDriver(sandbox.url, { timeoutMs: 30_000 }) };
      opened.push(faulty);
      return faulty;
    });
    // Stop early to free the two cores; withFaults' own teardown then has nothing left to stop.
    for (const { sandbox, api } of opened) {
      await api.close();
      await sandbox.stop();
    }
  },
});

const tested = new Set<string>();
/** The title of a test of one fault switch; the switch is recorded for the coverage test below. */
function fault(name: string, behaviour: string): string {
  tested.add(name);
  return `${name}: ${behaviour}`;
}

const sumPostings = (postings: { amount: string }[]) => postings.reduce((sum, p) => sum + BigInt(p.amount), 0n);

test('every fault switch in FAULT_SWITCHES has a test in this file', () => {
  expect([...tested].sort()).toEqual([...FAULT_NAMES].sort());
});

test.describe('fault switches', () => {
  test(
    fault('duplicate-credit', 'a confirmed payment is credited to escrow twice, where the healthy sandbox credits it once'),
    async ({ faulty, api, newUser }) => {
      const bad = (await faulty('duplicate-credit')).api;
      const creditedOnce = async (driver: HttpEscrowDriver) => {
        const buyer = await newUser('buyer', driver);
        const { payment } = await toPaymentIntent(driver, buyer, [await newUser('seller', driver)]);
        expect(data(await driver.fixtureDeposit(buyer.token, payment.id)).status).toBe('confirmed');
        const journals = await balancedLedger(driver, buyer, payment.id);
        const escrowed = journals.flatMap((j) => j.postings).filter((p) => p.account === `escrow:${payment.id}`);
        return { kinds: journals.map((j) => j.kind), escrowed: sumPostings(escrowed) };
      };
      expect(await creditedOnce(bad)).toEqual({ kinds: ['escrow_credit', 'escrow_credit'], escrowed: 2n * PRICE });
      expect(await creditedOnce(api)).toEqual({ kinds: ['escrow_credit'], escrowed: PRICE });
    },
  );

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

  test(
    fault('underpaid-accepted', 'a short tUSDT transfer and a transfer of another token confirm the payment'),
    async ({ faulty, api, newUser, chain }) => {
      const bad = (await faulty('underpaid-accepted')).api;
      const otherToken = await deployToken(chain.funder, { name: 'Other USD', symbol: 'oUSD', supply: 10n ** 30n });
      const SHORT = PRICE - 1n;
      const intent = async (driver: HttpEscrowDriver) => {
        const buyer = await newUser('buyer', driver);
        return { buyer, payment: (await toPaymentIntent(driver, buyer, [await newUser('seller', driver)])).payment };
      };
      const [short, wrong, hShort, hWrong] = [await intent(bad), await intent(bad), await intent(api), await intent(api)];
      const shortTx = await chain.pay(short.payment.destination, SHORT);
      const wrongTx = await chain.pay(wrong.payment.destination, PRICE, otherToken);
      const hShortTx = await chain.pay(hShort.payment.destination, SHORT);
      const hWrongTx = await chain.pay(hWrong.payment.destination, PRICE, otherToken);

      await expect.poll(async () => data(await bad.checkPayment(short.buyer.token, short.payment.id)).status).toBe('confirmed');
      expect(data(await bad.getPayment(short.buyer.token, short.payment.id)).evidence).toMatchObject({
        txHash: shortTx,
        amountReceived: SHORT.toString(),
      });
      await expect.poll(async () => data(await bad.checkPayment(wrong.buyer.token, wrong.payment.id)).status).toBe('confirmed');
      expect(data(await bad.getPayment(wrong.buyer.token, wrong.payment.id)).evidence).toMatchObject({ txHash: wrongTx });

      // Healthy: once both transfers have every confirmation, an on-demand check still finds nothing paid.
      for (const [tx, { buyer, payment }] of [
        [hShortTx, hShort],
        [hWrongTx, hWrong],
      ] as const) {
        await untilConfirmations(chain.provider, tx, payment.requiredConfirmations);
        expect(data(await api.checkPayment(buyer.token, payment.id)).status).toBe('pending');
      }
    },
  );

  test(
    fault('slow-payment-intent', 'payment intent creation takes at least the configured time while other routes stay fast'),
    async ({ faulty, api, newUser }) => {
      const SLOW_MS = 3_000;
      const bad = (await faulty(`slow-payment-intent=${SLOW_MS}`)).api;
      const buyer = await newUser('buyer', bad);
      const seller = await newUser('seller', bad);
      const others: ApiResult<unknown>[] = [];
      const keep = <T>(res: ApiResult<T>) => (others.push(res), res);
      const request = data(keep(await bad.createRequest(buyer.token, { title: 'slow', budget: '100', invitedSellerIds: [seller.id] })));
      const offer = data(keep(await bad.createOffer(seller.token, request.id, '90')));
      data(keep(await bad.acceptOffer(buyer.token, request.id, offer.id)));
      const intent = await bad.createPaymentIntent(buyer.token, request.id);
      expect(intent.status).toBe(201);
      data(keep(await bad.getPayment(buyer.token, data(intent).id)));
      data(keep(await bad.getRequest(buyer.token, request.id)));
      data(keep(await bad.listNotifications(seller.token)));

      expect(intent.record.durationMs).toBeGreaterThanOrEqual(SLOW_MS);
      for (const res of others)
        expect(res.record.durationMs, `${res.record.op} is fast next to the slowed intent`).toBeLessThan(intent.record.durationMs / 2);
      // Healthy: the same step is not slowed.
      const hBuyer = await newUser('buyer');
      const hSeller = await newUser('seller');
      const hRequest = data(await api.createRequest(hBuyer.token, { title: 'fast', budget: '100', invitedSellerIds: [hSeller.id] }));
      data(await api.acceptOffer(hBuyer.token, hRequest.id, data(await api.createOffer(hSeller.token, hRequest.id, '90')).id));
      const hIntent = await api.createPaymentIntent(hBuyer.token, hRequest.id);
      expect(hIntent.status).toBe(201);
      expect(hIntent.record.durationMs).toBeLessThan(intent.record.durationMs / 2);
    },
  );

  test(fault('error-rate', 'at error-rate=1 every API call but /health (and /version) is answered 500'), async ({ faulty, api }) => {
    const bad = (await faulty('error-rate=1')).api;
    const calls = async (driver: HttpEscrowDriver) => {
      const username = `err-${randomBytes(4).toString('hex')}`;
      const steps = [
        () => driver.register({ username, password: 'correct horse battery', role: 'buyer' }),
        () => driver.login({ username, password: 'correct horse battery' }),
        () => driver.chain(),
        () => driver.listRequests('not-a-token'),
        () => driver.getRequest('not-a-token', '00000000-0000-4000-8000-000000000000'),
        () => driver.listNotifications('not-a-token'),
      ];
      const results: ApiResult<unknown>[] = [];
      for (const step of steps) results.push(await step());
      return results;
    };
    for (const res of await calls(bad)) {
      expect(res.status, res.record.op).toBe(500);
      expect(res.error, res.record.op).toEqual({ error: 'internal', message: 'internal error (fault error-rate)' });
    }
    for (let i = 0; i < 5; i++) expect((await bad.health()).status).toBe(200);
    expect((await bad.version()).status).toBe(200);
    // Healthy: the same calls get their real answers.
    expect((await calls(api)).map((r) => r.status)).toEqual([201, 200, 200, 401, 401, 401]);
  });

  test(fault('error-rate', 'at error-rate=0.5 a batch of 40 calls has both 500s and successes'), async ({ faulty }) => {
    const bad = (await faulty('error-rate=0.5')).api;
    // Each call fails independently with probability 0.5 (Math.random per request), so all 40
    // answering alike has probability 2 * 0.5^40 ~ 1.8e-12: this test flakes less than once in 1e9 runs.
    const statuses = (await Promise.all(Array.from({ length: 40 }, () => bad.chain()))).map((r) => r.status);
    expect(
      statuses.filter((s) => s !== 200 && s !== 500),
      `statuses ${statuses}`,
    ).toEqual([]);
    expect(statuses.filter((s) => s === 500).length, `statuses ${statuses}`).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length, `statuses ${statuses}`).toBeGreaterThan(0);
  });

  test(
    fault('ledger-imbalance', 'after buyer confirmation the escrow_release journal does not sum to zero'),
    async ({ faulty, api, newUser }) => {
      const bad = (await faulty('ledger-imbalance')).api;
      const released = async (driver: HttpEscrowDriver) => {
        const buyer = await newUser('buyer', driver);
        const seller = await newUser('seller', driver);
        const { request, payment } = await deliveredRequest(driver, buyer, [seller]);
        expect(data(await driver.confirmDelivery(buyer.token, request.id)).status).toBe('completed');
        const journals = data(await driver.paymentLedger(buyer.token, payment.id)).journals;
        expect(journals.map((j) => j.kind)).toEqual(['escrow_credit', 'escrow_release']);
        expect(sumPostings(journals[0]!.postings), 'escrow_credit balances').toBe(0n);
        const release = journals[1]!.postings;
        return { sum: sumPostings(release), toSeller: release.find((p) => p.account === `seller:${seller.id}`)?.amount };
      };
      expect(await released(bad)).toEqual({ sum: -1n, toSeller: (PRICE - 1n).toString() });
      expect(await released(api)).toEqual({ sum: 0n, toSeller: PRICE.toString() });
    },
  );

  test(
    fault('scanner-stall', 'on-demand checks time out and a paid payment stays pending while the healthy sandbox confirms'),
    async ({ faulty, api, newUser, chain }) => {
      const SCANNER_TIMEOUT_MS = 1_500;
      const bad = (await faulty('scanner-stall', { scannerTimeoutMs: SCANNER_TIMEOUT_MS })).api;
      const buyer = await newUser('buyer', bad);
      const { request, payment } = await toPaymentIntent(bad, buyer, [await newUser('seller', bad)]);
      const hBuyer = await newUser('buyer');
      const healthy = await toPaymentIntent(api, hBuyer, [await newUser('seller')]);
      const tx = await chain.pay(payment.destination, PRICE);
      await chain.pay(healthy.payment.destination, PRICE);

      const check = await bad.checkPayment(buyer.token, payment.id);
      expect(check.status).toBe(504);
      expect(check.error).toMatchObject({
        error: 'scanner_unavailable',
        message: `scanner did not answer within ${SCANNER_TIMEOUT_MS} ms`,
      });
      expect(check.record.durationMs).toBeGreaterThanOrEqual(SCANNER_TIMEOUT_MS);

      // The healthy scanner's loop confirms its payment (no on-demand check needed)...
      await expect
        .poll(async () => data(await api.getPayment(hBuyer.token, healthy.payment.id)).status, { timeout: 30_000 })
        .toBe('confirmed');
      // ...while the stalled one leaves a fully confirmed transfer unseen.
      await untilConfirmations(chain.provider, tx, payment.requiredConfirmations);
      expect(data(await bad.getPayment(buyer.token, payment.id)).status).toBe('pending');
      expect(data(await bad.getRequest(buyer.token, request.id)).status).toBe('payment');
    },
  );

  test(
    fault('backend-crash-after', 'the backend exits after n requests and is restarted on the same URL, counted in /health'),
    async ({ faulty, api }) => {
      const N = 5;
      const { sandbox, api: bad } = await faulty(`backend-crash-after=${N}`);
      const url = sandbox.url;
      const backendOf = (health: Awaited<ReturnType<HttpEscrowDriver['health']>>) =>
        data(health).components.find((c) => c.name === 'backend')!;
      const first = backendOf(await bad.health());
      expect(first.restarts).toBe(0);
      // Requests 2..n are still answered by the first process: it exits only after the n-th response.
      for (let i = 2; i <= N; i++) expect(backendOf(await bad.health()).pid, `request ${i}`).toBe(first.pid);

      const restarted = async () => {
        try {
          const backend = backendOf(await bad.health());
          return backend.pid !== first.pid ? backend.restarts : -1;
        } catch {
          return -1; // down between exit and restart
        }
      };
      await expect.poll(restarted, { timeout: 30_000, message: 'a new backend process reports restarts >= 1' }).toBeGreaterThanOrEqual(1);
      expect(sandbox.backend.restarts).toBeGreaterThanOrEqual(1);
      expect(sandbox.url).toBe(url);

      // Healthy: the stack's backend serves 2n requests with one process.
      const pids = new Set<number | null>();
      for (let i = 0; i < 2 * N; i++) pids.add(backendOf(await api.health()).pid);
      expect(pids.size).toBe(1);
    },
  );
});
