// One row of the spec's Infrastructure table, for one stage:
// | Stage | Backend CPU/mem | Scanner CPU/mem | Mongo | Postgres | Redis | Restarts |
// The sampler formats the cells (sampler/infra-row.ts), a gate attaches the row
// (reporter/schema.ts INFRA_ROW_ATTACHMENT), the reporter reads it back and
// writes it into report.json. A value that was not measured shows as n/a with
// its reason, never as 0.
import { z } from 'zod';

export const InfraRow = z.object({
  stage: z.number().int().positive(),
  backend: z.string(),
  scanner: z.string(),
  mongo: z.string(),
  postgres: z.string(),
  redis: z.string(),
  /** A count, or display text from the sampler such as `1 (backend 1)` or `not measured (reason)`. */
  restarts: z.union([z.number().int().nonnegative(), z.string()]),
});
export type InfraRow = z.infer<typeof InfraRow>;
