// Key Findings on notifications: missing copies no known gap covered (a P0 per
// type), payloads that broke the notification contract (P1), and the approved
// known gaps that covered failures (info). Pure.
import { stageName } from '../config/stages.ts';
import { plural, withMore } from './format.ts';
import type { Finding, NotificationStep, StageSummary } from './schema.ts';

/** Missing copies no approved known gap covered: each type a P0 (a stop condition). Covered ones are the known-gap finding's. */
export function missingNotificationFindings(stages: readonly StageSummary[]): Finding[] {
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
export function knownGapFindings(stages: readonly StageSummary[]): Finding[] {
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
export function malformedNotificationFindings(stages: readonly StageSummary[]): Finding[] {
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
