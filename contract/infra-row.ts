// One row of the spec's Infrastructure table, for one stage:
// | Stage | Backend CPU/mem | Scanner CPU/mem | Mongo | Postgres | Redis | Restarts |
// The sampler formats the cells (sampler/infra-row.ts), a gate attaches the row
// (reporter/schema.ts INFRA_ROW_ATTACHMENT), the reporter reads it back and
// writes it into report.json (optional `sampled`: the sampler's other series,
// report.md's "Sampled metrics" table). A value that was not measured shows as n/a with
// its reason, never as 0.
import { z } from 'zod';

/**
 * The stage's other sampled series, display text like the row's cells; each is `not measured (reason)`
 * where the source had no reading. Counters are the increase over the stage (cooldown included).
 */
export const SampledMetrics = z.object({
  /** Socket.IO connected clients, the most seen. */
  socketClients: z.string(),
  /** Socket.IO events emitted, increase over the stage. */
  socketEvents: z.string(),
  notificationInserts: z.string(),
  notificationErrors: z.string(),
  /** RPC latency p95 over the stage's probes. */
  rpcP95: z.string(),
  /** RPC error rate over the stage's probes, with their count. */
  rpcErrorRate: z.string(),
  /** `container image:tag` per docker container. */
  images: z.string(),
  /** Restarts per component (target /health and `docker:<name>`), zeros included. */
  restarts: z.string(),
});
export type SampledMetrics = z.infer<typeof SampledMetrics>;

export const InfraRow = z.object({
  stage: z.number().int().positive(),
  backend: z.string(),
  scanner: z.string(),
  mongo: z.string(),
  postgres: z.string(),
  redis: z.string(),
  /** A count, or display text from the sampler such as `1 (backend 1)` or `not measured (reason)`. */
  restarts: z.union([z.number().int().nonnegative(), z.string()]),
  /** The sampler's other series for the stage (report.md "Sampled metrics"); absent in rows from before it existed. */
  sampled: z.optional(SampledMetrics),
});
export type InfraRow = z.infer<typeof InfraRow>;
