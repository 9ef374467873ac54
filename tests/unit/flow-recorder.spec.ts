// FlowRecorder: settling hand-built notification arrivals, and the worker result it builds.
import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import type { Notification, NotificationType } from '../../contract/events.ts';
import { WorkerResult } from '../../contract/worker-result.ts';
import type { Received } from '../../driver/inbox.ts';
import { stepper, StoppedByP0 } from '../../flow/steps.ts';
import { FlowRecorder, type ExpectedNotification } from '../../flow/recorder.ts';

const BUYER = randomUUID();
const SELLER_1 = randomUUID();
const SELLER_2 = randomUUID();
const REQUEST = randomUUID();
const OTHER_REQUEST = randomUUID();
const ROLES: Record<string, string> = { [BUYER]: 'buyer', [SELLER_1]: 'seller-1', [SELLER_2]: 'seller-2' };
const roleOf = (userId: string) => ROLES[userId] ?? 'outsider';
const T0 = 1_700_000_000_000;

function note(type: NotificationType, recipientId: string, extra: Partial<Notification> = {}): Notification {
  return {
    id: randomUUID(),
    type,
    recipientId,
    requestId: REQUEST,
    offerId: null,
    paymentId: null,
    createdAt: new Date(T0).toISOString(),
    readAt: null,
    ...extra,
  };
}

const at = (notification: Notification, device: number, msAfterT0: number): Received => ({ notification, device, at: T0 + msAfterT0 });

/** Settles what each user's inbox received against this flow's request; a user has one device unless `devices` says more. */
const settle = (rec: FlowRecorder, byUser: Record<string, Received[]>, devices: Record<string, number> = {}, malformed: unknown[] = []) =>
  rec.settle(
    new Map(Object.entries(byUser).map(([id, received]) => [id, { received, devices: devices[id] ?? 1, malformed }])),
    REQUEST,
    roleOf,
  );

function recorder(...expected: [NotificationType, string, Partial<ExpectedNotification>?][]) {
  const rec = new FlowRecorder(4, 'run-7', 'fixture', 'w03', 10_000);
  for (const [type, userId, extra] of expected)
    rec.expectNotification({ type, recipient: roleOf(userId), recipientUserId: userId, triggeredAt: T0, ...extra });
  return rec;
}

