// Stages, latency goals and stop conditions as data. The spec's tables live
// here and only here; the reporter and the gates read them, tests never
// hard-code a limit.
import { goalsFromFile, liveRecord } from './goals.ts';

export const DEFAULT_LEVELS = [1, 2, 4, 8, 16, 32, 64] as const;

export const stageName = (level: number): string => `C${level}`;

/** Worker processes a stage runs on when each runs up to `flowsPerWorker` flows at once (FLOWS_PER_WORKER). */
export const workersFor = (level: number, flowsPerWorker: number): number => Math.ceil(level / flowsPerWorker);

/**
 * Flows the test with this repeat index runs at once: the stage's `level` flows spread over its workers,
 * so every generation (one test per worker) starts exactly `level` flows at the barrier.
 */
export function flowsForTest(level: number, flowsPerWorker: number, repeatEachIndex: number): number {
  const workers = workersFor(level, flowsPerWorker);
  const slot = repeatEachIndex % workers;
  return Math.floor(level / workers) + (slot < level % workers ? 1 : 0);
}

export interface LatencyGoal {
  /** Operation as the spec names it. */
  label: string;
  p50: number;
  p95: number;
  p99: number;
}

/**
 * The spec's "API latency" goals (ms), keyed by the driver's op name: the starting goals.
 * p50/p95 are goals; p99 is a watch level.
 */
export const STARTING_LATENCY_GOALS: Readonly<Record<string, LatencyGoal>> = {
  login: { label: 'login', p50: 300, p95: 1_000, p99: 2_000 },
  createRequest: { label: 'create request', p50: 400, p95: 1_500, p99: 3_000 },
  createOffer: { label: 'create offer', p50: 400, p95: 1_500, p99: 3_000 },
  acceptOffer: { label: 'accept offer', p50: 500, p95: 2_000, p99: 4_000 },
  createPaymentIntent: { label: 'create payment intent', p50: 750, p95: 3_000, p99: 6_000 },
  scannerCheck: { label: 'scanner balance check', p50: 1_000, p95: 5_000, p99: 10_000 },
  sellerDelivery: { label: 'seller delivery', p50: 500, p95: 2_000, p99: 4_000 },
  buyerConfirmDelivery: { label: 'buyer delivery confirmation', p50: 500, p95: 2_000, p99: 4_000 },
  notification: { label: 'notification visibility', p50: 1_000, p95: 5_000, p99: 10_000 },
  /** Browser mode (BROWSER_TABS_PER_USER): the same goals, to the notification's element in a tab's DOM. */
  notificationVisible: { label: 'notification visibility (browser)', p50: 1_000, p95: 5_000, p99: 10_000 },
};

const fromFiles = new Map<string, Readonly<Record<string, LatencyGoal>>>();

/**
 * The latency goals in force: with GOALS_FILE set, that file's goals (config/goals.ts, proposed by `npm run baseline`)
 * replace the starting goals op by op; ops the file does not name keep their starting goal.
 */
export function latencyGoals(source: NodeJS.ProcessEnv = process.env): Readonly<Record<string, LatencyGoal>> {
  const file = source.GOALS_FILE?.trim();
  if (!file) return STARTING_LATENCY_GOALS;
  let goals = fromFiles.get(file);
  if (!goals) {
    const named = Object.entries(goalsFromFile(file)).map(([op, g]): [string, LatencyGoal] => [
      op,
      { label: g.label ?? STARTING_LATENCY_GOALS[op]?.label ?? op, p50: g.p50, p95: g.p95, p99: g.p99 },
    ]);
    fromFiles.set(file, (goals = { ...STARTING_LATENCY_GOALS, ...Object.fromEntries(named) }));
  }
  return goals;
}

/** What every reader indexes and iterates: latencyGoals(), read at each access, so GOALS_FILE applies to all of them. */
export const LATENCY_GOALS: Readonly<Record<string, LatencyGoal>> = liveRecord(() => latencyGoals());

/** Percentiles from fewer samples than this are marked low-n in reports. */
export const LOW_N = 20;

/** The spec's stop conditions and success targets, as thresholds the gates evaluate. */
export const STOP_CONDITIONS = {
  /** Completed-flow success rate required: 100% for C1-C8, 99% for C16+ (after classified retries). */
  minSuccessRate: (level: number): number => (level <= 8 ? 1 : 0.99),
  /** Sustained HTTP 5xx rate above this stops the ramp. */
  maxFiveXXRate: 0.01,
  /** p95 create payment intent above this for this many consecutive stages stops the ramp. */
  paymentIntentP95Ms: 10_000,
  paymentIntentConsecutiveStages: 2,
  /** Scanner confirmation/check p95 above this stops the ramp unless classified external RPC. */
  scannerP95Ms: 30_000,
  /** Host CPU / memory after cooldown above these stop the ramp. */
  hostCpuAfterCooldown: 0.85,
  hostMemoryAfterCooldown: 0.9,
  /**
   * When the target's own processes are measured (the sandbox, or a sampler with process names), busy host CPU
   * after cooldown stops the ramp only if the target itself still uses more than this share of the host: load
   * from other work on a shared machine is not the target failing to recover.
   */
  targetCpuAfterCooldown: 0.25,
  /** Bounded wait for queues and notifications to drain after a stage. */
  cooldownMs: 30_000,
  /** Correctness counters that must be zero (any non-zero is P0). */
  zeroTolerance: [
    'duplicateCredits',
    'wrongRecipient',
    'crossWorkerLeaks',
    'nonBuyerConfirmSuccess',
    'ledgerInconsistencies',
    'underOverpayments',
    'evidenceMismatches',
    'doubleAccepts',
    'advancedWithoutPayment',
  ],
} as const;

/**
 * When the load generator itself (the Playwright runner and its workers) is the bottleneck, a stage's latencies
 * include client-side queuing: above either limit the stage is saturated, a finding says so and safe concurrency
 * is not claimed there (reporter/load-generator.ts).
 */
export const LOAD_GENERATOR_LIMITS = {
  /** Mean CPU of the runner's processes over the stage, as a share of the whole host. */
  runnerCpuShare: 0.7,
  /** Event-loop delay p99 of any worker process during the stage, ms. */
  eventLoopDelayP99Ms: 50,
} as const;
