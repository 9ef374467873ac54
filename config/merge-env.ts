// Environment `npm run merge` (scripts/merge.ts) hands to the profile reporter it runs under `playwright merge-reports`.
// Its own module: the script and the reporter agree on the names without importing each other.
export const MERGE_ENV = {
  /** Where the reporter writes the run's verdict as JSON, for the merge step's exit code (merge-reports' own is always 0). */
  verdictFile: 'ESCROW_VERDICT_FILE',
  /** JSON `{ "<shard>": "<path of that shard's infra.jsonl>" }`: the shards' sampler timelines, pooled into the report. */
  shardTimelines: 'ESCROW_SHARD_TIMELINES',
} as const;