test.describe('FlowRecorder.settle', () => {
  test("an expected notification is observed on each device, its latency measured from the trigger to that device's arrival", () => {
    const rec = recorder(['seller_offer_created', BUYER, { triggeredAt: T0 + 20 }]);
    const n = note('seller_offer_created', BUYER);
    settle(rec, { [BUYER]: [at(n, 1, 250.4), at(n, 0, 180.6)] }, { [BUYER]: 2 });
    expect(rec.notificationResults).toEqual([
      {
        step: 'seller_offer_created',
        recipient: 'buyer',
        recipientUserId: BUYER,
        device: 0,
        observed: true,
        latencyMs: 161,
        duplicates: 0,
      },
      {
        step: 'seller_offer_created',
        recipient: 'buyer',
        recipientUserId: BUYER,
        device: 1,
        observed: true,
        latencyMs: 230,
        duplicates: 0,
      },
    ]);
    expect(rec.evidence).toEqual([]);
  });

  test('an expectation nothing arrived for is unobserved with no latency', () => {
    const rec = recorder(['seller_offer_created', BUYER], ['offer_accepted', SELLER_1]);
    settle(rec, { [BUYER]: [at(note('seller_offer_created', BUYER), 0, 40)], [SELLER_1]: [] });
    expect(rec.notificationResults[1]).toEqual({
      step: 'offer_accepted',
      recipient: 'seller-1',
      recipientUserId: SELLER_1,
      device: 0,
      observed: false,
      latencyMs: null,
      duplicates: 0,
    });
    expect(rec.notificationResults[0]!.observed).toBe(true);
  });

  test('only the expected offer satisfies an expectation that names one', () => {
    const offer = randomUUID();
    const rec = recorder(['offer_rejected', SELLER_2, { offerId: offer }]);
    settle(rec, { [SELLER_2]: [at(note('offer_rejected', SELLER_2, { offerId: randomUUID() }), 0, 30)] });
    expect(rec.notificationResults[0]!.observed).toBe(false);
    settle(rec, { [SELLER_2]: [at(note('offer_rejected', SELLER_2, { offerId: offer }), 0, 30)] });
    expect(rec.notificationResults[0]).toMatchObject({ observed: true, latencyMs: 30 });
  });

  test('the same notification twice on one device is one duplicate', () => {
    const rec = recorder(['offer_accepted', SELLER_1]);
    const n = note('offer_accepted', SELLER_1);
    settle(rec, { [SELLER_1]: [at(n, 0, 50), at(n, 0, 55)] });
    expect(rec.notificationResults[0]).toMatchObject({ observed: true, latencyMs: 50, duplicates: 1 });
  });

  test('two notification ids for one expectation on one device are one duplicate', () => {
    const rec = recorder(['offer_accepted', SELLER_1]);
    settle(rec, { [SELLER_1]: [at(note('offer_accepted', SELLER_1), 0, 50), at(note('offer_accepted', SELLER_1), 0, 70)] });
    expect(rec.notificationResults[0]).toMatchObject({ observed: true, duplicates: 1 });
  });

  test('one copy per device is right: three devices are three observed rows, an extra copy is a duplicate on its device', () => {
    const rec = recorder(['payment_confirmed', BUYER]);
    const n = note('payment_confirmed', BUYER);
    settle(rec, { [BUYER]: [at(n, 2, 90), at(n, 0, 75), at(n, 1, 80)] }, { [BUYER]: 3 });
    expect(rec.notificationResults.map((r) => [r.device, r.observed, r.latencyMs, r.duplicates])).toEqual([
      [0, true, 75, 0],
      [1, true, 80, 0],
      [2, true, 90, 0],
    ]);
    settle(rec, { [BUYER]: [at(n, 2, 90), at(n, 0, 75), at(n, 1, 80), at(n, 1, 85)] }, { [BUYER]: 3 });
    expect(rec.notificationResults.map((r) => r.duplicates)).toEqual([0, 1, 0]);
    expect(rec.correctness).toMatchObject({ wrongRecipient: 0, crossWorkerLeaks: 0 });
  });

  test('a copy missing on one of two devices is a missing row for that device, not hidden by the other', () => {
    const rec = recorder(['delivery_submitted', BUYER]);
    settle(rec, { [BUYER]: [at(note('delivery_submitted', BUYER), 0, 40)] }, { [BUYER]: 2 });
    expect(rec.notificationResults.map((r) => [r.device, r.observed, r.latencyMs])).toEqual([
      [0, true, 40],
      [1, false, null],
    ]);
  });

  test('payloads that do not match the contract are counted, with one redacted sample', () => {
    const rec = recorder(['offer_accepted', SELLER_1]);
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    settle(rec, { [SELLER_1]: [] }, {}, [{ kind: 'offer_accepted', to: SELLER_1, auth: token }, { bad: true }]);
    expect(rec.malformed.count).toBe(2);
    expect(rec.malformed.sample).toContain('offer_accepted');
    expect(rec.malformed.sample).not.toContain(token);
  });

  test('a type that reaches a seller when only the buyer expects it is a wrong recipient', () => {
    const rec = recorder(['seller_offer_created', BUYER]);
    const n = note('seller_offer_created', SELLER_1);
    settle(rec, { [BUYER]: [], [SELLER_1]: [at(n, 0, 60)] });
    expect(rec.notificationResults[0]!.observed).toBe(false);
    expect(rec.correctness).toMatchObject({ wrongRecipient: 1, crossWorkerLeaks: 0 });
    expect(rec.evidence).toEqual([`wrongRecipient: seller_offer_created ${n.id} reached seller-1 ${SELLER_1}`]);
    expect(rec.misdelivered).toEqual([{ step: 'seller_offer_created', receivedBy: 'seller-1', kind: 'wrong-recipient' }]);
  });

  test("another recipient's copy of a type the user also expects is a wrong recipient", () => {
    const rec = recorder(['payment_confirmed', BUYER], ['payment_confirmed', SELLER_1]);
    const mine = note('payment_confirmed', BUYER);
    const sellers = note('payment_confirmed', SELLER_1);
    settle(rec, { [BUYER]: [at(mine, 0, 40), at(sellers, 0, 41)], [SELLER_1]: [at(sellers, 0, 42)] });
    expect(rec.notificationResults.map((r) => [r.recipient, r.observed, r.duplicates])).toEqual([
      ['buyer', true, 0],
      ['seller-1', true, 0],
    ]);
    expect(rec.correctness.wrongRecipient).toBe(1);
    expect(rec.evidence).toEqual([`wrongRecipient: payment_confirmed ${sellers.id} reached buyer ${BUYER}`]);
  });

  test("a notification of another flow's request is a cross-worker leak, never an observation", () => {
    const rec = recorder(['seller_request_invited', SELLER_2]);
    const leaked = note('seller_request_invited', SELLER_2, { requestId: OTHER_REQUEST });
    settle(rec, { [SELLER_2]: [at(leaked, 1, 10)] });
    expect(rec.notificationResults[0]!.observed).toBe(false);
    expect(rec.correctness).toMatchObject({ crossWorkerLeaks: 1, wrongRecipient: 0 });
    expect(rec.evidence).toEqual([
      `crossWorkerLeaks: seller-2 ${SELLER_2} received seller_request_invited ${leaked.id} of request ${OTHER_REQUEST}`,
    ]);
  });
});

