// Key Findings: every finding of report.md's table, most severe first. The
// findings on correctness, notifications and latency are in findings-*.ts;
// failed flows, gates, 5xx, duplicates, writes without an answer and missing
// worker results are here. Pure; evidence names stages, numbers and the
// workers/payments involved.
import { STOP_CONDITIONS, stageName } from '../config/stages.ts';
import { correctnessFindings, notMeasuredFindings, stoppedStageFindings } from './findings-correctness.ts';
import { latencyFindings, loadGeneratorFindings, lowNFinding } from './findings-latency.ts';
import { knownGapFindings, malformedNotificationFindings, missingNotificationFindings } from './findings-notifications.ts';
import { EXAMPLES, formatPct, withMore } from './format.ts';
import type { CollectionError, FailureGroup, Finding, Severity, StageSummary } from './schema.ts';

export const FAILURE_FINDING: Record<FailureGroup['class'], { severity: Severity; nextAction: string }> = {
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

const SEVERITY_ORDER: Severity[] = ['P0', 'P1', 'P2', 'info'];

/** Failed flows, one finding per failure class over the stages, its severity by class. */
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

/** Failed gates, the 5xx rate, duplicate notifications, writes without an answer, missing or unreadable worker results. */
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

/** Every finding of the stages, most severe first (a stable sort: within a severity, in the order of the list below). */
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
