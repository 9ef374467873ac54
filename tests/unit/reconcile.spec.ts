import { expect, test } from '@playwright/test';
import type { RequestDetail } from '../../contract/http.ts';
import type { CallRecord, EscrowDriver } from '../../driver/types.ts';
import { isIndeterminateWrite, reconcile } from '../../flow/reconcile.ts';

const REQ = '0f1e2d3c-0000-4000-8000-000000000001';
const OFFER = '0f1e2d3c-0000-4000-8000-0000000000aa';

// The subject is what the flow's driver attaches (driver/subject.ts): reconciliation never parses paths.
const call = (op: string, method: string, path: string, extra: Partial<CallRecord> = {}): CallRecord => ({
  op,
  method,
  path,
  ...(path.startsWith(`/requests/${REQ}`) ? { subject: { requestId: REQ } } : {}),
  status: null,
  outcome: 'info',
  startedAt: Date.now(),
  durationMs: 5,
  error: 'timeout after 5 ms',
  ...extra,
});

/** A read-only view of one request whose state the test changes, as the target would. */
function target(state: Partial<RequestDetail>, failReads = false) {
  const detail = () =>
    ({ id: REQ, title: 'ramp C1-W01', status: 'offer_accepted', selectedOfferId: null, offers: [], ...state }) as RequestDetail;
  const answer = <T>(data: T) =>
    Promise.resolve(failReads ? { ok: false, status: 503, record: {} } : { ok: true, status: 200, data, record: {} });
  return {
    getRequest: () => answer(detail()),
    listRequests: () => answer({ requests: [detail()] }),
  } as unknown as EscrowDriver;
}

test('only writes without an answer are indeterminate: reads, logins, scanner checks and answered calls are not', () => {
  expect(isIndeterminateWrite(call('createPaymentIntent', 'POST', `/requests/${REQ}/payment-intents`))).toBe(true);
  expect(isIndeterminateWrite(call('getRequest', 'GET', `/requests/${REQ}`))).toBe(false);
  expect(isIndeterminateWrite(call('login', 'POST', '/auth/login'))).toBe(false);
  expect(isIndeterminateWrite(call('scannerCheck', 'POST', '/payments/p/check'))).toBe(false);
  expect(isIndeterminateWrite(call('createRequest', 'POST', '/requests', { outcome: 'fail', status: 500 }))).toBe(false);
});

test('a write the record shows is "happened", with the read that decided it', async () => {
  const calls = [
    call('createPaymentIntent', 'POST', `/requests/${REQ}/payment-intents`),
    call('acceptOffer', 'POST', `/requests/${REQ}/accept`, { subject: { requestId: REQ, offerId: OFFER } }),
    call('createRequest', 'POST', '/requests', { subject: { title: 'ramp C1-W01' } }),
  ];
  const out = await reconcile(calls, { api: target({ status: 'payment', selectedOfferId: OFFER }), token: 't' }, 1_000);
  expect([...out.values()]).toEqual([
    { verdict: 'happened', by: `request ${REQ}: status payment` },
    { verdict: 'happened', by: `request ${REQ}: selectedOfferId ${OFFER}` },
    { verdict: 'happened', by: `list of requests: request ${REQ} titled "ramp C1-W01"` },
  ]);
});

test('"did-not-happen" only after the window; a write seen late within the window is "happened"', async () => {
  const state: Partial<RequestDetail> = { status: 'offer_accepted' };
  const api = target(state);
  const intent = call('createPaymentIntent', 'POST', `/requests/${REQ}/payment-intents`);
  const t0 = Date.now();
  const never = await reconcile([intent], { api, token: 't' }, 300, 20);
  expect(never.get(intent)).toEqual({
    verdict: 'did-not-happen',
    by: `request ${REQ}: status offer_accepted, 300 ms after the call ended`,
  });
  expect(Date.now() - t0).toBeGreaterThanOrEqual(290);

  const later = call('sellerDelivery', 'POST', `/requests/${REQ}/delivery`);
  const pending = reconcile([later], { api, token: 't' }, 5_000, 20);
  state.status = 'delivered'; // the server finishes the request its client gave up on
  expect((await pending).get(later)!.verdict).toBe('happened');
});

test('a write with no read-back, or whose reads keep failing, is "unknown"', async () => {
  const deposit = call('fixtureDeposit', 'POST', '/test/deposits');
  const confirm = call('buyerConfirmDelivery', 'POST', `/requests/${REQ}/confirm`);
  const out = await reconcile([deposit, confirm], { api: target({}, true), token: 't' }, 50, 10);
  expect(out.get(deposit)).toEqual({ verdict: 'unknown', by: 'no read-back for fixtureDeposit' });
  expect(out.get(confirm)).toEqual({ verdict: 'unknown', by: `read of request ${REQ} answered 503` });
});

test("reconciliation reads the call's subject, not its path: another API's routes reconcile the same", async () => {
  const accept = call('acceptOffer', 'POST', '/api/orders/7/award', { subject: { requestId: REQ, offerId: OFFER } });
  const bare = call('sellerDelivery', 'POST', '/api/orders/7/ship');
  const out = await reconcile([accept, bare], { api: target({ selectedOfferId: OFFER }), token: 't' }, 50, 10);
  expect(out.get(accept)).toEqual({ verdict: 'happened', by: `request ${REQ}: selectedOfferId ${OFFER}` });
  expect(out.get(bare)).toEqual({ verdict: 'unknown', by: 'POST /api/orders/7/ship: no request id or target status in the call' });
});