test.describe('FlowRecorder.toResult', () => {
  test('fills every spec field, suffixes the run id with the worker id and validates against the schema', () => {
    const rec = recorder(['offer_accepted', SELLER_1]);
    rec.workerId = 'w07';
    rec.round = 2;
    rec.ids = {
      ...rec.ids,
      buyerUserId: BUYER,
      sellerUserIds: [SELLER_1, SELLER_2],
      purchaseRequestId: REQUEST,
      selectedOfferId: randomUUID(),
    };
    rec.onCall({
      op: 'login',
      method: 'POST',
      path: '/auth/login',
      status: 200,
      outcome: 'ok',
      startedAt: T0,
      durationMs: 12.5,
      requestBody: { password: 'x' },
    });
    rec.onCall({
      op: 'createPaymentIntent',
      method: 'POST',
      path: '/p',
      status: null,
      outcome: 'info',
      startedAt: T0 + 20,
      durationMs: 3000,
      error: 'timeout after 3000 ms',
    });
    rec.onCall({
      op: 'scannerCheck',
      method: 'POST',
      path: '/c',
      status: null,
      outcome: 'info',
      startedAt: T0 + 30,
      durationMs: 4,
      error: 'socket hang up',
    });
    settle(rec, { [SELLER_1]: [at(note('offer_accepted', SELLER_1), 0, 33)] });
    const target = { url: 'http://127.0.0.1:3000', versions: { backend: { version: '1.0.0' } } };
    const result = rec.toResult('pass', target);

    expect(WorkerResult.parse(result)).toEqual(result);
    expect(result).toMatchObject({
      workerId: 'w07',
      stage: 4,
      runId: 'run-7-w07',
      status: 'pass',
      mode: 'fixture',
      round: 2,
      target,
      ...rec.ids,
    });
    expect(result.notifications).toEqual(rec.notificationResults);
    expect(result.calls).toEqual([
      { op: 'login', status: 200, outcome: 'ok', startedAt: T0, durationMs: 12.5, timedOut: false },
      { op: 'createPaymentIntent', status: null, outcome: 'info', startedAt: T0 + 20, durationMs: 3000, timedOut: true },
      { op: 'scannerCheck', status: null, outcome: 'info', startedAt: T0 + 30, durationMs: 4, timedOut: false },
    ]);
    expect(result.endedAt).toBeGreaterThanOrEqual(result.startedAt);
    expect(result.timingsMs.total).toEqual(expect.any(Number));
    expect(result.classification).toBeNull();
  });

  test("classifies the flow by its first error's class, and a failure without errors as product", () => {
    const rec = recorder();
    expect(rec.toResult('fail', { url: 'u', versions: {} }).classification).toBe('product');
    rec.fail('createPaymentIntent', 'rpc eth_call failed', 'external');
    rec.fail('scannerConfirm', 'not confirmed', 'product');
    expect(rec.toResult('fail', { url: 'u', versions: {} })).toMatchObject({ classification: 'external', errors: rec.errors });
  });

  test('error messages are redacted when recorded', () => {
    const rec = recorder();
    rec.fail('login', 'bad session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl at http://ops:hunter22@h', 'product');
    expect(rec.errors).toEqual([{ step: 'login', message: 'bad session *** at http://ops:***@h', class: 'product' }]);
  });

  test("step() records a step's wall time even when the step throws", async () => {
    const rec = recorder();
    await expect(rec.step('acceptOffer', () => Promise.reject(new Error('409 already accepted')))).rejects.toThrow('409 already accepted');
    expect(rec.timings.acceptOffer).toEqual(expect.any(Number));
    expect(await rec.step('login', async () => 'token')).toBe('token');
    expect(rec.timings.login).toBeGreaterThanOrEqual(0);
  });
});

test.describe('stop on P0', () => {
  test('a P0 counter tells onP0 what was seen; a non-P0 counter does not', () => {
    const rec = recorder();
    const seen: string[] = [];
    rec.onP0 = (what) => seen.push(what);
    rec.count('doubleAccepts', 'request r: 2 of 2 racing accepts succeeded');
    rec.count('wrongRecipient', 'offer_accepted n1 reached seller-2');
    expect(seen).toEqual(['wrongRecipient: offer_accepted n1 reached seller-2']);
  });

  test('once another flow stopped the stage, the next step does not run and ends the flow as StoppedByP0', async () => {
    const rec = recorder();
    const step = stepper(rec);
    expect(await step('createRequest', async () => 'ran')).toBe('ran');
    rec.stoppedBy = { workerId: 'C4-W02', what: 'duplicateCredits: payment p credited twice' };
    let ran = false;
    const stopped = await step('createOffers', async () => (ran = true)).catch((err: unknown) => err);
    expect(ran).toBe(false);
    expect(stopped).toBeInstanceOf(StoppedByP0);
    expect((stopped as Error).message).toBe('stopped before its next step: C4-W02 saw a P0 (duplicateCredits: payment p credited twice)');
    expect(rec.errors).toEqual([]);
    expect(rec.toResult('interrupted', { url: 'http://t', versions: {} })).toMatchObject({
      status: 'interrupted',
      classification: null,
      stoppedBy: { workerId: 'C4-W02' },
    });
  });
});
