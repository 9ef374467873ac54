// The payment intent's Server-Timing header: its sub-steps, each on its own clock, as the driver keeps them in the
// call's record (the report's hypothesis on serial sub-steps reads them).
import { parseServerTiming } from '../../driver/http-client.ts';
import { acceptedOffer, data } from './support/flow.ts';
import { expect, test } from './support/faulty.ts';

const SUB_STEPS = [
  'auth',
  'chain-block',
  'request-lock',
  'existing-payment',
  'offer',
  'derivation-index',
  'derive-address',
  'insert-payment',
  'request-status',
  'tx',
];
const sumOf = (timing: Record<string, number>) =>
  Object.entries(timing)
    .filter(([name]) => name !== 'total')
    .reduce((sum, [, ms]) => sum + ms, 0);

test('POST /requests/:id/payment-intents sends its sub-steps in Server-Timing; run one after another, they add up to its total', async ({
  api,
  newUser,
}) => {
  const buyer = await newUser('buyer');
  const { request } = await acceptedOffer(api, buyer, [await newUser('seller')]);
  const created = await api.createPaymentIntent(buyer.token, request.id);
  data(created);
  const timing = created.record.serverTiming!;
  expect(Object.keys(timing)).toEqual([...SUB_STEPS, 'total']);
  for (const [name, ms] of Object.entries(timing)) expect(ms, name).toBeGreaterThanOrEqual(0);
  // Serial sub-steps tile the handler: their sum is at most its total (timer rounding aside), and most of it.
  expect(sumOf(timing)).toBeLessThanOrEqual(timing.total! + 0.1);
  expect(sumOf(timing)).toBeGreaterThan(timing.total! * 0.5);
  // The server's total is inside the client's round trip.
  expect(timing.total!).toBeLessThanOrEqual(created.record.durationMs);

  // Asked again, the intent is the existing one: the header says so by the steps it ran.
  const again = await api.createPaymentIntent(buyer.token, request.id);
  expect(again.status).toBe(200);
  expect(Object.keys(again.record.serverTiming!)).toEqual(['auth', 'chain-block', 'request-lock', 'existing-payment', 'tx', 'total']);
  // A call answered without the header keeps no timing.
  expect(data(await api.getRequest(buyer.token, request.id)).id).toBe(request.id);
  expect((await api.getRequest(buyer.token, request.id)).record.serverTiming).toBeUndefined();
});

test('a slow dependency on the intent path shows as its own sub-step, not spread over the others', async ({ faulty, newUser }) => {
  const SLOW_MS = 400;
  const driver = (await faulty(`slow-payment-intent=${SLOW_MS}`)).api;
  let created: Awaited<ReturnType<typeof driver.createPaymentIntent>> | undefined;
  const buyer = await newUser('buyer', driver);
  const seller = await newUser('seller', driver);
  // The backend's first address derivation warms its curve tables (half a second here): the second intent is measured.
  for (const _ of [1, 2]) {
    const { request } = await acceptedOffer(driver, buyer, [seller]);
    data((created = await driver.createPaymentIntent(buyer.token, request.id)));
  }
  const timing = created!.record.serverTiming!;
  expect(timing['fault-delay']).toBeGreaterThanOrEqual(SLOW_MS - 1);
  const [largest] = Object.entries(timing)
    .filter(([name]) => name !== 'total')
    .sort(([, a], [, b]) => b - a);
  expect(largest, JSON.stringify(timing)).toEqual(['fault-delay', timing['fault-delay']]);
  expect(sumOf(timing)).toBeLessThanOrEqual(timing.total! + 0.1);
});

test('the driver reads Server-Timing as name -> ms: descriptions may hold commas, a repeated name adds up, no dur is no entry', () => {
  expect(parseServerTiming('db;dur=5.1, derive;desc="a, b; c";dur=2, cache;desc=hit, db;dur=1')).toEqual({ db: 6.1, derive: 2 });
  expect(parseServerTiming(['a;dur=1', 'b;DUR=2.5'])).toEqual({ a: 1, b: 2.5 });
  expect(parseServerTiming('miss, x;dur=abc')).toBeUndefined();
  expect(parseServerTiming(undefined)).toBeUndefined();
});
