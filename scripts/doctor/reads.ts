// Every read the target offers, called once after the flow and its answer checked for this flow's ids: the
// request, the buyer's list, the payment, its ledger, the buyer's persisted notifications.
import type { PaymentMode } from '../../contract/worker-result.ts';
import { notOffered } from '../../driver/capabilities.ts';
import type { EscrowDriver } from '../../driver/types.ts';
import type { Checkup } from './checkup.ts';
import { accepted, expectThat } from './failure.ts';
import type { Actor, ExpectedCopy } from './notify.ts';

export interface FlowIds {
  requestId: string;
  offerIds: string[];
  selectedOfferId: string;
  /** Null in status mode, which creates no payment. */
  paymentId: string | null;
}

/** Where the flow left the request and the payment in each mode. */
const FINAL: Record<PaymentMode, { request: string; payment: string | null; credits: number }> = {
  status: { request: 'completed', payment: null, credits: 0 },
  fixture: { request: 'completed', payment: 'confirmed', credits: 1 },
  dry: { request: 'payment', payment: 'pending', credits: 0 },
  live: { request: 'payment', payment: 'pending', credits: 0 },
};

const list = (ids: readonly string[]) => (ids.length ? ids.join(', ') : 'none');

export async function checkReads(
  api: EscrowDriver,
  checkup: Checkup,
  mode: PaymentMode,
  buyer: Actor,
  ids: FlowIds,
  expected: readonly ExpectedCopy[],
): Promise<void> {
  const { secrets } = checkup;
  const final = FINAL[mode];
  await checkup.step(
    'getRequest',
    async () => {
      const res = await api.getRequest(buyer.token, ids.requestId);
      const detail = accepted(res, `a 2xx answer with request ${ids.requestId}`, secrets);
      const offers = detail.offers.map((o) => o.id);
      expectThat(detail.id === ids.requestId, res, `request ${ids.requestId}`, `request ${detail.id}`, secrets);
      expectThat(
        ids.offerIds.every((id) => offers.includes(id)),
        res,
        `its offers ${list(ids.offerIds)}`,
        `offers ${list(offers)}`,
        secrets,
      );
      expectThat(
        detail.selectedOfferId === ids.selectedOfferId,
        res,
        `selected offer ${ids.selectedOfferId}`,
        `selected offer ${detail.selectedOfferId}`,
        secrets,
      );
      expectThat(detail.status === final.request, res, `status ${final.request}`, `status ${detail.status}`, secrets);
      return detail;
    },
    { describe: (d) => `request ${d.id}: ${d.status}, ${d.offers.length} offers` },
  );
  await checkup.step(
    'listRequests',
    async () => {
      const res = await api.listRequests(buyer.token);
      const { requests } = accepted(res, "a 2xx answer with the buyer's requests", secrets);
      const listed = requests.map((r) => r.id);
      expectThat(
        listed.includes(ids.requestId),
        res,
        `the buyer's list holds request ${ids.requestId}`,
        `requests ${list(listed)}`,
        secrets,
      );
      const others = requests.filter((r) => r.buyerId !== buyer.id).map((r) => r.id);
      expectThat(!others.length, res, "only the buyer's own requests", `requests of other buyers: ${list(others)}`, secrets);
      return requests;
    },
    { describe: (r) => `${r.length} request(s), this flow's among them` },
  );
  const payment = ids.paymentId;
  if (!api.getPayment) checkup.skip('getPayment', 'not offered', notOffered('paymentRead'));
  else if (payment === null) checkup.skip('getPayment', 'not checked', `PAYMENT_MODE=${mode} creates no payment`);
  else {
    const getPayment = api.getPayment.bind(api);
    await checkup.step(
      'getPayment',
      async () => {
        const res = await getPayment(buyer.token, payment);
        const p = accepted(res, `a 2xx answer with payment ${payment}`, secrets);
        expectThat(
          p.id === payment && p.requestId === ids.requestId,
          res,
          `payment ${payment} of request ${ids.requestId}`,
          `payment ${p.id} of request ${p.requestId}`,
          secrets,
        );
        expectThat(p.status === final.payment, res, `status ${final.payment}`, `status ${p.status}`, secrets);
        return p;
      },
      { describe: (p) => `payment ${p.id}: ${p.status}` },
    );
  }
  if (!api.paymentLedger) checkup.skip('paymentLedger', 'not offered', notOffered('ledger'));
  else if (payment === null) checkup.skip('paymentLedger', 'not checked', `PAYMENT_MODE=${mode} creates no payment`);
  else {
    const paymentLedger = api.paymentLedger.bind(api);
    await checkup.step(
      'paymentLedger',
      async () => {
        const res = await paymentLedger(buyer.token, payment);
        const ledger = accepted(res, `a 2xx answer with the ledger of payment ${payment}`, secrets);
        const stray = ledger.journals.filter((j) => j.paymentId !== payment).map((j) => j.id);
        expectThat(
          ledger.paymentId === payment && !stray.length,
          res,
          `journals of payment ${payment} only`,
          `payment ${ledger.paymentId}, journals of other payments: ${list(stray)}`,
          secrets,
        );
        const credits = ledger.journals.filter((j) => j.kind === 'escrow_credit').length;
        expectThat(credits === final.credits, res, `${final.credits} escrow credit(s)`, `${credits} escrow credit(s)`, secrets);
        return ledger;
      },
      { describe: (l) => `${l.journals.length} journal(s): ${l.journals.map((j) => j.kind).join(', ') || 'none'}` },
    );
  }
  if (!api.listNotifications) {
    checkup.skip('listNotifications', 'not offered', notOffered('notificationList'));
    return;
  }
  const listNotifications = api.listNotifications.bind(api);
  const buyerTypes = [...new Set(expected.filter((e) => e.recipient === buyer).map((e) => e.type))];
  await checkup.step(
    'listNotifications',
    async () => {
      const res = await listNotifications(buyer.token, { requestId: ids.requestId });
      const { notifications } = accepted(res, `a 2xx answer with the buyer's notifications of request ${ids.requestId}`, secrets);
      const stray = notifications.filter((n) => n.requestId !== ids.requestId || n.recipientId !== buyer.id);
      expectThat(
        !stray.length,
        res,
        `only the buyer's notifications of request ${ids.requestId}`,
        `${stray.length} of other requests or users, e.g. ${stray[0]?.type} for user ${stray[0]?.recipientId} on request ${stray[0]?.requestId}`,
        secrets,
      );
      const types = notifications.map((n) => n.type);
      const absent = buyerTypes.filter((t) => !types.includes(t));
      expectThat(!absent.length, res, `the buyer's persisted ${list(buyerTypes)}`, `no ${list(absent)} (listed: ${list(types)})`, secrets);
      return notifications;
    },
    { describe: (n) => `${n.length} notification(s) of this request: ${[...new Set(n.map((x) => x.type))].join(', ') || 'none'}` },
  );
}
