// Steps of the marketplace flow shared by the sandbox tests.
import { expect } from '@playwright/test';
import type { JsonRpcProvider } from 'ethers';
import { Health } from '../../../contract/http.ts';
import type { HttpEscrowDriver } from '../../../adapters/sandbox/driver.ts';
import type { ApiResult } from '../../../driver/types.ts';
import type { Actor } from './fixtures.ts';

export const PRICE = 25n * 10n ** 18n;

export function data<T>(res: ApiResult<T>): T {
  expect(res.ok, `${res.record.method} ${res.record.path} -> ${res.status} ${res.error?.message ?? ''}`).toBe(true);
  if (!res.ok) throw new Error('unreachable: the assertion above failed');
  return res.data;
}

/** Buyer creates a request inviting the sellers; each seller offers; returns ids. */
export async function requestWithOffers(api: HttpEscrowDriver, buyer: Actor, sellers: Actor[]) {
  const request = data(
    await api.createRequest(buyer.token, {
      title: 'escrow test',
      budget: (PRICE * 2n).toString(),
      invitedSellerIds: sellers.map((s) => s.id),
    }),
  );
  const offers = [];
  for (const [i, seller] of sellers.entries())
    offers.push(data(await api.createOffer(seller.token, request.id, (PRICE + BigInt(i)).toString())));
  return { request, offers };
}

/** From open request to an accepted first offer, without a payment intent. */
export async function acceptedOffer(api: HttpEscrowDriver, buyer: Actor, sellers: Actor[]) {
  const { request, offers } = await requestWithOffers(api, buyer, sellers);
  data(await api.acceptOffer(buyer.token, request.id, offers[0]!.id));
  return { request, offers };
}

/** From open request to an accepted first offer and a payment intent. */
export async function toPaymentIntent(api: HttpEscrowDriver, buyer: Actor, sellers: Actor[]) {
  const { request, offers } = await acceptedOffer(api, buyer, sellers);
  const payment = data(await api.createPaymentIntent(buyer.token, request.id));
  return { request, offers, payment };
}

/** A payment intent half paid by a fixture deposit, as the flow's underpayment probe leaves it: still pending. */
export async function halfPaidIntent(api: HttpEscrowDriver, buyer: Actor, sellers: Actor[]) {
  const flow = await toPaymentIntent(api, buyer, sellers);
  const half = (BigInt(flow.payment.amount) / 2n).toString();
  expect(data(await api.fixtureDeposit(buyer.token, flow.payment.id, half)).status).toBe('pending');
  return flow;
}

/** Sum of postings per journal must be zero; returns the journals. */
export async function balancedLedger(api: HttpEscrowDriver, actor: Actor, paymentId: string) {
  const ledger = data(await api.paymentLedger(actor.token, paymentId));
  for (const journal of ledger.journals) {
    expect(
      journal.postings.reduce((sum, p) => sum + BigInt(p.amount), 0n),
      `journal ${journal.id} (${journal.kind}) sums to zero`,
    ).toBe(0n);
  }
  return ledger.journals;
}

/** From open request to a delivered one (paid by a fixture deposit); the first seller is selected. */
export async function deliveredRequest(api: HttpEscrowDriver, buyer: Actor, sellers: Actor[]) {
  const flow = await toPaymentIntent(api, buyer, sellers);
  expect(data(await api.fixtureDeposit(buyer.token, flow.payment.id)).status).toBe('confirmed');
  expect(data(await api.deliver(sellers[0]!.token, flow.request.id)).status).toBe('delivered');
  return flow;
}

/** Waits until the block holding `txHash` has at least `confirmations` confirmations. */
export async function untilConfirmations(provider: JsonRpcProvider, txHash: string, confirmations: number): Promise<void> {
  const receipt = await provider.getTransactionReceipt(txHash);
  expect(receipt, `receipt of ${txHash}`).not.toBeNull();
  await expect
    .poll(async () => (await provider.getBlockNumber()) - receipt!.blockNumber + 1, {
      message: `${txHash} reaches ${confirmations} confirmations`,
    })
    .toBeGreaterThanOrEqual(confirmations);
}

/** GET /health whatever its status (503 while degraded), parsed with the contract's schema. */
export async function health(baseUrl: string): Promise<Health & { httpStatus: number }> {
  const res = await fetch(new URL('/health', baseUrl), { signal: AbortSignal.timeout(10_000) });
  return { ...Health.parse(await res.json()), httpStatus: res.status };
}
