// Synthetic runs for the comparison's tests: a report whose stage has the given ops, each with `flows` deterministic
// samples scattered around its typical latency, built through summarize() as a real run's would be.
import type { CallSample } from '../contract/worker-result.ts';
import { seededRandom } from './compare-stats.ts';
import type { Report } from './schema.ts';
import { summarize } from './summarize.ts';
import { baseRunMeta, baseWorkerResult } from './synthetic.ts';

/** Typical p50 (ms) of the ops of a synthetic run: eight ops, as a fixture-mode flow has. */
export const SYNTHETIC_OPS: Readonly<Record<string, number>> = {
  register: 120,
  login: 90,
  createRequest: 60,
  createOffer: 80,
  acceptOffer: 50,
  createPaymentIntent: 150,
  fixtureDeposit: 40,
  sellerDelivery: 30,
};

export interface SyntheticRun {
  runId: string;
  stage?: number;
  /** Flows in the stage; each calls every op once. */
  flows: number;
  /** Seed of the scatter: two runs with different seeds differ as two real runs do. */
  seed: string;
  ops?: Readonly<Record<string, number>>;
  /** ms added to every sample of these ops (a regression). */
  add?: Readonly<Record<string, number>>;
  /** Every sample multiplied by this (a busier host). */
  factor?: number;
  /** Flows that fail. */
  failed?: number;
}

/** A report of one stage; every op's samples are its typical latency x (0.7..1.5) x factor + add. */
export function syntheticRun(run: SyntheticRun): Report {
  const random = seededRandom(run.seed);
  const stage = run.stage ?? 2;
  const ops = run.ops ?? SYNTHETIC_OPS;
  const results = Array.from({ length: run.flows }, (_, i) => {
    const calls: CallSample[] = Object.entries(ops).map(([op, ms]) => ({
      op,
      status: 200,
      outcome: 'ok',
      startedAt: 0,
      durationMs: ms * (0.7 + 0.8 * random() * random()) * (run.factor ?? 1) + (run.add?.[op] ?? 0),
      timedOut: false,
    }));
    const failed = i < (run.failed ?? 0);
    return baseWorkerResult({
      workerId: `C${stage}-W${String(i + 1).padStart(2, '0')}`,
      stage,
      calls,
      ...(failed ? { status: 'fail', classification: 'product', errors: [{ step: 'accept', message: 'refused', class: 'product' }] } : {}),
    });
  });
  return summarize(results, baseRunMeta({ runId: run.runId, levels: [stage] }));
}
