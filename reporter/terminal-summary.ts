// The end-of-run summary in the terminal, as k6 prints its thresholds: per stage
// each operation's p50/p95/p99 against its goal (✓ under it, ✗ at or above it,
// "not measured" where no call was timed), flows passed and the gate, then the
// run's result, stop reason and safe concurrency, and where the reports are.
// terminalSummary is pure (Report in, text out); printTerminalSummary finds the
// reports' paths in the Playwright config and writes to stdout.
import path from 'node:path';
import type { FullConfig } from '@playwright/test/reporter';
import { LATENCY_GOALS, LOW_N, stageName } from '../config/stages.ts';
import { formatMs } from './format.ts';
import type { LatencyStats, Report, StageSummary } from './schema.ts';
import { NOTHING_MEASURED } from './summarize-verdict.ts';

/** Where this run's reports are; null: that reporter did not run. */
export interface ReportPaths {
  reportMd: string;
  html: string | null;
  junit: string | null;
  allureResults: string | null;
}

export interface SummaryStyle {
  /** Columns the text may use. */
  width: number;
  /** ANSI colours (a TTY without NO_COLOR). */
  color: boolean;
}

const QUANTILES = ['p50', 'p95', 'p99'] as const;
type Cell = { text: string; mark?: '✓' | '✗' };
type Row = { op: string; n: string; cells: Cell[] | null; goals: string };

const ansi = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const PAINT = { green: ansi(32), red: ansi(31), bold: ansi(1), dim: ansi(2) };

/** Operations in flow order (the goals' order), then the ones without a goal; the goals' ops even when nothing timed them. */
function rows(stage: StageSummary): Row[] {
  const others = Object.keys(stage.ops)
    .filter((op) => !(op in LATENCY_GOALS))
    .sort();
  return [...Object.keys(LATENCY_GOALS), ...others].map((op) => {
    const stats: LatencyStats | undefined = stage.ops[op];
    const goal = LATENCY_GOALS[op];
    const goals = goal ? QUANTILES.map((q) => formatMs(goal[q])).join(' / ') : '—';
    if (!stats) return { op, n: '—', cells: null, goals };
    const cells = QUANTILES.map((q): Cell => {
      const text = formatMs(stats[q]);
      return goal ? { text, mark: stats[q] < goal[q] ? '✓' : '✗' } : { text };
    });
    return { op, n: `${stats.n}${stats.lowN ? ' †' : ''}`, cells, goals };
  });
}

/**
 * `prefix` (kept as it is) then the words of `text`, wrapped to `width` with continuation lines indented by `indent`.
 * A word longer than a line (a path) is not broken.
 */
export function wrap(prefix: string, text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = prefix;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = empty ? `${line}${word}` : `${line} ${word}`;
    if (!empty && next.length > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = next;
    empty = false;
  }
  return [...lines, line];
}

