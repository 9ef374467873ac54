// A sharded run merged by `npm run merge`: each shard's sampler timeline (its infra.jsonl, handed over through
// config/merge-env.ts) gives the merged report its Infrastructure rows and the load generator's figures.
// Every shard's sampler reads the same target, so a stage's row is read from one shard's timeline (the lowest
// numbered one with readings in its flows' window, named in the row's source note); samples of different machines
// are never pooled, as their clocks and counters differ. The load generator is judged per shard (each shard is its
// own machine) and the worst shard stands for the stage.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { InfraRow } from '../contract/infra-row.ts';
import type { WorkerResult } from '../contract/worker-result.ts';
import { MERGE_ENV } from '../config/merge-env.ts';
import { parseSamples } from '../sampler/aggregate.ts';
import type { EventLoopDelay } from '../sampler/event-loop.ts';
import type { Sample } from '../sampler/types.ts';
import { loadGeneratorByStage, measuredWindows } from './load-generator.ts';
import type { LoadGenerator } from './schema.ts';
import { readTimeline, withTimelineRows } from './timeline.ts';

export interface ShardTimeline {
  shard: number;
  samples: Sample[] | null;
  /** Why there are no samples. */
  why: string;
}

const Handed = z.record(z.string().regex(/^\d+$/), z.string());

/** The shards' timelines the merge step handed over, ascending by shard; null when this is no merge of shards. */
export function readShardTimelines(env: NodeJS.ProcessEnv = process.env): ShardTimeline[] | null {
  const raw = env[MERGE_ENV.shardTimelines];
  if (!raw) return null;
  const files = Handed.parse(JSON.parse(raw));
  return Object.entries(files)
    .map(([shard, file]) => {
      if (!existsSync(file)) return { shard: Number(shard), samples: null, why: `shard ${shard} handed over no sampler timeline` };
      try {
        return { shard: Number(shard), samples: parseSamples(readFileSync(file, 'utf8')), why: '' };
      } catch (error) {
        return { shard: Number(shard), samples: null, why: `shard ${shard}'s sampler timeline is unreadable: ${(error as Error).message}` };
      }
    })
    .sort((a, b) => a.shard - b.shard);
}

/** The shard a flow ran on, from its id (`C8-S2-W03`); null for an unsharded flow. */
export function shardOf(result: Pick<WorkerResult, 'workerId'>): number | null {
  const match = /-S(\d+)-/.exec(result.workerId);
  return match ? Number(match[1]) : null;
}

const onShard = (results: readonly WorkerResult[], shard: number) => results.filter((r) => shardOf(r) === shard);

/** Rows the shards' gates attached, completed from the shards' timelines for the stages that have none. */
export function shardInfraRows(rows: InfraRow[], results: readonly WorkerResult[], shards: readonly ShardTimeline[]): InfraRow[] {
  let out = rows;
  for (const { shard, samples } of shards) {
    const flows = onShard(results, shard);
    if (samples === null || flows.length === 0) continue;
    // withTimelineRows adds rows only for stages that still have none: the first shard that can read a stage gives it.
    out = withTimelineRows(out, flows, samples);
  }
  return out;
}

const worse = (a: LoadGenerator, b: LoadGenerator): boolean =>
  (b.saturated === true && a.saturated !== true) || (b.saturated === a.saturated && (b.cpuShareMean ?? -1) > (a.cpuShareMean ?? -1));

/** Each stage's load generator: every shard judged on its own machine's timeline and flows, the worst one reported. */
export function shardLoadGenerator(
  shards: readonly ShardTimeline[],
  results: readonly WorkerResult[],
  eventLoops: readonly EventLoopDelay[],
): Record<number, LoadGenerator> {
  const out: Record<number, LoadGenerator> = {};
  for (const { shard, samples, why } of shards) {
    const judged = loadGeneratorByStage(samples, measuredWindows(onShard(results, shard)), eventLoops, why);
    for (const [stage, figures] of Object.entries(judged)) {
      const named = { ...figures, reasons: figures.reasons.map((r) => `shard ${shard}: ${r}`) };
      const before = out[Number(stage)];
      out[Number(stage)] = before === undefined || worse(before, named) ? named : before;
    }
  }
  return out;
}

/**
 * The Infrastructure rows and load generator figures of the run: from the shards' timelines when the merge step
 * handed them over, else from this machine's timeline (none after a bare merge-reports: said so, never zeros).
 */
export function runInfrastructure(
  runId: string,
  rows: InfraRow[],
  results: readonly WorkerResult[],
  eventLoops: readonly EventLoopDelay[],
): { infrastructure: InfraRow[]; loadGenerator: Record<number, LoadGenerator> } {
  const shards = readShardTimelines();
  if (shards)
    return { infrastructure: shardInfraRows(rows, results, shards), loadGenerator: shardLoadGenerator(shards, results, eventLoops) };
  const timeline = readTimeline(runId);
  return {
    infrastructure: withTimelineRows(rows, results, timeline.samples),
    loadGenerator: loadGeneratorByStage(timeline.samples, measuredWindows(results), eventLoops, timeline.why),
  };
}
