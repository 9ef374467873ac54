// Paying for the accepted offer in the doctor's flow, per PAYMENT_MODE: status moves the request to payment and
// paid; fixture creates the intent and deposits its full amount; dry creates the intent only; live creates the
// intent and stops, because paying it spends testnet gas. No probes: the doctor checks the adapter, not the product.
import type { ChainInfo, Offer, Payment, PurchaseRequest } from '../../contract/http.ts';
import type { PaymentMode } from '../../contract/worker-result.ts';
import type { ApiResult, EscrowDriver } from '../../driver/types.ts';
import type { Checkup } from './checkup.ts';
import { expectThat } from './failure.ts';
import type { Actor } from './notify.ts';

export const LIVE_NOT_CHECKED = 'live payment is not checked by the doctor because it spends testnet gas';

/** Checks that the target answered with this flow's request in `status`. */
export function expectRequest(
  data: PurchaseRequest,
  res: ApiResult<unknown>,
  requestId: string,
  status: string,
  secrets: readonly string[],
) {
  expectThat(data.id === requestId, res, `request ${requestId}`, `request ${data.id}`, secrets);
  expectThat(data.status === status, res, `status ${status}`, `status ${data.status}`, secrets);
}

export interface PaymentContext {
  api: EscrowDriver;
  checkup: Checkup;
  mode: PaymentMode;
  buyer: Actor;
  request: PurchaseRequest;
  offer: Offer;
  chain: ChainInfo | null;
}

export interface Paid {
  /** The payment intent; null in status mode, which creates none. */
  payment: Payment | null;
  /** The call whose answer confirmed the payment (payment_confirmed's trigger); null when the mode leaves it unpaid. */
  paidBy: ApiResult<unknown> | null;
}

/** Creates the intent and checks that it describes what the buyer owes for the accepted offer. */
async function intent({ api, checkup, buyer, request, offer, chain }: PaymentContext): Promise<Payment> {
  const { secrets } = checkup;
  const { data } = await checkup.call(
    'createPaymentIntent',
    () => api.createPaymentIntent(buyer.token, request.id),
    `a 2xx answer with a payment intent of ${offer.price}`,
    (p, res) => {
      expectThat(
        p.requestId === request.id && p.offerId === offer.id,
        res,
        `a payment of request ${request.id}, offer ${offer.id}`,
        `a payment of request ${p.requestId}, offer ${p.offerId}`,
        secrets,
      );
      expectThat(p.amount === offer.price, res, `amount ${offer.price} (the accepted offer's price)`, `amount ${p.amount}`, secrets);
      expectThat(p.status === 'pending', res, 'status pending', `status ${p.status}`, secrets);
      if (chain)
        expectThat(p.chainId === chain.chainId, res, `chain ${chain.chainId} (the target's chain facts)`, `chain ${p.chainId}`, secrets);
    },
  );
  return data;
}

export async function pay(ctx: PaymentContext): Promise<Paid> {
  const { api, checkup, mode, buyer, request } = ctx;
  const { secrets } = checkup;
  if (mode === 'status') {
    const setStatus = api.setStatus!.bind(api);
    const to = (status: 'payment' | 'paid') =>
      checkup.call(
        `setStatus ${status}`,
        () => setStatus(buyer.token, request.id, status),
        `a 2xx answer with the request in ${status}`,
        (d, r) => expectRequest(d, r, request.id, status, secrets),
      );
    await to('payment');
    return { payment: null, paidBy: (await to('paid')).res };
  }
  const payment = await intent(ctx);
  if (mode === 'dry') return { payment, paidBy: null };
  if (mode === 'live') {
    checkup.skip('payment (live)', 'not checked', LIVE_NOT_CHECKED);
    return { payment, paidBy: null };
  }
  const fixtureDeposit = api.fixtureDeposit!.bind(api);
  const { res } = await checkup.call(
    'fixtureDeposit',
    () => fixtureDeposit(buyer.token, payment.id, payment.amount),
    `a 2xx answer with payment ${payment.id} confirmed`,
    (p, r) => {
      expectThat(p.id === payment.id, r, `payment ${payment.id}`, `payment ${p.id}`, secrets);
      const expected = `status confirmed after a deposit of the full amount ${payment.amount}`;
      expectThat(p.status === 'confirmed', r, expected, `status ${p.status}`, secrets);
    },
  );
  return { payment, paidBy: res };
}
