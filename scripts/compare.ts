// npm run compare -- <baseline run> <run>
//
// Compares a run with a baseline run, per stage and op (reporter/compare.ts): p50/p95/p99 and the success rate side
// by side with their deltas, a delta flagged only when it clears the noise threshold computed from the samples.
// A run is its directory (reports/<runId>) or its report.json. Prints the comparison and writes compare.md and
// compare.json into the second run's directory. Exit code: 0 no regression, 1 a regression flagged, 2 usage or a
// run that cannot be read.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compareReports } from '../reporter/compare.ts';
import { readRunReport, RunFileError } from '../reporter/compare-load.ts';
import { renderComparison } from '../reporter/compare-render.ts';

const USAGE = 'usage: npm run compare -- <baseline run> <run>   (a run: reports/<runId> or its report.json)';

/** Runs the comparison; returns the exit code. */
export function compareCli(args: readonly string[]): number {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  if (args.length !== 2 || args.some((a) => a.startsWith('-'))) {
    console.error(`compare: expected two runs, got ${args.length === 0 ? 'none' : args.map((a) => JSON.stringify(a)).join(' ')}\n${USAGE}`);
    return 2;
  }
  try {
    const baseline = readRunReport(args[0]!);
    const run = readRunReport(args[1]!);
    const comparison = compareReports(baseline.report, run.report, baseline.file);
    const markdown = `${renderComparison(comparison, 1).join('\n').trimEnd()}\n`;
    const dir = dirname(run.file);
    writeFileSync(join(dir, 'compare.md'), markdown);
    writeFileSync(join(dir, 'compare.json'), `${JSON.stringify(comparison, null, 2)}\n`);
    console.log(markdown);
    console.log(`compare: wrote ${join(dir, 'compare.md')} and ${join(dir, 'compare.json')}`);
    const regressions = comparison.regressions.length;
    console.log(regressions === 0 ? 'compare: no regression' : `compare: ${regressions} regression(s) flagged`);
    return regressions === 0 ? 0 : 1;
  } catch (error) {
    if (!(error instanceof RunFileError)) throw error;
    console.error(`compare: ${error.message}`);
    return 2;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = compareCli(process.argv.slice(2));
