// The sampler's data: one JSON line per interval, one entry per source. A
// source that is not there is `{ na: reason }`; a single field that cannot be
// measured is the string `n/a: reason`. Neither is ever written as 0.
import { z } from 'zod';

export const NotAvailable = z.strictObject({ na: z.string() });
export type NotAvailable = z.infer<typeof NotAvailable>;
export const Fields = z.record(z.string(), z.union([z.number(), z.string(), z.null()]));
export type Fields = z.infer<typeof Fields>;
export const SourceResult = z.union([NotAvailable, Fields]);
export type SourceResult = z.infer<typeof SourceResult>;

/** One JSONL line of the timeline; `t` is epoch ms at the start of the interval's readings. */
export const Sample = z.object({
  t: z.number(),
  host: SourceResult,
  processes: SourceResult,
  postgres: SourceResult,
  redis: SourceResult,
  mongo: SourceResult,
  metrics: SourceResult,
  rpc: SourceResult,
  docker: SourceResult,
  /** The load generator itself (the Playwright runner and its workers); absent in lines of a sampler started without it. */
  runner: SourceResult.optional(),
});
export type Sample = z.infer<typeof Sample>;
/** The sources every line has. */
export type SourceName = Exclude<keyof Sample, 't' | 'runner'>;
export const SOURCE_NAMES = Object.keys(Sample.shape).filter((key): key is SourceName => key !== 't' && key !== 'runner');
/** Every source a line may have: the runner's only when the sampler was given the runner's pid. */
export type AnySourceName = SourceName | 'runner';

/** How long a source waits for a network answer (a probe, not a load test). */
export const ANSWER_TIMEOUT_MS = 2_000;

/** A Postgres statement active for longer than this counts as slow (sources/postgres.ts, the Infrastructure table). */
export const SLOW_STATEMENT_MS = 1_000;

export interface Source {
  sample(): Promise<SourceResult>;
  /** Releases connections; the loop calls it once on shutdown. */
  close?(): Promise<void>;
}

export const isNotAvailable = (value: unknown): value is NotAvailable =>
  typeof value === 'object' && value !== null && typeof (value as { na?: unknown }).na === 'string';

const NA_PREFIX = 'n/a: ';
/** A field that could not be measured, with why. */
export const naField = (reason: string): string => `${NA_PREFIX}${reason}`;
/** The reason of an `n/a: …` field value, or undefined when the value is not one. */
export const naFieldReason = (value: unknown): string | undefined =>
  typeof value === 'string' && value.startsWith(NA_PREFIX) ? value.slice(NA_PREFIX.length) : undefined;

/** Bytes or kB to MB (MiB), with two decimals: enough for reports, short in JSONL. */
export const toMb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 100) / 100;

/** Rejects after `ms` with an error naming what timed out; the work itself is not cancelled. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} gave no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
