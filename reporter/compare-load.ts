// Reading the runs a comparison needs: a run directory (reports/<runId>/) or its report.json, parsed as a Report
// (reports written before samples were kept still parse), and the BASELINE comparison the profile reporter adds.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compareReports } from './compare.ts';
import { Report } from './schema.ts';

/** A run that cannot be compared: the message names the path and what is wrong with it. */
export class RunFileError extends Error {
  override readonly name = 'RunFileError';
}

/** report.json of a run: `path` is the run's directory or the file itself. */
export function reportFileOf(path: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, 'report.json') : path;
}

/** The run's report, parsed; a RunFileError says why it cannot be read. */
export function readRunReport(path: string): { report: Report; file: string } {
  const file = reportFileOf(path);
  if (!existsSync(file))
    throw new RunFileError(
      `${path}: ${existsSync(path) ? 'the directory has no report.json' : 'no such run directory or report.json'} (give reports/<runId> or its report.json)`,
    );
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RunFileError(`${file}: not readable as JSON: ${(error as Error).message}`);
  }
  const parsed = Report.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RunFileError(`${file}: not a report.json: ${issue.path.join('.') || '(the file)'}: ${issue.message}`);
  }
  return { report: parsed.data, file };
}

/**
 * The report with `comparison` against BASELINE when it is set. A baseline that cannot be read (config/env.ts checked it
 * at start, but it may have changed since) is said on stderr and leaves the report as it is.
 */
export function withBaseline(report: Report, baseline: string | undefined = process.env.BASELINE?.trim() || undefined): Report {
  if (!baseline) return report;
  try {
    const { report: base, file } = readRunReport(baseline);
    return { ...report, comparison: compareReports(base, report, file) };
  } catch (error) {
    console.error(`escrow-ramp reporter: BASELINE not compared: ${(error as Error).message}`);
    return report;
  }
}