/** The operation table of a stage, with as many columns as fit: goals, then n, then p50 and p99 are dropped first. */
function table(stage: StageSummary, { width, color }: SummaryStyle): string[] {
  const all = rows(stage);
  const cellText = (c: Cell) => (c.mark ? `${c.text} ${c.mark}` : `${c.text}  `);
  const widthOf = (values: string[], header: string) => Math.max(header.length, ...values.map((v) => v.length));
  const measured = all.flatMap((r) => (r.cells ? [r.cells] : []));
  const q = QUANTILES.map((name, i) => ({
    name,
    w: widthOf(
      measured.map((c) => cellText(c[i]!)),
      name,
    ),
  }));
  const nW = widthOf(
    all.map((r) => r.n),
    'n',
  );
  const goalsW = widthOf(
    all.map((r) => r.goals),
    'goals p50 / p95 / p99',
  );
  const layouts = [
    { n: true, q: [0, 1, 2], goals: true },
    { n: true, q: [0, 1, 2], goals: false },
    { n: false, q: [0, 1, 2], goals: false },
    { n: false, q: [1], goals: false },
  ];
  const indent = '    ';
  const opW = widthOf(
    all.map((r) => r.op),
    'operation',
  );
  const used = (l: (typeof layouts)[number]) =>
    indent.length + (l.n ? nW + 2 : 0) + l.q.reduce((sum, i) => sum + q[i]!.w + 2, 0) + (l.goals ? goalsW + 2 : 0);
  const layout = layouts.find((l) => used(l) + opW <= width) ?? layouts[layouts.length - 1]!;
  const opWidth = Math.max(4, Math.min(opW, width - used(layout)));
  const fit = (text: string) => (text.length > opWidth ? `${text.slice(0, opWidth - 1)}…` : text.padEnd(opWidth));
  const paint = (text: string) =>
    color
      ? text.replaceAll('✓', PAINT.green('✓')).replaceAll('✗', PAINT.red('✗')).replace('not measured', PAINT.dim('not measured'))
      : text;

  const line = (op: string, n: string, cells: string[] | null, goals: string, header = false) => {
    const parts = [fit(op), ...(layout.n ? [n.padStart(nW)] : [])];
    if (cells) parts.push(...layout.q.map((i) => (header ? cells[i]!.padStart(q[i]!.w - 2) + '  ' : cells[i]!.padStart(q[i]!.w))));
    else {
      const span = layout.q.reduce((sum, i) => sum + q[i]!.w, 0) + 2 * (layout.q.length - 1);
      parts.push('not measured'.padEnd(span));
    }
    if (layout.goals) parts.push(goals);
    return paint(`${indent}${parts.join('  ')}`.trimEnd());
  };
  const head = line('operation', 'n', [...QUANTILES], 'goals p50 / p95 / p99', true);
  return [color ? PAINT.dim(head) : head, ...all.map((r) => line(r.op, r.n, r.cells?.map(cellText) ?? null, r.goals))];
}

function stageBlock(stage: StageSummary, style: SummaryStyle): string[] {
  const verdict = stage.passed ? 'PASS' : 'FAIL';
  const interrupted = stage.interrupted > 0 ? ` (${stage.interrupted} interrupted)` : '';
  const unread = stage.collectionErrors > 0 ? ` · ${stage.collectionErrors} unreadable results` : '';
  const gate = stage.gate === null ? 'no gate ran' : stage.gate.passed ? 'gate passed' : 'gate failed';
  const head = wrap(
    `${stageName(stage.stage)}  `,
    `${verdict} · ${stage.pass}/${stage.flows} flows passed${interrupted}${unread} · ${gate} · p95 total ${formatMs(stage.p95.totalMs)}`,
    style.width,
    '    ',
  );
  const reasons = stage.gate && !stage.gate.passed ? stage.gate.reasons.flatMap((r) => wrap('    ✗ ', r, style.width, '      ')) : [];
  if (!style.color) return [...head, ...reasons, ...table(stage, style)];
  // Wrapped as plain text, so the escape codes take no width.
  const [first = '', ...rest] = head;
  const painted = first.replace(verdict, (stage.passed ? PAINT.green : PAINT.red)(PAINT.bold(verdict)));
  return [painted, ...rest, ...reasons.map((r) => r.replace('✗', PAINT.red('✗'))), ...table(stage, style)];
}

