// Approved known gaps (known-gaps.json) as a stage's flows quote them: which
// notification types a gap covered in a flow, and each gap with the flows and
// missing copies it covered. A failure a gap's signature classified quotes no
// gap: it is a failed flow of class known-gap, reported as such.
import type { WorkerResult } from '../contract/worker-result.ts';
import { EXAMPLES } from './format.ts';
import type { AppliedGap } from './schema.ts';

const MISSING_TYPE = /^missing (\S+) -> /;
const GAP_QUOTE = /\(known gap: ([\s\S]*)\)\s*$/;

/**
 * The gap a known-gap error quotes: the text after "known gap:" (its type or signature, reason, owner, expiry), without
 * the parenthesis the flow wraps it in; null when the message quotes none.
 */
export function quotedGap(message: string): string | null {
  const wrapped = GAP_QUOTE.exec(message);
  if (wrapped) return wrapped[1]!.trim();
  const at = message.indexOf('known gap: ');
  return at === -1 ? null : message.slice(at + 'known gap: '.length).trim();
}

/**
 * The notification types whose missing copies an approved known gap covered in this flow, each with the gap quoted: the
 * flow records a covered type as a known-gap error `missing <type> -> <copies> (known gap: ...)` (tests/escrow-flow.spec.ts).
 */
export function coveredTypes(flow: Pick<WorkerResult, 'errors'>): Map<string, string> {
  const covered = new Map<string, string>();
  for (const error of flow.errors) {
    if (error.class !== 'known-gap') continue;
    const type = MISSING_TYPE.exec(error.message)?.[1];
    if (type && !covered.has(type)) covered.set(type, quotedGap(error.message) ?? 'no gap quoted');
  }
  return covered;
}

/** The known gaps a stage's flows quoted, added one flow at a time. */
export class KnownGapFigures {
  private readonly gaps = new Map<string, AppliedGap>();

  /** `covered`: the flow's coveredTypes. */
  add(flow: WorkerResult, covered: ReadonlyMap<string, string>): void {
    // The missing copies each gap covered.
    const missingBy = new Map<string, number>();
    for (const n of flow.notifications) if (!n.observed && covered.has(n.step)) missingBy.set(n.step, (missingBy.get(n.step) ?? 0) + 1);
    const flowGaps = new Map<string, { copies: number; example: string }>();
    for (const error of flow.errors) {
      const gap = error.class === 'known-gap' ? quotedGap(error.message) : null;
      if (gap === null) continue;
      const type = MISSING_TYPE.exec(error.message)?.[1];
      const entry = flowGaps.get(gap) ?? { copies: 0, example: `${flow.workerId} ${error.step}: ${error.message}` };
      if (type) entry.copies += missingBy.get(type) ?? 0;
      flowGaps.set(gap, entry);
    }
    for (const [gap, { copies, example }] of flowGaps) {
      const applied = this.gaps.get(gap) ?? { gap, flows: 0, missingCopies: 0, examples: [] };
      applied.flows += 1;
      applied.missingCopies += copies;
      if (applied.examples.length < EXAMPLES) applied.examples.push(example);
      this.gaps.set(gap, applied);
    }
  }

  summary(): AppliedGap[] {
    return [...this.gaps.values()].sort((a, b) => a.gap.localeCompare(b.gap));
  }
}
