// Bazaar's errors: `{ problem, detail, field? }` with the backend's status and code, field names in bazaar's words.

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly problem: string,
    readonly detail: string,
    readonly field?: string,
  ) {
    super(detail);
  }

  body(): { problem: string; detail: string; field?: string } {
    return { problem: this.problem, detail: this.detail, ...(this.field ? { field: this.field } : {}) };
  }
}

/** The backend could not be reached or dropped the connection: the client's connection is dropped too. */
export class BackendGone extends Error {}

export const invalid = (field: string, detail: string) => new Problem(400, 'validation', `${field}: ${detail}`, field);

/** The backend's input names (`body.price`, `query.requestId`) in bazaar's words; a name not listed is kept. */
const FIELDS: [string, string][] = [
  ['body.username', 'handle'],
  ['body.password', 'secret'],
  ['body.role', 'kind'],
  ['body.title', 'subject'],
  ['body.budget', 'ceiling'],
  ['body.invitedSellerIds', 'merchants'],
  ['body.price', 'ask'],
  ['body.offerId', 'bid_no'],
  ['body.status', 'stage'],
  ['body.note', 'memo'],
  ['body.paymentId', 'invoice_no'],
  ['body.amount', 'amount'],
  ['query.type', 'topic'],
  ['query.requestId', 'order_no'],
];

export function bazaarField(field: string | undefined, paramsId: string): string | undefined {
  if (!field) return undefined;
  if (field === 'params.id' || field.startsWith('params.id.')) return paramsId;
  for (const [theirs, ours] of FIELDS) {
    if (field === theirs) return ours;
    if (field.startsWith(`${theirs}.`)) return `${ours}${field.slice(theirs.length)}`;
  }
  return field;
}
