// Goals proposed from a baseline run (`npm run baseline`): per op, each of p50/p95/p99 is the highest value observed
// over the run's stages times a stated margin, rounded up, with the stage and sample count it is based on. Pure.
import { GoalsFile } from '../config/goals.ts';
import { STARTING_LATENCY_GOALS } from '../config/stages.ts';
import type { Report } from './schema.ts';

export const GOAL_MARGIN = { factor: 1.25, roundUpToMs: 10 } as const;

const PERCENTILES = ['p50', 'p95', 'p99'] as const;

/** The goals file for `report`, read from `source`; every goal is observed x factor, rounded up to roundUpToMs. */
export function proposeGoals(report: Report, source: string, margin: { factor: number; roundUpToMs: number } = GOAL_MARGIN): GoalsFile {
  const ops = [...new Set(report.stages.flatMap((s) => Object.keys(s.ops)))].sort();
  const goal = (observedMs: number) =>
    Math.max(margin.roundUpToMs, Math.ceil((observedMs * margin.factor) / margin.roundUpToMs) * margin.roundUpToMs);
  const goals = Object.fromEntries(
    ops.map((op) => {
      const basis = Object.fromEntries(
        PERCENTILES.map((p) => {
          // The stage where the op was slowest at this percentile: the goal holds at every stage the run reached.
          const worst = report.stages.filter((s) => s.ops[op]).reduce((a, b) => (b.ops[op]![p] > a.ops[op]![p] ? b : a));
          return [p, { observedMs: worst.ops[op]![p], stage: worst.stage, n: worst.ops[op]!.n }];
        }),
      ) as Record<(typeof PERCENTILES)[number], { observedMs: number; stage: number; n: number }>;
      const label = STARTING_LATENCY_GOALS[op]?.label;
      return [
        op,
        {
          ...(label ? { label } : {}),
          p50: goal(basis.p50.observedMs),
          p95: goal(basis.p95.observedMs),
          p99: goal(basis.p99.observedMs),
          basis,
        },
      ];
    }),
  );
  return GoalsFile.parse({
    version: 1,
    source: { runId: report.runId, report: source, generatedAt: report.generatedAt },
    margin: {
      ...margin,
      rule: `observed × ${margin.factor} (the highest over the run's stages), rounded up to a multiple of ${margin.roundUpToMs} ms`,
    },
    goals,
  });
}
