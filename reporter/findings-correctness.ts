// Key Findings on correctness: each zero-tolerance counter that some flow saw
// (P0), the counters some stage did not measure at all (info: unknown, not 0),
// and the stages a P0 stopped (STOP_ON_P0). Pure; evidence names stages,
// numbers and the workers/payments involved.
import { STOP_CONDITIONS, stageName } from '../config/stages.ts';
import { plural, withMore } from './format.ts';
import type { Finding, StageStop, StageSummary } from './schema.ts';

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

/** Each zero-tolerance counter some stage counted: a P0, with the flows and payments involved. */
export function correctnessFindings(stages: readonly StageSummary[]): Finding[] {
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
export function notMeasuredFindings(stages: readonly StageSummary[]): Finding[] {
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

/** `stopped on the P0 C2-W01 saw (wrongRecipient: …): 1 flow interrupted (C2-W02)`. */
export function stopLine(stop: StageStop): string {
  return `stopped on the P0 ${stop.workerId} saw (${stop.what}): ${plural(stop.interrupted, 'flow')} interrupted (${withMore(stop.examples, stop.interrupted)})`;
}

/** STOP_ON_P0: which flow's P0 stopped each stage, and the flows it cut short. */
export function stoppedStageFindings(stages: readonly StageSummary[]): Finding[] {
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
