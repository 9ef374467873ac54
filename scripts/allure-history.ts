// The Allure 3 history file (`historyPath`): JSON lines, one per report, read when a report starts (trends, each
// test's history) and appended when it is done. `npm run report:allure` keeps one line per run: a line is named
// after its report, `escrow-ramp <runId>`, so rebuilding a run's report replaces its line, and the earlier runs
// still in allure-results that the file lacks are added first (two runs, then one report: a trend of two).
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
