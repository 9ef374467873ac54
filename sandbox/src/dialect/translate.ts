// The backend's objects in bazaar's words: numbers for UUIDs, money in token units, its own names for
// roles, stages, states and topics. A value the tables do not know is passed on as the backend sent it.
import type { Notification, NotificationType } from '../../../contract/events.ts';
import type { Offer, Payment, PurchaseRequest, RequestDetail, RequestStatus, Role, Session } from '../../../contract/http.ts';
import type { Numbers } from './ids.ts';
import type { Money } from './money.ts';

type Journal = { id: string; kind: string; createdAt: string; postings: { account: string; amount: string }[] };

export const KIND: Record<Role, string> = { buyer: 'customer', seller: 'merchant' };
export const ROLE: Record<string, Role> = { customer: 'buyer', merchant: 'seller' };

export const STAGE: Record<RequestStatus, string> = {
  open: 'OPEN',
  offer_accepted: 'BID_ACCEPTED',
  payment: 'AWAITING_PAYMENT',
  paid: 'PAID',
  delivered: 'SHIPPED',
  completed: 'DONE',
  cancelled: 'CANCELLED',
};
/** The stages the stage route (the backend's status route) may be asked for. */
export const SETTABLE_STAGE: Record<string, 'payment' | 'paid'> = { AWAITING_PAYMENT: 'payment', PAID: 'paid' };

const BID_STATE: Record<Offer['status'], string> = { pending: 'PENDING', accepted: 'WON', rejected: 'LOST' };
const INVOICE_STATE: Record<Payment['status'], string> = { pending: 'UNPAID', confirmed: 'SETTLED', expired: 'LAPSED' };

export const TOPIC: Record<NotificationType, string> = {
  seller_request_invited: 'order.invited',
  seller_offer_created: 'bid.placed',
  offer_accepted: 'bid.won',
  offer_rejected: 'bid.lost',
  payment_confirmed: 'invoice.settled',
  delivery_submitted: 'order.shipped',
  delivery_confirmed: 'order.received',
};
export const TYPE_OF_TOPIC: Record<string, NotificationType> = Object.fromEntries(
  Object.entries(TOPIC).map(([type, topic]) => [topic, type as NotificationType]),
);

const named = <T extends string>(table: Record<T, string>, value: T): string => (Object.hasOwn(table, value) ? table[value] : value);

export class Translate {
  constructor(
    private readonly ids: Numbers,
    private readonly money: Money,
  ) {}

  async member(session: Session) {
    await this.ids.ensure([session.user.id]);
    return {
      member: { member_no: this.ids.no(session.user.id), handle: session.user.username, kind: named(KIND, session.user.role) },
      session: session.token,
    };
  }

  private requestIds(r: PurchaseRequest): (string | null)[] {
    return [r.id, r.buyerId, r.selectedOfferId, ...(r.invitedSellerIds ?? [])];
  }

  private orderNow(r: PurchaseRequest) {
    return {
      order_no: this.ids.no(r.id),
      customer_no: this.ids.no(r.buyerId),
      subject: r.title,
      ceiling: this.money.show(r.budget),
      stage: named(STAGE, r.status),
      merchants: (r.invitedSellerIds ?? []).map((id) => this.ids.no(id)),
      winning_bid_no: this.ids.maybe(r.selectedOfferId),
      opened_at: r.createdAt,
      changed_at: r.updatedAt,
    };
  }

  private bidNow(o: Offer) {
    return {
      bid_no: this.ids.no(o.id),
      order_no: this.ids.no(o.requestId),
      merchant_no: this.ids.no(o.sellerId),
      ask: this.money.show(o.price),
      state: named(BID_STATE, o.status),
      placed_at: o.createdAt,
    };
  }

  async order(r: PurchaseRequest) {
    await this.ids.ensure(this.requestIds(r));
    return this.orderNow(r);
  }

  async orders(list: PurchaseRequest[]) {
    await this.ids.ensure(list.flatMap((r) => this.requestIds(r)));
    return { orders: list.map((r) => this.orderNow(r)) };
  }

  async orderWithBids(r: RequestDetail) {
    await this.ids.ensure([...this.requestIds(r), ...(r.offers ?? []).flatMap((o) => [o.id, o.requestId, o.sellerId])]);
    return { ...this.orderNow(r), bids: (r.offers ?? []).map((o) => this.bidNow(o)) };
  }

  async bid(o: Offer) {
    await this.ids.ensure([o.id, o.requestId, o.sellerId]);
    return this.bidNow(o);
  }

  async invoice(p: Payment) {
    await this.ids.ensure([p.id, p.requestId, p.offerId, p.buyerId, p.sellerId]);
    const e = p.evidence;
    return {
      invoice_no: this.ids.no(p.id),
      order_no: this.ids.no(p.requestId),
      bid_no: this.ids.no(p.offerId),
      customer_no: this.ids.no(p.buyerId),
      merchant_no: this.ids.no(p.sellerId),
      network: p.chainId,
      token: p.tokenAddress,
      pay_to: p.destination,
      due: this.money.show(p.amount),
      state: named(INVOICE_STATE, p.status),
      due_by: p.expiresAt,
      issued_at: p.createdAt,
      settled_at: p.confirmedAt,
      confirmations_needed: p.requiredConfirmations,
      proof: e
        ? {
            // A fixture deposit's hash is `fixture:<uuid>`: its UUID becomes a number like every other.
            tx: await this.ids.inText(e.txHash),
            log_index: e.logIndex,
            block: e.blockNumber,
            confirmations: e.confirmations,
            received: this.money.show(e.amountReceived),
            origin: e.source,
          }
        : null,
    };
  }

  /** `seller:<uuid>` -> `merchant:<no>`, `escrow:<uuid>` -> `escrow:<no>`; a deposit address stays. */
  private async account(account: string): Promise<string> {
    return this.ids.inText(account.replace(/^seller:/, 'merchant:'));
  }

  async entries(paymentId: string, journals: Journal[]) {
    await this.ids.ensure([paymentId]);
    return {
      invoice_no: this.ids.no(paymentId),
      entries: await Promise.all(
        journals.map(async (j) => ({
          entry_id: /^[0-9]+$/.test(j.id) ? Number(j.id) : j.id,
          kind: j.kind,
          at: j.createdAt,
          lines: await Promise.all(
            j.postings.map(async (p) => ({ account: await this.account(p.account), delta: this.money.show(p.amount) })),
          ),
        })),
      ),
    };
  }

  private alertIds(n: Notification): (string | null)[] {
    return [n.id, n.recipientId, n.requestId, n.offerId, n.paymentId];
  }

  private alertNow(n: Notification) {
    return {
      alert_no: this.ids.no(n.id),
      topic: named(TOPIC, n.type),
      member_no: this.ids.no(n.recipientId),
      order_no: this.ids.no(n.requestId),
      bid_no: this.ids.maybe(n.offerId),
      invoice_no: this.ids.maybe(n.paymentId),
      sent_at: n.createdAt,
      seen_at: n.readAt,
    };
  }

  async alert(n: Notification) {
    await this.ids.ensure(this.alertIds(n));
    return this.alertNow(n);
  }

  async alerts(list: Notification[]) {
    await this.ids.ensure(list.flatMap((n) => this.alertIds(n)));
    return { alerts: list.map((n) => this.alertNow(n)) };
  }
}
