// Key Findings: correctness and notification anomalies (P0), failed flows,
// gates and 5xx, and each operation against the spec's latency goals.
// Pure; evidence names stages, numbers and the workers/payments involved.
import { LATENCY_GOALS, LOW_N, STOP_CONDITIONS, stageName } from '../config/stages.ts';
import { EXAMPLES, formatMs, formatPct, plural, withMore } from './format.ts';
import type { CollectionError, FailureGroup, Finding, NotificationStep, Severity, StageStop, StageSummary } from './schema.ts';

type ZeroToleranceKey = (typeof STOP_CONDITIONS.zeroTolerance)[number];

const COUNTER_FINDING: Record<ZeroToleranceKey, { title: string; nextAction: string }> = {
  duplicateCredits: {
    title: 'Duplicate payment credits',
    nextAction: 'Stop the ramp; make the escrow credit idempotent per payment and replay the payments named in the evidence.',
  },
  wrongRecipient: {
    title: 'Notifications delivered to the wrong user',
    nextAction: 'Stop the ramp; check the recipient of each notification insert and the Socket.IO room joins for these workers.',
  },
  crossWorkerLeaks: {
    title: 'Cross-worker state leaks',
    nextAction: "Stop the ramp; find the shared state (cache key, query without an owner filter) that shows one worker another's data.",
  },
  nonBuyerConfirmSuccess: {
    title: 'Delivery confirmed by a non-buyer',
    nextAction: 'Stop the ramp; enforce buyer-only authorization on delivery confirmation.',
  },
  ledgerInconsistencies: {
    title: 'Ledger inconsistencies',
    nextAction: 'Stop the ramp; reconcile the journals of these payments (debits must equal credits).',
  },
  underOverpayments: {
    title: 'Under/overpayment anomalies',
    nextAction: 'Stop the ramp; check the amount comparison (base units, decimals) in payment confirmation.',
  },
  evidenceMismatches: {
    title: 'Payment marked paid without correct chain/token/destination/amount evidence',
    nextAction: 'Stop the ramp; the scanner must verify chain, token, destination and amount before marking a payment paid.',
  },
  advancedWithoutPayment: {
    title: 'Request or delivery advanced without payment',
    nextAction:
      'Stop the ramp; paid, delivery and credit must wait for a confirmed payment (check the status route and the state machine).',
  },
  doubleAccepts: {
    title: 'More than one offer accepted for a request',
    nextAction: 'Stop the ramp; make accept atomic so one offer per request can win.',
  },
};

const FAILURE_FINDING: Record<FailureGroup['class'], { severity: Severity; nextAction: string }> = {
  product: { severity: 'P1', nextAction: 'Fix the product bug in the failing step, then rerun the stage.' },
  capacity: {
    severity: 'P1',
    nextAction: 'Check infrastructure headroom at this stage; hold the ramp until it is added or the hot path is cheaper.',
  },
  unclassified: { severity: 'P1', nextAction: 'Classify these failures in the flow (product, setup, external, capacity, known-gap).' },
  setup: { severity: 'P2', nextAction: 'Fix the test data/setup: these flows measured nothing about the product.' },
  external: { severity: 'P2', nextAction: 'Rerun when the chain/RPC is healthy; keep live-chain runs apart from API-only profiling.' },
  'known-gap': { severity: 'info', nextAction: 'Tracked known product gap; no action for this ramp.' },
  interrupted: {
    severity: 'P2',
    nextAction: 'The run was cut short, or a P0 stopped the stage (see its finding): rerun the stage to measure it in full.',
  },
};

const LATENCY_CHECKS = [
  { quantile: 'p95', goal: 'p95', severity: 'P1', word: 'goal' },
  { quantile: 'p50', goal: 'p50', severity: 'P2', word: 'goal' },
  { quantile: 'p99', goal: 'p99', severity: 'P2', word: 'watch level' },
] as const;

const SEVERITY_ORDER: Severity[] = ['P0', 'P1', 'P2', 'info'];

function correctnessFindings(stages: readonly StageSummary[]): Finding[] {
  return STOP_CONDITIONS.zeroTolerance.flatMap((key) => {
    const hit = stages.filter((s) => (s.correctness[key] ?? 0) > 0);
    if (hit.length === 0) return [];
    const evidence = hit.map((s) => {
      const { flows, examples } = s.correctnessEvidence[key]!;
      return `${stageName(s.stage)}: ${s.correctness[key] ?? 0} in ${plural(flows, 'flow')} (${withMore(examples, flows, '; ')})`;
    });
    return [{ ...COUNTER_FINDING[key], severity: 'P0' as const, stages: hit.map((s) => s.stage), evidence: evidence.join(' · ') }];
  });
}

/**
 * Counters that some stage did not measure at all (status and dry mode pay nothing, so no credit, ledger, amount or
 * evidence check): said once, so "no correctness anomalies" is never read into a check that did not run.
 */
