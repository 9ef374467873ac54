// bazaar's wire shapes (zod) and how each becomes the suite's: integer ids as strings, decimal token units as base
// units, its stages, states and topics in the suite's words. Pure; the driver in bazaar.ts makes the calls.
import { z } from 'zod';
import type { ApiFailure, Notification, Offer, Payment, PurchaseRequest, RequestStatus, Session } from '../../driver/adapter.ts';

// ---- bazaar's wire shapes ------------------------------------------------------------------------------------
export const No = z.number().int().positive();
export const Decimal = z.string().regex(/^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/, 'must be a decimal string of token units');
export const Member = z.object({ member_no: No, handle: z.string(), kind: z.enum(['customer', 'merchant']) });
export const SignedIn = z.object({ member: Member, session: z.string().min(1) });
export const STAGES = ['OPEN', 'BID_ACCEPTED', 'AWAITING_PAYMENT', 'PAID', 'SHIPPED', 'DONE', 'CANCELLED'] as const;
export const Order = z.object({
  order_no: No,
  customer_no: No,
  subject: z.string(),
  ceiling: Decimal,
  stage: z.enum(STAGES),
  merchants: z.array(No),
  winning_bid_no: No.nullable(),
  opened_at: z.string(),
  changed_at: z.string(),
});
export const Bid = z.object({
  bid_no: No,
  order_no: No,
  merchant_no: No,
  ask: Decimal,
  state: z.enum(['PENDING', 'WON', 'LOST']),
  placed_at: z.string(),
});
export const OrderWithBids = Order.extend({ bids: z.array(Bid) });
export const Invoice = z.object({
  invoice_no: No,
  order_no: No,
  bid_no: No,
  customer_no: No,
  merchant_no: No,
  network: z.number().int().positive(),
  token: z.string(),
  pay_to: z.string(),
  due: Decimal,
  state: z.enum(['UNPAID', 'SETTLED', 'LAPSED']),
  due_by: z.string(),
  issued_at: z.string(),
  settled_at: z.string().nullable(),
  confirmations_needed: z.number().int().positive(),
  proof: z
    .object({
      tx: z.string(),
      log_index: z.number().int().nonnegative(),
      block: z.number().int().nonnegative(),
      confirmations: z.number().int().nonnegative(),
      received: Decimal,
      origin: z.enum(['chain', 'fixture']),
    })
    .nullable(),
});
export const Entries = z.object({
  invoice_no: No,
  entries: z.array(
    z.object({
      entry_id: z.union([No, z.string()]),
      kind: z.enum(['escrow_credit', 'escrow_release']),
      at: z.string(),
      lines: z.array(z.object({ account: z.string(), delta: Decimal })),
    }),
  ),
});
export const TOPICS = {
  'order.invited': 'seller_request_invited',
  'bid.placed': 'seller_offer_created',
  'bid.won': 'offer_accepted',
  'bid.lost': 'offer_rejected',
  'invoice.settled': 'payment_confirmed',
  'order.shipped': 'delivery_submitted',
  'order.received': 'delivery_confirmed',
} as const satisfies Record<string, Notification['type']>;
export const Alert = z.object({
  alert_no: No,
  topic: z.enum(Object.keys(TOPICS) as [keyof typeof TOPICS, ...(keyof typeof TOPICS)[]]),
  member_no: No,
  order_no: No,
  bid_no: No.nullable(),
  invoice_no: No.nullable(),
  sent_at: z.string(),
  seen_at: z.string().nullable(),
});
export const About = z.object({
  network: z.number().int().positive(),
  token: z.string(),
  token_symbol: z.string(),
  decimals: z.number().int().min(0).max(36),
  confirmations_needed: z.number().int().positive(),
  rpc: z.string().nullable(),
  dev_settlement: z.boolean(),
  manual_stage: z.boolean(),
});

// ---- bazaar's words in the suite's ---------------------------------------------------------------------------
export const STATUS: Record<(typeof STAGES)[number], RequestStatus> = {
  OPEN: 'open',
  BID_ACCEPTED: 'offer_accepted',
  AWAITING_PAYMENT: 'payment',
  PAID: 'paid',
  SHIPPED: 'delivered',
  DONE: 'completed',
  CANCELLED: 'cancelled',
};
export const STAGE_OF: Record<'payment' | 'paid', string> = { payment: 'AWAITING_PAYMENT', paid: 'PAID' };
export const OFFER_STATUS = { PENDING: 'pending', WON: 'accepted', LOST: 'rejected' } as const;
export const PAYMENT_STATUS = { UNPAID: 'pending', SETTLED: 'confirmed', LAPSED: 'expired' } as const;
export const id = (no: number | string): string => String(no);
export const no = (suiteId: string): number => Number(suiteId);

