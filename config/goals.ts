// Latency goals from a file: GOALS_FILE names a goals file (`npm run baseline -- <run>` proposes one from a baseline
// run) whose goals the suite uses instead of the starting goals of config/stages.ts, op by op. Also the checks
// config/env.ts runs on GOALS_FILE and BASELINE, so a bad value stops the run before it starts.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** What one goal was derived from: the observed percentile, the stage it was observed in, and its sample count. */
const GoalBasis = z.object({ observedMs: z.number().nonnegative(), stage: z.number().int().positive(), n: z.number().int().positive() });

const Ms = z.number().positive();

export const GoalEntry = z
  .strictObject({
    label: z.string().min(1).optional(),
    p50: Ms,
    p95: Ms,
    p99: Ms,
    basis: z.strictObject({ p50: GoalBasis, p95: GoalBasis, p99: GoalBasis }).optional(),
  })
  .superRefine((goal, ctx) => {
    if (goal.p95 < goal.p50) ctx.addIssue({ code: 'custom', path: ['p95'], message: `must be at least p50 (${goal.p50})` });
    if (goal.p99 < goal.p95) ctx.addIssue({ code: 'custom', path: ['p99'], message: `must be at least p95 (${goal.p95})` });
  });
export type GoalEntry = z.infer<typeof GoalEntry>;

export const GoalsFile = z.object({
  version: z.literal(1),
  /** The run the goals were proposed from. */
  source: z.object({ runId: z.string(), report: z.string(), generatedAt: z.string() }).optional(),
  /** How the goals were derived from the observed percentiles, e.g. `observed x 1.25, rounded up to 10 ms`. */
  margin: z.object({ factor: z.number().min(1), roundUpToMs: z.number().positive(), rule: z.string() }).optional(),
  /** Per op (the driver's op names, `notification` for notification visibility). */
  goals: z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'an op name: letters, digits, _'), GoalEntry)
    .refine((goals) => Object.keys(goals).length > 0, 'must name at least one op'),
});
export type GoalsFile = z.infer<typeof GoalsFile>;

/** One clear message: the file, the first field that is wrong, and what is wrong with it. */
export class GoalsFileError extends Error {
  override readonly name = 'GoalsFileError';
}

/** The goals file at `path`, validated; a GoalsFileError names the field that is wrong. */
export function readGoalsFile(path: string): GoalsFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new GoalsFileError(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const parsed = GoalsFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new GoalsFileError(`${path}: ${issue.path.length > 0 ? issue.path.join('.') : '(the file)'}: ${issue.message}`);
  }
  return parsed.data;
}

const loaded = new Map<string, Readonly<Record<string, GoalEntry>>>();

/** The goals of the file at `path`, read once per process. */
export function goalsFromFile(path: string): Readonly<Record<string, GoalEntry>> {
  const key = resolve(path);
  let goals = loaded.get(key);
  if (!goals) loaded.set(key, (goals = readGoalsFile(key).goals));
  return goals;
}

/** Why GOALS_FILE cannot be used, or null. */
export function goalsFileProblem(path: string): string | null {
  try {
    readGoalsFile(path);
    return null;
  } catch (error) {
    return `is not a usable goals file: ${(error as Error).message}`;
  }
}

/** Why BASELINE names no readable run (a run directory with a report.json, or a report.json), or null. */
export function baselineProblem(path: string): string | null {
  if (!existsSync(path)) return 'names nothing: give a run directory (reports/<runId>) or its report.json';
  const file = statSync(path).isDirectory() ? join(path, 'report.json') : path;
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { runId?: unknown; stages?: unknown };
    if (typeof json.runId !== 'string' || !Array.isArray(json.stages)) return `${file} is not a report.json (no runId and stages)`;
    return null;
  } catch (error) {
    return `${file} cannot be read as a report.json: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`;
  }
}

/**
 * A read-only record that reads `current()` on every access: LATENCY_GOALS is one, so every reader of it gets the
 * goals in force (GOALS_FILE's when set) without knowing where they came from.
 */
export function liveRecord<T>(current: () => Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  const own = (key: string | symbol): key is string => typeof key === 'string' && Object.hasOwn(current(), key);
  return new Proxy({} as Record<string, T>, {
    get: (_, key) => (own(key) ? current()[key] : undefined),
    has: (_, key) => own(key),
    ownKeys: () => Object.keys(current()),
    getOwnPropertyDescriptor: (_, key) =>
      own(key) ? { value: current()[key], enumerable: true, configurable: true, writable: false } : undefined,
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}
