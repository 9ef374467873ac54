// Synthetic worker results: a valid base flow to vary in tests, and a
// deterministic large population for the aggregation benchmark (npm run bench).
import { NO_TIMINGS, ZERO_CORRECTNESS, type CallSample, type NotificationResult, type WorkerResult } from '../contract/worker-result.ts';
import { DEFAULT_LEVELS, stageName } from '../config/stages.ts';
import type { Report } from './schema.ts';
import { summarize, type RunMeta } from './summarize.ts';

const RUN_ID = 'synthetic';
const T0 = Date.UTC(2026, 5, 6, 12, 0, 0);

/** A passing flow with no calls or notifications; override what a case needs. */
/** Run metadata for hand-built reports: C2 in status mode against a loopback target, at a fixed moment. */
export function baseRunMeta(overrides: Partial<RunMeta> = {}): RunMeta {
  return {
    runId: 'run-synthetic',
    mode: 'status',
    target: 'http://127.0.0.1:4000',
    versions: {},
    gitSha: null,
    levels: [2],
    generatedAt: '2026-06-06T12:00:00.000Z',
    ...overrides,
  };
}

export function baseWorkerResult(overrides: Partial<WorkerResult> = {}): WorkerResult {
  const stage = overrides.stage ?? 1;
  const workerId = overrides.workerId ?? `${stageName(stage)}-W01`;
  return {
    workerId,
    stage,
    runId: `${RUN_ID}-${workerId}`,
    status: 'pass',
    buyerUserId: 'buyer',
    sellerUserIds: ['seller-1', 'seller-2'],
    purchaseRequestId: 'request',
    selectedOfferId: 'offer',
    paymentId: 'payment',
    txHash: null,
    timingsMs: { ...NO_TIMINGS },
    notifications: [],
    errors: [],
    mode: 'status',
    destination: null,
    barrierReleasedAt: null,
    round: 1,
    startedAt: T0,
    endedAt: T0 + 1_000,
    calls: [],
    correctness: { ...ZERO_CORRECTNESS },
    probes: [],
    evidence: [],
    classification: null,
    reportedBy: 'worker',
    target: { url: 'http://127.0.0.1:4000', versions: { backend: { version: '0.1.0', gitSha: 'abc1234' } }, gitSha: 'abc1234' },
    ...overrides,
  };
}

/** mulberry32: a tiny seeded PRNG, so the benchmark population is the same every run. */
function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SYNTHETIC_OPS = [
  'login',
  'login',
  'login',
  'createRequest',
  'createOffer',
  'createOffer',
  'acceptOffer',
  'createPaymentIntent',
  'scannerCheck',
  'sellerDelivery',
  'buyerConfirmDelivery',
];
const SYNTHETIC_NOTIFICATIONS = [
  'seller_request_invited',
  'seller_offer_created',
  'offer_accepted',
  'offer_rejected',
  'payment_confirmed',
  'delivery_submitted',
  'delivery_confirmed',
];

/** `count` flows spread over the default stages, with realistic-looking calls and notifications. */
export function syntheticWorkerResults(count: number, seed = 1): WorkerResult[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const stage = DEFAULT_LEVELS[i % DEFAULT_LEVELS.length]!;
    const startedAt = T0 + i * 10;
    let at = startedAt;
    const calls: CallSample[] = SYNTHETIC_OPS.map((op) => {
      const durationMs = 20 + random() * random() * 2_000;
      const call: CallSample = { op, status: random() < 0.002 ? 503 : 200, outcome: 'ok', startedAt: at, durationMs, timedOut: false };
      at += durationMs;
      return call;
    });
    const notifications: NotificationResult[] = SYNTHETIC_NOTIFICATIONS.map((step) => {
      const observed = random() > 0.0005;
      return { step, recipient: 'buyer', observed, latencyMs: observed ? 50 + random() * 1_500 : null, duplicates: 0 };
    });
    const passed = notifications.every((n) => n.observed);
    return baseWorkerResult({
      workerId: `${stageName(stage)}-W${i}`,
      stage,
      status: passed ? 'pass' : 'fail',
      classification: passed ? null : 'product',
      errors: passed ? [] : [{ step: 'notifications', message: 'expected notification missing', class: 'product' }],
      startedAt,
      endedAt: at,
      timingsMs: { ...baseWorkerResult().timingsMs, total: at - startedAt },
      calls,
      notifications,
    });
  });
}

/** The benchmark hook: summarizes 100,000 synthetic flows and says how long the summary alone took. */
export function aggregate100k(count = 100_000): { flows: number; summarizeMs: number; report: Report } {
  const results = syntheticWorkerResults(count);
  const started = performance.now();
  const report = summarize(results, {
    runId: RUN_ID,
    mode: 'status',
    target: 'http://127.0.0.1:4000',
    versions: {},
    gitSha: null,
    levels: DEFAULT_LEVELS,
    generatedAt: new Date(T0).toISOString(),
  });
  return { flows: results.length, summarizeMs: performance.now() - started, report };
}
