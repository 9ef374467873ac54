// Indeterminate outcomes. A write that got no answer (a timeout, a dropped
// connection: outcome `info`) may or may not have happened. After the flow,
// each one is looked up in the system of record through the API and recorded
// as happened, did-not-happen or unknown - never silently taken as either.
import type { RequestStatus } from '../contract/http.ts';
import type { Verdict } from '../contract/worker-result.ts';
import type { CallRecord, EscrowDriver } from '../driver/types.ts';

export interface Reconciliation {
  verdict: Verdict;
  /** The read that decided, and what it saw. */
  by: string;
}

/** A read-back: true/false when the read decides, null when it cannot (the read failed). */
type Lookup = { decided: boolean | null; by: string };
type Rule = (call: CallRecord, reader: Reader) => Promise<Lookup>;

interface Reader {
  api: EscrowDriver;
  /** The flow's buyer: sees the request, all its offers and its payment. */
  token: string;
}

const ORDER: readonly RequestStatus[] = ['open', 'offer_accepted', 'payment', 'paid', 'delivered', 'completed'];
const reached = (status: RequestStatus, target: RequestStatus) => ORDER.indexOf(status) >= ORDER.indexOf(target);

// What the call was about, whatever the target's paths: set by the flow's driver (driver/subject.ts).
const requestIdOf = (call: CallRecord): string | undefined => call.subject?.requestId;
const bodyField = (call: CallRecord, field: 'title' | 'price' | 'offerId' | 'status'): string | undefined => call.subject?.[field];

/** The request's status has reached `target`: the write moved it there (statuses only move forward). */
const statusReached =
  (target: RequestStatus | ((call: CallRecord) => RequestStatus | undefined)): Rule =>
  async (call, { api, token }) => {
    const id = requestIdOf(call);
    const want = typeof target === 'function' ? target(call) : target;
    if (!id || !want) return { decided: null, by: `${call.method} ${call.path}: no request id or target status in the call` };
    const res = await api.getRequest(token, id);
    if (!res.ok) return { decided: null, by: `read of request ${id} answered ${res.status}` };
    return { decided: reached(res.data.status, want), by: `request ${id}: status ${res.data.status}` };
  };

const RULES: Record<string, Rule> = {
  createRequest: async (call, { api, token }) => {
    const title = bodyField(call, 'title');
    const res = await api.listRequests(token);
    if (!res.ok) return { decided: null, by: `list of requests answered ${res.status}` };
    const found = res.data.requests.find((r) => r.title === title);
    return { decided: Boolean(found), by: `list of requests: ${found ? `request ${found.id}` : 'none'} titled ${JSON.stringify(title)}` };
  },
  createOffer: async (call, { api, token }) => {
    const id = requestIdOf(call);
    if (!id) return { decided: null, by: `${call.method} ${call.path}: no request id in the call` };
    const price = bodyField(call, 'price');
    const res = await api.getRequest(token, id);
    if (!res.ok) return { decided: null, by: `read of request ${id} answered ${res.status}` };
    const found = res.data.offers.find((o) => o.price === price);
    return { decided: Boolean(found), by: `request ${id}: ${found ? `offer ${found.id}` : 'no offer'} at price ${String(price)}` };
  },
  acceptOffer: async (call, { api, token }) => {
    const id = requestIdOf(call);
    if (!id) return { decided: null, by: `${call.method} ${call.path}: no request id in the call` };
    const offerId = bodyField(call, 'offerId');
    const res = await api.getRequest(token, id);
    if (!res.ok) return { decided: null, by: `read of request ${id} answered ${res.status}` };
    return { decided: res.data.selectedOfferId === offerId, by: `request ${id}: selectedOfferId ${res.data.selectedOfferId}` };
  },
  createPaymentIntent: statusReached('payment'),
  setStatus: statusReached((call) => bodyField(call, 'status') as RequestStatus | undefined),
  sellerDelivery: statusReached('delivered'),
  buyerConfirmDelivery: statusReached('completed'),
};

/** Calls whose outcome is unknown and that could have changed something: writes without an answer. */
export const isIndeterminateWrite = (call: CallRecord): boolean =>
  call.outcome === 'info' && call.method !== 'GET' && call.op !== 'login' && call.op !== 'scannerCheck';

/**
 * Reconciles every indeterminate write of a flow. `happened` is decided as soon as a read shows it;
 * `did-not-happen` only once the target has had `windowMs` after the call ended to finish it (a server
 * may still be working on a request its client gave up on). A write with no read-back, or whose reads
 * kept failing, is `unknown`.
 */
export async function reconcile(
  calls: readonly CallRecord[],
  reader: Reader,
  windowMs: number,
  pollMs = 250,
): Promise<Map<CallRecord, Reconciliation>> {
  const out = new Map<CallRecord, Reconciliation>();
  for (const call of calls.filter(isIndeterminateWrite)) {
    const rule = RULES[call.op];
    if (!rule) {
      out.set(call, { verdict: 'unknown', by: `no read-back for ${call.op}` });
      continue;
    }
    const deadline = call.startedAt + call.durationMs + windowMs;
    let last: Lookup;
    for (;;) {
      last = await rule(call, reader).catch((err: Error) => ({ decided: null, by: `read-back failed: ${err.message}` }));
      if (last.decided === true || Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
    }
    const verdict: Verdict = last.decided === true ? 'happened' : last.decided === false ? 'did-not-happen' : 'unknown';
    out.set(call, { verdict, by: verdict === 'did-not-happen' ? `${last.by}, ${windowMs} ms after the call ended` : last.by });
  }
  return out;
}
