// Fault switches that break payment correctness (sandbox/src/faults.ts): a double
// escrow credit, short or foreign-token transfers accepted, an unbalanced release,
// a stalled scanner. Each test runs against a private backend+scanner started with
// the switch (withFaults, fresh database) and compares with the worker's healthy
// stack doing the same thing.
import { deployToken } from '../src/chain/token.ts';
import type { HttpEscrowDriver } from '../../adapters/sandbox/driver.ts';
import { expect, fault, sumPostings, test } from './support/faulty.ts';
import { balancedLedger, data, deliveredRequest, PRICE, toPaymentIntent, untilConfirmations } from './support/flow.ts';

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
});
