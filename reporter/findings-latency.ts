// Key Findings on latency: each operation against the spec's latency goals
// (p95 P1, p50 and the p99 watch level P2), percentiles from too few samples
// (info), and stages whose latencies include the load generator's own queuing
// (P1). Pure.
import { LATENCY_GOALS, LOW_N, stageName } from '../config/stages.ts';
import { formatMs, plural } from './format.ts';
import type { Finding, StageSummary } from './schema.ts';

const LATENCY_CHECKS = [
  { quantile: 'p95', goal: 'p95', severity: 'P1', word: 'goal' },
  { quantile: 'p50', goal: 'p50', severity: 'P2', word: 'goal' },
  { quantile: 'p99', goal: 'p99', severity: 'P2', word: 'watch level' },
] as const;

/** Stages whose latencies include the load generator's own queuing (its CPU or a worker's event loop over its limit). */
export function loadGeneratorFindings(stages: readonly StageSummary[]): Finding[] {
  const hit = stages.filter((s) => s.loadGenerator?.saturated);
  if (hit.length === 0) return [];
  return [
    {
      title: `The load generator was saturated: latencies at ${hit.map((s) => stageName(s.stage)).join(', ')} include client-side queuing`,
      severity: 'P1',
      stages: hit.map((s) => s.stage),
      evidence: hit.map((s) => `${stageName(s.stage)}: ${s.loadGenerator!.reasons.join('; ')}`).join(' · '),
      nextAction:
        "Do not read these latencies as the target's; safe concurrency is not claimed there. Run the suite from a machine with more cores, shard it (--shard, BARRIER_REDIS_URL), or run fewer flows per worker.",
    },
  ];
}

export function latencyFindings(stages: readonly StageSummary[]): Finding[] {
  return Object.entries(LATENCY_GOALS).flatMap(([op, goal]) =>
    LATENCY_CHECKS.flatMap((check) => {
      // Goals are strict upper bounds ("< 1 s"): reaching the goal misses it.
      const hit = stages.filter((s) => (s.ops[op]?.[check.quantile] ?? -Infinity) >= goal[check.goal]);
      if (hit.length === 0) return [];
      const limit = formatMs(goal[check.goal]);
      const evidence = hit.map((s) => {
        const stats = s.ops[op]!;
        return `${stageName(s.stage)} ${check.quantile} ${formatMs(stats[check.quantile])} (n=${stats.n}${stats.lowN ? ', low-n' : ''})`;
      });
      const nextAction = {
        p95: `Profile ${goal.label} at ${stageName(hit[0]!.stage)} (server timing, queries, locks); hold the ramp until p95 < ${limit}.`,
        p50: `A median over goal is a constant cost: look for serial work or a missing index in ${goal.label}.`,
        p99: `Look for tail causes in ${goal.label}: timeouts, lock waits, pool exhaustion, GC pauses.`,
      }[check.quantile];
      return [
        {
          title: `${goal.label} ${check.quantile} not under the ${limit} ${check.word}`,
          severity: check.severity,
          stages: hit.map((s) => s.stage),
          evidence: evidence.join(' · '),
          nextAction,
        },
      ];
    }),
  );
}

export function lowNFinding(stages: readonly StageSummary[]): Finding[] {
  const hit = stages.map((s) => ({ s, low: Object.entries(s.ops).filter(([, stats]) => stats.lowN) })).filter(({ low }) => low.length > 0);
  if (hit.length === 0) return [];
  return [
    {
      title: `Percentiles from fewer than ${LOW_N} samples`,
      severity: 'info',
      stages: hit.map(({ s }) => s.stage),
      evidence: hit
        .map(
          ({ s, low }) => `${stageName(s.stage)}: ${plural(low.length, 'op')} (smallest n=${Math.min(...low.map(([, stats]) => stats.n))})`,
        )
        .join(' · '),
      nextAction: 'Read these percentiles as indicative; more rounds (ROUNDS) or a larger stage give stable ones.',
    },
  ];
}
