// report.json's `hypotheses`: the procedure's hypotheses judged on one run's data (reporter/hypotheses.ts).
import { z } from 'zod';

export const HypothesisVerdict = z.enum(['supported', 'not supported', 'not enough evidence']);
export type HypothesisVerdict = z.infer<typeof HypothesisVerdict>;

export const Hypothesis = z.object({
  id: z.enum(['db-writes', 'notifications-first', 'scanner-rpc', 'payment-intent-serial', 'socket-fan-out']),
  /** The hypothesis as docs/procedure.md states it, shortened. */
  hypothesis: z.string(),
  verdict: HypothesisVerdict,
  /** Why this verdict: the figures compared, or the stages, samples or source the run lacked. */
  reason: z.string(),
  /** This run's figures, each `<figure>: <per stage>` or `<figure>: not measured (why)`. */
  evidence: z.array(z.string()),
  /** The run that would give enough evidence (or confirm the verdict further). */
  settle: z.string(),
});
export type Hypothesis = z.infer<typeof Hypothesis>;
