// npm run baseline -- <run> [--out=<goals file>] [--margin=<factor>]
//
// Proposes latency goals from a baseline run (reporter/compare-goals.ts): per op, p50/p95/p99 each the highest value
// observed over the run's stages times the margin (default 1.25), rounded up to 10 ms, with the stage and sample count
// it is based on. Writes them as a goals file (default <run dir>/goals.json); GOALS_FILE=<file> makes the suite use
// them instead of the starting goals (config/stages.ts). Exit code: 0 written, 2 usage or a run that cannot be read.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LOW_N } from '../config/stages.ts';
import { GOAL_MARGIN, proposeGoals } from '../reporter/compare-goals.ts';
import { readRunReport, RunFileError } from '../reporter/compare-load.ts';
import { formatMs } from '../reporter/format.ts';

const USAGE =
  'usage: npm run baseline -- <run> [--out=<goals file>] [--margin=<factor >= 1>]   (a run: reports/<runId> or its report.json)';

/** Writes the proposed goals; returns the exit code. */
export function baselineCli(args: readonly string[]): number {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const runs = args.filter((a) => !a.startsWith('--'));
  const unknown = args.filter((a) => a.startsWith('--') && !/^--(out|margin)=./.test(a));
  const factor = Number(option('margin') ?? GOAL_MARGIN.factor);
  if (runs.length !== 1 || unknown.length > 0 || !(factor >= 1 && factor <= 10)) {
    const why =
      unknown.length > 0
        ? `unknown option ${unknown[0]}`
        : runs.length !== 1
          ? `expected one run, got ${runs.length}`
          : `--margin must be a factor in 1..10`;
    console.error(`baseline: ${why}\n${USAGE}`);
    return 2;
  }
  try {
    const { report, file } = readRunReport(runs[0]!);
    if (!report.stages.some((s) => Object.keys(s.ops).length > 0))
      throw new RunFileError(`${file}: no op was measured in this run, so there is nothing to propose`);
    const goals = proposeGoals(report, file, { factor, roundUpToMs: GOAL_MARGIN.roundUpToMs });
    const out = option('out') ?? join(dirname(file), 'goals.json');
    writeFileSync(out, `${JSON.stringify(goals, null, 2)}\n`);
    console.log(`Goals proposed from run ${report.runId}: ${goals.margin!.rule}; each with the stage and sample count it is based on.\n`);
    for (const [op, g] of Object.entries(goals.goals)) {
      const cell = (p: 'p50' | 'p95' | 'p99') => {
        const b = g.basis![p];
        return `${p} ${formatMs(g[p])} (observed ${formatMs(b.observedMs)} at C${b.stage}, n=${b.n}${b.n < LOW_N ? ', low n' : ''})`;
      };
      console.log(`  ${op.padEnd(22)} ${cell('p50')}  ${cell('p95')}  ${cell('p99')}`);
    }
    console.log(`\nbaseline: wrote ${out}; use it with GOALS_FILE=${out}`);
    return 0;
  } catch (error) {
    if (!(error instanceof RunFileError)) throw error;
    console.error(`baseline: ${error.message}`);
    return 2;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = baselineCli(process.argv.slice(2));