/** The summary printed at the end of a run: stages, then the run's verdict, then the reports' paths. */
export function terminalSummary(report: Report, paths: ReportPaths, style: SummaryStyle = { width: 100, color: false }): string {
  const width = Math.max(40, style.width);
  const s = { ...style, width };
  const field = (label: string, value: string) => wrap(`  ${label.padEnd(17)} `, value, width, ' '.repeat(20));
  const result = report.overall === 'not-measured' ? 'NOT MEASURED' : report.overall.toUpperCase();
  const safe =
    report.overall === 'not-measured'
      ? 'not measured'
      : `${report.safeConcurrency === null ? 'none' : stageName(report.safeConcurrency)}${report.safeConcurrencyNote ? ` (${report.safeConcurrencyNote})` : ''}`;
  const stop = report.stopReason ?? (report.overall === 'not-measured' ? NOTHING_MEASURED : 'none: every selected stage ran');
  const paint = (text: string) =>
    !s.color ? text : report.overall === 'pass' ? PAINT.green(PAINT.bold(text)) : PAINT.red(PAINT.bold(text));
  const legend = `✓ under goal · ✗ at or above it (p99: watch level) · † n < ${LOW_N}: indicative · goals: ${process.env.GOALS_FILE ? `GOALS_FILE ${process.env.GOALS_FILE}` : 'config/stages.ts'}`;
  const htmlDir = paths.html ? path.dirname(paths.html) : null;
  const html = paths.html ? `${paths.html} (npx playwright show-report${htmlDir === 'playwright-report' ? '' : ` ${htmlDir}`})` : null;
  const allure = paths.allureResults ? `results ${paths.allureResults}; report: npm run report:allure → allure-report/index.html` : null;
  return [
    ...wrap('escrow-ramp · ', `run ${report.runId} · ${report.mode ?? 'unknown'} mode · ${report.target ?? 'unknown target'}`, width, '  '),
    '',
    ...report.stages.flatMap((stage) => [...stageBlock(stage, s), '']),
    ...(report.stages.length > 0 ? [...wrap('', legend, width, '  '), ''] : []),
    ...field('result', paint(result)),
    ...field('safe concurrency', safe),
    ...field('stop reason', stop),
    ...(report.stagesNotRun.length > 0 ? field('not run', report.stagesNotRun.map(stageName).join(', ')) : []),
    ...field('report.md', paths.reportMd),
    ...(html ? field('HTML report', html) : []),
    ...(paths.junit ? field('JUnit', paths.junit) : []),
    ...(allure ? field('Allure', allure) : []),
  ].join('\n');
}

/** Colour and width for a stream: colour only on a TTY and without NO_COLOR (no-color.org: set and not empty). */
export function summaryStyle(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): SummaryStyle {
  const columns = stream.isTTY && stream.columns ? stream.columns : Number(env.COLUMNS) || 100;
  return { width: Math.min(columns, 160), color: Boolean(stream.isTTY) && !env.NO_COLOR };
}

type ReporterConfig = Partial<Pick<FullConfig, 'reporter' | 'configFile' | 'rootDir'>>;

/** The paths the html, junit and Allure reporters of this config write to (their env overrides first, as Playwright resolves them). */
export function reportPaths(reportMd: string, config: ReporterConfig, env: NodeJS.ProcessEnv, cwd = process.cwd()): ReportPaths {
  const configDir = config.configFile ? path.dirname(config.configFile) : (config.rootDir ?? cwd);
  const shown = (file: string) => {
    const relative = path.relative(cwd, file);
    return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  };
  const options = (name: string): Record<string, unknown> | undefined => {
    // Playwright resolves a reporter to its file (…/node_modules/allure-playwright/dist/cjs/index.js, /repo/reporter/x.ts).
    const entry = (config.reporter ?? []).find(
      ([reporter]) => reporter === name || reporter.includes(`/node_modules/${name}/`) || reporter.endsWith(`/${name}`),
    );
    return entry ? ((entry[1] as Record<string, unknown> | undefined) ?? {}) : undefined;
  };
  const resolveIn = (base: string, value: unknown) => (typeof value === 'string' && value ? path.resolve(base, value) : undefined);
  const html = options('html');
  const junit = options('junit');
  const allure = options('allure-playwright') ?? options('reporter/allure-reporter.ts');
  const htmlDir =
    html && (resolveIn(cwd, env.PLAYWRIGHT_HTML_OUTPUT_DIR) ?? resolveIn(configDir, html.outputFolder ?? 'playwright-report'));
  const junitFile = junit && (resolveIn(cwd, env.PLAYWRIGHT_JUNIT_OUTPUT_FILE) ?? resolveIn(configDir, junit.outputFile));
  const allureDir = allure && resolveIn(cwd, allure.resultsDir ?? 'allure-results');
  return {
    reportMd: shown(reportMd),
    html: htmlDir ? shown(path.join(htmlDir, 'index.html')) : null,
    junit: junitFile ? shown(junitFile) : null,
    allureResults: allureDir ? shown(allureDir) : null,
  };
}

/** Prints the summary to stdout (not console.log: it is sized and coloured for stdout itself). */
export function printTerminalSummary(report: Report, reportMd: string, config: ReporterConfig, env = process.env): void {
  const text = terminalSummary(report, reportPaths(reportMd, config, env), summaryStyle(process.stdout, env));
  process.stdout.write(`\n${text}\n\n`);
}
