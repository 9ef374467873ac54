// The HTTP contract between the suite's driver and an escrow backend.
// The sandbox validates its input with these schemas and the driver validates
// the sandbox's (or any target's) responses with them: one source of truth.
import { z } from 'zod';

/** The sandbox's ids; it validates its own input with this. */
export const Uuid = z.uuid();
/** An id as the suite sees it: opaque (a UUID, an ObjectId, a number as a string ...). */
export const Id = z.string().min(1).max(200);
/** Token amounts travel as decimal strings of base units (uint256 does not fit a JS number). */
export const Amount = z.string().regex(/^[0-9]{1,78}$/, 'must be a decimal string of token base units');
export const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte hex address');
export const IsoDate = z.iso.datetime({ offset: true });

export const Role = z.enum(['buyer', 'seller']);
export type Role = z.infer<typeof Role>;

/** The request state machine; see REQUEST_TRANSITIONS. */
export const RequestStatus = z.enum(['open', 'offer_accepted', 'payment', 'paid', 'delivered', 'completed', 'cancelled']);
export type RequestStatus = z.infer<typeof RequestStatus>;

/** Allowed transitions; every route that changes a request's status checks against this table. */
export const REQUEST_TRANSITIONS: Record<RequestStatus, readonly RequestStatus[]> = {
  open: ['offer_accepted', 'cancelled'],
  offer_accepted: ['payment', 'cancelled'],
  payment: ['paid'],
  paid: ['delivered'],
  delivered: ['completed'],
  completed: [],
  cancelled: [],
};

export const Credentials = z.object({
  username: z
    .string()
    .min(3)
    .max(120)
    .regex(/^[A-Za-z0-9._:-]+$/, 'may contain letters, digits and . _ : - only'),
  password: z.string().min(8).max(200),
});
export const RegisterBody = Credentials.extend({ role: Role });
export type RegisterBody = z.infer<typeof RegisterBody>;

export const User = z.object({ id: Id, username: z.string(), role: Role });
export type User = z.infer<typeof User>;
export const Session = z.object({ user: User, token: z.string().min(1) });
export type Session = z.infer<typeof Session>;

export const CreateRequestBody = z.object({
  title: z.string().min(1).max(200),
  budget: Amount,
  invitedSellerIds: z.array(Uuid).min(1).max(50),
});
export type CreateRequestBody = z.infer<typeof CreateRequestBody>;

export const OfferStatus = z.enum(['pending', 'accepted', 'rejected']);
export const Offer = z.object({
  id: Id,
  requestId: Id,
  sellerId: Id,
  price: Amount,
  status: OfferStatus,
  createdAt: IsoDate,
});
export type Offer = z.infer<typeof Offer>;

export const PurchaseRequest = z.object({
  id: Id,
  buyerId: Id,
  title: z.string(),
  budget: Amount,
  status: RequestStatus,
  invitedSellerIds: z.array(Id),
  selectedOfferId: Id.nullable(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type PurchaseRequest = z.infer<typeof PurchaseRequest>;
export const RequestDetail = PurchaseRequest.extend({ offers: z.array(Offer) });
export type RequestDetail = z.infer<typeof RequestDetail>;
export const RequestList = z.object({ requests: z.array(PurchaseRequest) });
export type RequestList = z.infer<typeof RequestList>;

export const CreateOfferBody = z.object({ price: Amount });
export const AcceptOfferBody = z.object({ offerId: Uuid });
/** The status route (status mode): only the transitions a payment would cause. */
export const SetStatusBody = z.object({ status: z.enum(['payment', 'paid']) });
export const DeliveryBody = z.object({ note: z.string().max(2000).default('') });

export const PaymentStatus = z.enum(['pending', 'confirmed', 'expired']);
export const PaymentEvidence = z.object({
  txHash: z.string(),
  logIndex: z.number().int().nonnegative(),
  blockNumber: z.number().int().nonnegative(),
  confirmations: z.number().int().nonnegative(),
  amountReceived: Amount,
  source: z.enum(['chain', 'fixture']),
});
export const Payment = z.object({
  id: Id,
  requestId: Id,
  offerId: Id,
  buyerId: Id,
  sellerId: Id,
  chainId: z.number().int().positive(),
  tokenAddress: Address,
  destination: Address,
  amount: Amount,
  status: PaymentStatus,
  expiresAt: IsoDate,
  createdAt: IsoDate,
  confirmedAt: IsoDate.nullable(),
  requiredConfirmations: z.number().int().positive(),
  evidence: PaymentEvidence.nullable(),
});
export type Payment = z.infer<typeof Payment>;

export const FixtureDepositBody = z.object({ paymentId: Uuid, amount: Amount.optional() });

export const LedgerPosting = z.object({ account: z.string(), amount: z.string().regex(/^-?[0-9]+$/) });
export const LedgerJournal = z.object({
  id: z.string(),
  paymentId: Id,
  kind: z.enum(['escrow_credit', 'escrow_release']),
  createdAt: IsoDate,
  postings: z.array(LedgerPosting),
});
export type LedgerJournal = z.infer<typeof LedgerJournal>;
export const PaymentLedger = z.object({ paymentId: Id, journals: z.array(LedgerJournal) });
export type PaymentLedger = z.infer<typeof PaymentLedger>;

export const ChainInfo = z.object({
  chainId: z.number().int().positive(),
  tokenAddress: Address,
  tokenSymbol: z.string(),
  tokenDecimals: z.number().int().nonnegative(),
  requiredConfirmations: z.number().int().positive(),
  rpcUrl: z.string().nullable(),
  fixturesEnabled: z.boolean(),
  /**
   * Whether POST /requests/:id/status (status mode) is offered. Optional: a backend that predates the
   * field, or another implementation of the contract, does not say; absent means "not advertised", not "off".
   */
  statusRouteEnabled: z.boolean().optional(),
});
export type ChainInfo = z.infer<typeof ChainInfo>;

export const ComponentState = z.object({
  name: z.string(),
  state: z.enum(['up', 'down', 'starting', 'external', 'unknown']),
  restarts: z.number().int().nonnegative(),
  pid: z.number().int().nullable(),
  detail: z.string().optional(),
});
export type ComponentState = z.infer<typeof ComponentState>;
export const Health = z.object({ status: z.enum(['ok', 'degraded']), components: z.array(ComponentState) });
export type Health = z.infer<typeof Health>;

export const Version = z.object({
  service: z.string(),
  gitSha: z.string(),
  components: z.record(z.string(), z.object({ version: z.string(), gitSha: z.string().optional() })),
});
export type Version = z.infer<typeof Version>;

/** Every 4xx/5xx body. `field` names the offending input when there is one. */
export const ApiError = z.object({
  error: z.string(),
  message: z.string(),
  field: z.string().optional(),
});
export type ApiError = z.infer<typeof ApiError>;
