// The Allure 3 history file (`historyPath`): JSON lines, one per report, read when a report starts (trends, each
// test's history) and appended when it is done. `npm run report:allure` keeps one line per run: a line is named
// after its report, `escrow-ramp <runId>`, so rebuilding a run's report replaces its line, and the earlier runs
// still in allure-results that the file lacks are added first (two runs, then one report: a trend of two); see
// runsToAdd for which.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** The report's name, which is also its history line's name. */
export const reportNameOf = (runId: string | null): string => `escrow-ramp ${runId ?? 'all runs'}`;

/** The file's lines, each with its report's name (null for a line that does not parse). */
function historyLines(file: string): { line: string; name: string | null }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      try {
        const { name } = JSON.parse(line) as { name?: unknown };
        return { line, name: typeof name === 'string' ? name : null };
      } catch {
        return { line, name: null };
      }
    });
}

/** The report names the file holds, oldest first. */
export function historyNames(file: string): string[] {
  return historyLines(file).flatMap(({ name }) => (name === null ? [] : [name]));
}

/** When the newest run of the file ended (its timestamp), or -Infinity for an empty file. */
export function historyEnd(file: string): number {
  const stamps = historyLines(file).map(({ line }) => {
    try {
      return Number((JSON.parse(line) as { timestamp?: unknown }).timestamp);
    } catch {
      return NaN;
    }
  });
  return Math.max(-Infinity, ...stamps.filter(Number.isFinite));
}

/**
 * Dates a report's line by its run: Allure stamps a line when the report is built, which for a run added later
 * would put it after the runs it preceded. `at` is when the run ended.
 */
export function stampHistory(file: string, name: string, at: number): void {
  const lines = historyLines(file).map((l) => (l.name === name ? JSON.stringify({ ...JSON.parse(l.line), timestamp: at }) : l.line));
  writeFileSync(file, lines.map((line) => `${line}\n`).join(''));
}

/** Removes the lines of one report name; returns how many there were. */
export function dropHistory(file: string, name: string): number {
  const lines = historyLines(file);
  const kept = lines.filter((l) => l.name !== name);
  if (kept.length !== lines.length) writeFileSync(file, kept.map((l) => `${l.line}\n`).join(''));
  return lines.length - kept.length;
}

export interface RunOfResults {
  runId: string;
  /** The earliest start among its results. */
  start: number;
  /** The latest stop among its results. */
  stop: number;
}

/** Most runs added to the history before one report: a folder that kept weeks of runs adds its latest only. */
export const HISTORY_BACKFILL = 10;

/**
 * The runs of allure-results to add to the history before `current`'s report, oldest first: those that started
 * before it and after the newest run the file holds, not in it by name, at most `max` (the latest).
 */
export function runsToAdd(
  runs: readonly RunOfResults[],
  current: RunOfResults,
  history: { names: ReadonlySet<string>; end: number },
  max = HISTORY_BACKFILL,
): RunOfResults[] {
  const missing = runs.filter((r) => r.start < current.start && r.start > history.end && !history.names.has(reportNameOf(r.runId)));
  return missing.slice(Math.max(0, missing.length - max));
}

/** The runs of an allure-results folder (by their runId label), oldest first. */
export function runsOf(results: readonly { start?: number; stop?: number; labels?: { name: string; value: string }[] }[]): RunOfResults[] {
  const runs = new Map<string, RunOfResults>();
  for (const r of results) {
    const runId = r.labels?.find((l) => l.name === 'runId')?.value;
    if (!runId) continue;
    const run = runs.get(runId) ?? { runId, start: Infinity, stop: -Infinity };
    runs.set(runId, { runId, start: Math.min(run.start, r.start ?? Infinity), stop: Math.max(run.stop, r.stop ?? r.start ?? -Infinity) });
  }
  return [...runs.values()].sort((a, b) => a.start - b.start || a.runId.localeCompare(b.runId));
}
