// report.md's Hypotheses section: the procedure's hypotheses (reporter/hypotheses.ts), one row each with its
// verdict and why, this run's evidence figures, and the run that would settle it.
import { HYPOTHESIS_EVIDENCE as E } from './hypotheses-figures.ts';
import { row } from './markdown.ts';
import type { Report } from './schema.ts';

export function hypothesesSection(report: Report): string[] {
  if (report.hypotheses.length === 0) return ['## Hypotheses', '', 'Not judged: this report was written before hypotheses were.'];
  return [
    '## Hypotheses',
    '',
    `The procedure's hypotheses (docs/procedure.md), judged on this run's data only. A verdict needs ${E.minStages} stages ` +
      `(${E.minStagesForCorrelation} for a correlation) with ${E.minSamples} or more samples each; with fewer it is ` +
      `"not enough evidence". A p95 that grew ×${E.degraded} or more from the first to the last such stage degraded, ` +
      `one under ×${E.flat} stayed flat; a correlation (Pearson's r) of ${E.strong} or more follows, under ${E.weak} does not.`,
    '',
    '| # | Hypothesis | Verdict | Evidence | What would settle it |',
    '|---:|---|---|---|---|',
    ...report.hypotheses.map((h, i) => row([i + 1, h.hypothesis, `**${h.verdict}**: ${h.reason}`, h.evidence.join('<br>'), h.settle])),
  ];
}