function notMeasuredFindings(stages: readonly StageSummary[]): Finding[] {
  const unmeasured = STOP_CONDITIONS.zeroTolerance.flatMap((key) => {
    const hit = stages.filter((s) => s.flows > 0 && s.correctness[key] === null);
    return hit.length > 0 ? [{ key, hit }] : [];
  });
  if (unmeasured.length === 0) return [];
  const affected = [...new Set(unmeasured.flatMap(({ hit }) => hit.map((s) => s.stage)))].sort((a, b) => a - b);
  return [
    {
      title: 'Correctness counters not measured',
      severity: 'info',
      stages: affected,
      evidence: unmeasured
        .map(({ key, hit }) => {
          const reasons = [...new Set(hit.map((s) => s.correctnessNotMeasured[key]?.reason ?? 'no flow measured it'))].join(', ');
          return `${COUNTER_FINDING[key].title.toLowerCase()}: not measured at ${hit.map((s) => stageName(s.stage)).join(', ')} (${reasons})`;
        })
        .join(' · '),
      nextAction: 'Read these as unknown, not as 0; run fixture or live mode to measure payment correctness.',
    },
  ];
}

/** Stages whose latencies include the load generator's own queuing (its CPU or a worker's event loop over its limit). */
function loadGeneratorFindings(stages: readonly StageSummary[]): Finding[] {
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

/** Missing copies no approved known gap covered: each type a P0 (a stop condition). Covered ones are the known-gap finding's. */
function missingNotificationFindings(stages: readonly StageSummary[]): Finding[] {
  const uncovered = (n: NotificationStep) => n.missing - n.knownGap;
  const types = [...new Set(stages.flatMap((s) => s.notifications.steps.filter((n) => uncovered(n) > 0).map((n) => n.step)))].sort();
  return types.map((type) => {
    const hit = stages.flatMap((s) => s.notifications.steps.filter((n) => n.step === type && uncovered(n) > 0).map((n) => ({ s, n })));
    return {
      title: `Missing notification ${type}`,
      severity: 'P0' as const,
      stages: hit.map(({ s }) => s.stage),
      evidence: hit
        .map(
          ({ s, n }) =>
            `${stageName(s.stage)}: ${uncovered(n)} of ${n.expected} expected copies missing (${withMore(n.missingExamples, uncovered(n))})` +
            `${n.knownGap > 0 ? `; another ${n.knownGap} covered by a known gap` : ''}`,
        )
        .join(' · '),
      nextAction: 'Stop the ramp unless this is an approved known gap; check the insert and the emit of this notification type.',
    };
  });
}

/** Failures an approved known gap (known-gaps.json) covered: no stop condition, but said, with the gap quoted. */
function knownGapFindings(stages: readonly StageSummary[]): Finding[] {
  const hit = stages.filter((s) => s.knownGaps.length > 0);
  if (hit.length === 0) return [];
  return [
    {
      title: 'Known product gaps applied',
      severity: 'info',
      stages: hit.map((s) => s.stage),
      evidence: hit
        .flatMap((s) =>
          s.knownGaps.map(
            (g) =>
              `${stageName(s.stage)}: ${g.missingCopies > 0 ? `${plural(g.missingCopies, 'missing copy', 'missing copies')} in ` : ''}` +
              `${plural(g.flows, 'flow')} covered by known gap: ${g.gap}`,
          ),
        )
        .join(' · '),
      nextAction:
        "No action for this ramp: the gap's owner tracks it. Remove its known-gaps.json entry once fixed; it stops applying after its expiry date.",
    },
  ];
}

/** Socket payloads that broke the notification contract: a contract violation, not a missing notification. */
function malformedNotificationFindings(stages: readonly StageSummary[]): Finding[] {
  const hit = stages.filter((s) => (s.notifications.malformed?.count ?? 0) > 0);
  if (hit.length === 0) return [];
  return [
    {
      title: 'Notification payloads that do not match the contract',
      severity: 'P1',
      stages: hit.map((s) => s.stage),
      evidence: hit
        .map((s) => {
          const { count, flows, sample } = s.notifications.malformed!;
          return `${stageName(s.stage)}: ${plural(count, 'payload')} in ${plural(flows, 'flow')}${sample ? `; sample: ${sample}` : ''}`;
        })
        .join(' · '),
      nextAction:
        'Compare the socket payloads with the notification contract (docs/contract.md): the target emits a shape the suite cannot read, so these copies also count as missing.',
    },
  ];
}

/** `stopped on the P0 C2-W01 saw (wrongRecipient: …): 1 flow interrupted (C2-W02)`. */
export function stopLine(stop: StageStop): string {
  return `stopped on the P0 ${stop.workerId} saw (${stop.what}): ${plural(stop.interrupted, 'flow')} interrupted (${withMore(stop.examples, stop.interrupted)})`;
}

/** STOP_ON_P0: which flow's P0 stopped each stage, and the flows it cut short. */
function stoppedStageFindings(stages: readonly StageSummary[]): Finding[] {
  const hit = stages.filter((s) => s.stoppedBy.length > 0);
  if (hit.length === 0) return [];
  return [
    {
      title: `Stage stopped on a P0: ${hit.map((s) => stageName(s.stage)).join(', ')}`,
      severity: 'P0',
      stages: hit.map((s) => s.stage),
      evidence: hit.map((s) => `${stageName(s.stage)}: ${s.stoppedBy.map(stopLine).join('; ')}`).join(' · '),
      nextAction:
        "Fix the P0 named here (its own finding has the evidence); the interrupted flows measured only part of their purchase, so the stage's figures are partial.",
    },
  ];
}

function failedFlowFindings(stages: readonly StageSummary[]): Finding[] {
  const classes = [...new Set(stages.flatMap((s) => s.failures.map((f) => f.class)))].sort();
  return classes.map((cls) => {
    const hit = stages.flatMap((s) => s.failures.filter((f) => f.class === cls).map((f) => ({ s, f })));
    return {
      title: `Failed flows: ${cls}`,
      ...FAILURE_FINDING[cls],
      stages: hit.map(({ s }) => s.stage),
      evidence: hit
        .map(({ s, f }) => `${stageName(s.stage)}: ${f.count} of ${s.flows} (${withMore(f.examples, f.count, '; ')})`)
        .join(' · '),
    };
  });
}

function stageHealthFindings(stages: readonly StageSummary[], collectionErrors: readonly CollectionError[]): Finding[] {
  const out: Finding[] = stages
    .filter((s) => s.gate && !s.gate.passed)
    .map((s) => ({
      title: `Gate failed at ${stageName(s.stage)}`,
      severity: 'P1' as const,
      stages: [s.stage],
      evidence: s.gate!.reasons.join('; '),
      nextAction: 'Hold the ramp at the last passing stage until the gate reasons are fixed.',
    }));
  const fiveXX = stages.filter((s) => (s.fiveXXRate ?? 0) > STOP_CONDITIONS.maxFiveXXRate);
  if (fiveXX.length > 0)
    out.push({
      title: `HTTP 5xx rate above ${formatPct(STOP_CONDITIONS.maxFiveXXRate)}`,
      severity: 'P1',
      stages: fiveXX.map((s) => s.stage),
      evidence: fiveXX.map((s) => `${stageName(s.stage)}: ${formatPct(s.fiveXXRate)}`).join(' · '),
      nextAction: 'Read the backend logs of the stage for the failing routes; a sustained 5xx rate stops the ramp.',
    });
  const duplicated = stages.filter((s) => s.notifications.duplicates > 0);
  if (duplicated.length > 0)
    out.push({
      title: 'Duplicate notifications',
      severity: 'P2',
      stages: duplicated.map((s) => s.stage),
      evidence: duplicated.map((s) => `${stageName(s.stage)}: ${s.notifications.duplicates} extra copies`).join(' · '),
      nextAction: 'Check emit idempotency (outbox claim) and the per-device fan-out.',
    });
  const indeterminate = stages.filter((s) => s.indeterminate.writes > 0);
  if (indeterminate.length > 0)
    out.push({
      title: 'Writes without an answer',
      severity: indeterminate.some((s) => s.indeterminate.unknown > 0) ? 'P1' : 'P2',
      stages: indeterminate.map((s) => s.stage),
      evidence: indeterminate
        .map((s) => {
          const { writes, happened, didNotHappen, unknown, examples } = s.indeterminate;
          return `${stageName(s.stage)}: ${writes} (${happened} happened, ${didNotHappen} did not, ${unknown} unknown; ${withMore(examples, writes, '; ')})`;
        })
        .join(' · '),
      nextAction:
        'Timeouts and dropped connections on writes: check the target answers within OP_TIMEOUT_MS; an unknown outcome needs a manual look in the database.',
    });
  if (collectionErrors.length > 0)
    out.push({
      title: 'Worker results missing or unreadable',
      severity: 'P1',
      stages: [...new Set(collectionErrors.flatMap((e) => (e.stage === null ? [] : [e.stage])))],
      evidence: withMore(
        collectionErrors.slice(0, EXAMPLES).map((e) => `${e.test}: ${e.message}`),
        collectionErrors.length,
        '; ',
      ),
      nextAction: "Fix the flow's worker-result attachment; these tests count as failed flows.",
    });
  return out;
}

function latencyFindings(stages: readonly StageSummary[]): Finding[] {
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

function lowNFinding(stages: readonly StageSummary[]): Finding[] {
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

export function keyFindings(stages: readonly StageSummary[], collectionErrors: readonly CollectionError[]): Finding[] {
  return [
    ...correctnessFindings(stages),
    ...notMeasuredFindings(stages),
    ...loadGeneratorFindings(stages),
    ...stoppedStageFindings(stages),
    ...missingNotificationFindings(stages),
    ...malformedNotificationFindings(stages),
    ...knownGapFindings(stages),
    ...failedFlowFindings(stages),
    ...stageHealthFindings(stages, collectionErrors),
    ...latencyFindings(stages),
    ...lowNFinding(stages),
  ].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
}
