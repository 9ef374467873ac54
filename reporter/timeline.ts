// This machine's sampler timeline as the reporter reads it in onEnd, and the
// Infrastructure rows it gives the stages whose gate attached none.
import { existsSync, readFileSync } from 'node:fs';
import type { InfraRow } from '../contract/infra-row.ts';
import type { WorkerResult } from '../contract/worker-result.ts';
import { infraTimeline } from '../config/paths.ts';
import { stageName } from '../config/stages.ts';
import { aggregateStages, parseSamples, toInfraRow } from '../sampler/aggregate.ts';
import type { Sample } from '../sampler/types.ts';

/** This machine's sampler timeline of the run, or null (no sampler ran here, as after merge-reports) with why. */
export function readTimeline(runId: string): { samples: Sample[] | null; why: string } {
  const file = infraTimeline(runId);
  if (!existsSync(file)) return { samples: null, why: 'no sampler timeline on this machine (the sampler did not run here)' };
  try {
    return { samples: parseSamples(readFileSync(file, 'utf8')), why: '' };
  } catch (error) {
    return { samples: null, why: `the sampler timeline is unreadable: ${(error as Error).message}` };
  }
}

/** A stage's time window: from its first flow's start to its last flow's end (the gate adds the cooldown). */
export function stageWindow(stage: number, flows: readonly Pick<WorkerResult, 'startedAt' | 'endedAt'>[]) {
  return { stage: stageName(stage), start: Math.min(...flows.map((r) => r.startedAt)), end: Math.max(...flows.map((r) => r.endedAt)) };
}

/**
 * Stages whose gate did not run (`--project=C8` alone) get their Infrastructure row from this
 * machine's sampler timeline, when the run wrote one; merged shards rely on the gates' attachments.
 */
export function withTimelineRows(rows: InfraRow[], results: readonly WorkerResult[], samples: readonly Sample[] | null): InfraRow[] {
  const missing = [...new Set(results.map((r) => r.stage))].filter((stage) => !rows.some((row) => row.stage === stage));
  if (missing.length === 0 || samples === null) return rows;
  const windows = missing.map((stage) =>
    stageWindow(
      stage,
      results.filter((r) => r.stage === stage),
    ),
  );
  const added = aggregateStages(samples, windows).map((infra, i) => ({ ...toInfraRow(infra), stage: missing[i]! }));
  return [...rows, ...added].sort((a, b) => a.stage - b.stage);
}
