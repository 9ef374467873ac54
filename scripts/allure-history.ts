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
}

/** The runs of an allure-results folder (by their runId label), oldest first. */
export function runsOf(results: readonly { start?: number; labels?: { name: string; value: string }[] }[]): RunOfResults[] {
  const starts = new Map<string, number>();
  for (const r of results) {
    const runId = r.labels?.find((l) => l.name === 'runId')?.value;
    if (runId) starts.set(runId, Math.min(starts.get(runId) ?? Infinity, r.start ?? Infinity));
  }
  return [...starts].map(([runId, start]) => ({ runId, start })).sort((a, b) => a.start - b.start || a.runId.localeCompare(b.runId));
}