/** Token units ("10.5") and base units ("10500000"), both ways, at the token's decimals. */
export function money(decimals: number) {
  const scale = 10n ** BigInt(decimals);
  return {
    base(decimal: string): string {
      const negative = decimal.startsWith('-');
      const [whole = '0', fraction = ''] = decimal.replace(/^-/, '').split('.');
      if (fraction.length > decimals) throw new Error(`${decimal} has more than ${decimals} decimals`);
      const value = BigInt(whole) * scale + BigInt(fraction.padEnd(decimals, '0') || '0');
      return (negative ? -value : value).toString();
    },
    decimal(base: string): string {
      const value = BigInt(base);
      const abs = value < 0n ? -value : value;
      const fraction = (abs % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
      return `${value < 0n ? '-' : ''}${abs / scale}${fraction ? `.${fraction}` : ''}`;
    },
  };
}
export type Money = ReturnType<typeof money>;

export const order = (o: z.infer<typeof Order>, m: Money): PurchaseRequest => ({
  id: id(o.order_no),
  buyerId: id(o.customer_no),
  title: o.subject,
  budget: m.base(o.ceiling),
  status: STATUS[o.stage],
  invitedSellerIds: o.merchants.map(id),
  selectedOfferId: o.winning_bid_no === null ? null : id(o.winning_bid_no),
  createdAt: o.opened_at,
  updatedAt: o.changed_at,
});
export const bid = (b: z.infer<typeof Bid>, m: Money): Offer => ({
  id: id(b.bid_no),
  requestId: id(b.order_no),
  sellerId: id(b.merchant_no),
  price: m.base(b.ask),
  status: OFFER_STATUS[b.state],
  createdAt: b.placed_at,
});
export const invoice = (i: z.infer<typeof Invoice>, m: Money): Payment => ({
  id: id(i.invoice_no),
  requestId: id(i.order_no),
  offerId: id(i.bid_no),
  buyerId: id(i.customer_no),
  sellerId: id(i.merchant_no),
  chainId: i.network,
  tokenAddress: i.token,
  destination: i.pay_to,
  amount: m.base(i.due),
  status: PAYMENT_STATUS[i.state],
  expiresAt: i.due_by,
  createdAt: i.issued_at,
  confirmedAt: i.settled_at,
  requiredConfirmations: i.confirmations_needed,
  evidence: i.proof && {
    txHash: i.proof.tx,
    logIndex: i.proof.log_index,
    blockNumber: i.proof.block,
    confirmations: i.proof.confirmations,
    amountReceived: m.base(i.proof.received),
    source: i.proof.origin,
  },
});
export const session = (s: z.infer<typeof SignedIn>): Session => ({
  user: { id: id(s.member.member_no), username: s.member.handle, role: s.member.kind === 'customer' ? 'buyer' : 'seller' },
  token: s.session,
});
export const problem = (body: unknown, status: number): ApiFailure => {
  const p = body as { problem?: unknown; detail?: unknown; field?: unknown } | undefined;
  return typeof p?.problem === 'string'
    ? {
        error: p.problem,
        message: typeof p.detail === 'string' ? p.detail : p.problem,
        ...(typeof p.field === 'string' ? { field: p.field } : {}),
      }
    : { error: `http_${status}`, message: `HTTP ${status}` };
};

export const alert = (a: z.infer<typeof Alert>): Notification => ({
  id: id(a.alert_no),
  type: TOPICS[a.topic],
  recipientId: id(a.member_no),
  requestId: id(a.order_no),
  offerId: a.bid_no === null ? null : id(a.bid_no),
  paymentId: a.invoice_no === null ? null : id(a.invoice_no),
  createdAt: a.sent_at,
  readAt: a.seen_at,
});

/** One Socket.IO event per topic; a payload that does not parse is reported, not dropped. */
export const fromTopic = (payload: unknown): Notification | string => {
  const parsed = Alert.safeParse(payload);
  return parsed.success
    ? alert(parsed.data)
    : `${parsed.error.issues[0]!.path.join('.') || '(payload)'}: ${parsed.error.issues[0]!.message}`;
};
