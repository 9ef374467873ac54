// Collection helpers: merge-safe result keys, attachment parsing and run
// metadata. Everything that leaves here is redacted, so nothing downstream
// (summary, markdown, charts, worker files) can carry a secret.
import { readFileSync } from 'node:fs';
import type { Suite, TestResult } from '@playwright/test/reporter';
import { z } from 'zod';
import { PaymentMode, type WorkerResult } from '../contract/worker-result.ts';
import { EnvSchema } from '../config/env.ts';
import { workersFor } from '../config/stages.ts';
import { redact, redactText } from '../lib/redact.ts';
import { Versions, type GateResult, type StageGate } from './schema.ts';
import type { RunMeta } from './summarize.ts';

const STAGE_PROJECT = /^C([1-9]\d*)$/;

/** The stage of a project named like C8; null for any other project. */
export function stageOfProject(projectName: string): number | null {
  const match = STAGE_PROJECT.exec(projectName);
  return match ? Number(match[1]) : null;
}

/**
 * Identity of one test attempt. Not test.id: merge-reports of blob reports
 * from shards must key the same attempt the same way, and project + title
 * path + repeat index + retry is what every shard agrees on.
 */
export function resultKey(projectName: string, titlePath: readonly string[], repeatEachIndex: number, retry: number): string {
  return JSON.stringify([projectName, titlePath, repeatEachIndex, retry]);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** Error messages quote parts of what they could not read: mask them like any output. */
export const failure = (message: string): { ok: false; message: string } => ({ ok: false, message: redactText(message) });

/**
 * Parses a JSON attachment body with a schema (which drops unknown keys, secret-named ones included), then masks
 * secrets in what is left with `clean`. The error names the attachment and what is wrong with it.
 */
export function parseAttachment<T>(
  schema: z.ZodType<T>,
  clean: (value: T) => T,
  name: string,
  contentType: string,
  expectedType: string,
  text: string,
): Parsed<T> {
  if (contentType !== expectedType) return failure(`${name} has content type "${contentType}", expected "${expectedType}"`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return failure(`${name} is not JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return failure(`${name} does not match its schema: ${z.prettifyError(parsed.error).replace(/\n\s*/g, ' ')}`);
  return { ok: true, value: clean(parsed.data) };
}

/** Inline body (live and merged blob runs) or a file path (attachments made with `path`). */
export function parseFrom<T>(
  attachment: TestResult['attachments'][number],
  schema: z.ZodType<T>,
  clean: (value: T) => T,
  expectedType: string,
): Parsed<T> {
  const { name, body, path: file, contentType } = attachment;
  if (!body && !file) return failure(`${name} has neither a body nor a path`);
  let text: string;
  try {
    text = body ? body.toString('utf8') : readFileSync(file!, 'utf8');
  } catch (error) {
    return failure(`${name} could not be read: ${(error as Error).message}`);
  }
  return parseAttachment(schema, clean, name, contentType, expectedType, text);
}

/** One verdict per stage: every gate of the stage must pass, and all their reasons are kept. */
export function gatesByStage(gates: readonly GateResult[]): Record<number, StageGate> {
  const byStage: Record<number, StageGate> = {};
  for (const { stage, passed, reasons, flows, notEvaluated } of gates) {
    const before = byStage[stage] ?? { passed: true, reasons: [] };
    // Shards' gates each judge their own flows: the stage's gate judged their sum.
    const judged = flows === undefined && before.flows === undefined ? {} : { flows: (before.flows ?? 0) + (flows ?? 0) };
    const unjudged = [...new Set([...(before.notEvaluated ?? []), ...(notEvaluated ?? [])])];
    byStage[stage] = {
      passed: before.passed && passed,
      reasons: [...before.reasons, ...reasons],
      ...(unjudged.length ? { notEvaluated: unjudged } : {}),
      ...judged,
    };
  }
  return byStage;
}

/** Levels from metadata: [1, 2, 4], ['1', '2'] or '1,2,4'; null when absent or unreadable. */
const LevelsMetadata = z
  .union([z.array(z.coerce.number()), z.string().transform((s) => s.split(',').map((part) => Number(part.trim())))])
  .pipe(z.array(z.number().int().positive()));

const optional = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

/** STAGE_DURATION as ms: a number of ms, or the variable's own form (`20s`, `5m`). */
const StageDurationMetadata = z.union([z.number().positive(), EnvSchema.shape.STAGE_DURATION.unwrap()]);
/** ROUNDS: a number, or the variable's own form (`2`). */
const RoundsMetadata = z.union([z.number().int().positive(), EnvSchema.shape.ROUNDS.removeDefault()]);

/**
 * What the environment of this process says of the stage length (STAGE_DURATION, ROUNDS), as metadata keys: the
 * runner's environment is the run's, so a live run knows its mode even when the config's metadata does not carry it.
 * Metadata, which travels in blob reports to merge-reports, wins over it.
 */
export function stageLengthFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  return {
    ...(env.STAGE_DURATION ? { stageDuration: env.STAGE_DURATION } : {}),
    ...(env.ROUNDS ? { rounds: env.ROUNDS } : {}),
  };
}

/**
 * ROUNDS as the stage projects ran it: each has repeatEach = workers x ROUNDS (playwright.config.ts), the same for every
 * stage; null when no project says (a suite without project configs) or they disagree. In fixed-duration mode it is 1.
 */
export function roundsOfProjects(suite: Suite, flowsPerWorker: number): number | null {
  const seen = new Set<number>();
  for (const projectSuite of suite.suites) {
    const stage = stageOfProject(projectSuite.title);
    const repeatEach = projectSuite.project?.()?.repeatEach;
    if (stage === null || !repeatEach) continue;
    const workers = workersFor(stage, flowsPerWorker);
    if (repeatEach % workers === 0) seen.add(repeatEach / workers);
  }
  return seen.size === 1 ? [...seen][0]! : null;
}

/** A worker's runId is `<run id>-<workerId>` (the spec's example); the run's id is the prefix. */
function runIdFromResult(result: WorkerResult): string {
  const suffix = `-${result.workerId}`;
  return result.runId.endsWith(suffix) && result.runId.length > suffix.length ? result.runId.slice(0, -suffix.length) : result.runId;
}

/**
 * Run metadata from Playwright's config.metadata (runId, mode, target, levels,
 * and versions/gitSha when a config sets them), read defensively; what is
 * missing comes from the first worker result.
 */
export function runMetaFrom(
  metadata: Readonly<Record<string, unknown>>,
  results: readonly WorkerResult[],
  selectedLevels: readonly number[],
  generatedAt: string,
): Pick<
  RunMeta,
  'runId' | 'mode' | 'target' | 'versions' | 'gitSha' | 'levels' | 'flowsPerWorker' | 'stageDurationMs' | 'rounds' | 'generatedAt'
> {
  // A result the runner wrote for a dead worker knows nothing of the target.
  const first = results.find((r) => r.reportedBy === 'worker') ?? results[0];
  const text = z.string().min(1);
  return redact({
    runId: optional(text, metadata.runId) ?? (first ? runIdFromResult(first) : `run-${generatedAt.replace(/[:.]/g, '-')}`),
    mode: optional(PaymentMode, metadata.mode) ?? first?.mode ?? null,
    // The URL the flows reached beats the configured label (the config says 'sandbox' when it starts one).
    target: first?.target.url ?? optional(text, metadata.target) ?? null,
    versions: optional(Versions, metadata.versions) ?? first?.target.versions ?? {},
    gitSha: optional(text, metadata.gitSha) ?? first?.target.gitSha ?? null,
    // The stage projects of this run (after --project filters) beat the configured CONCURRENCY_LEVELS.
    levels: selectedLevels.length > 0 ? selectedLevels : (optional(LevelsMetadata, metadata.levels) ?? []),
    flowsPerWorker: optional(z.number().int().positive(), metadata.flowsPerWorker) ?? 1,
    // Fixed-duration mode (STAGE_DURATION) or rounds (ROUNDS): `stageDurationMs` or `stageDuration` ('20s'), and `rounds`.
    stageDurationMs: optional(StageDurationMetadata, metadata.stageDurationMs ?? metadata.stageDuration) ?? null,
    rounds: optional(RoundsMetadata, metadata.rounds) ?? null,
    generatedAt,
  });
}

/** A name safe as one path segment: run ids and worker ids become directory and file names. */
export function fileSafe(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return safe.length > 0 ? safe : '_';
}

/** One file name per result; a workerId seen again (retries, rounds) gets ~2, ~3 so no file is overwritten. */
export function workerFileNames(results: readonly WorkerResult[]): string[] {
  const seen = new Map<string, number>();
  return results.map((r) => {
    const base = fileSafe(r.workerId);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? `${base}.json` : `${base}~${count}.json`;
  });
}
