// The terminal summary at the end of a run (issue 15, item 3): per stage each op against its goals (✓/✗, "not
// measured"), flows passed, the gate, the run's verdict and where the reports are; width-aware, colour only on a TTY.
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { CallSample, WorkerResult } from '../../contract/worker-result.ts';
import { LATENCY_GOALS } from '../../config/stages.ts';
import type { Report } from '../../reporter/schema.ts';
import { summarize } from '../../reporter/summarize.ts';
import { baseRunMeta, baseWorkerResult } from '../../reporter/synthetic.ts';
import { reportPaths, summaryStyle, terminalSummary, type ReportPaths } from '../../reporter/terminal-summary.ts';

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`);
const call = (op: string, durationMs: number): CallSample => ({
  op,
  status: 200,
  outcome: 'ok',
  startedAt: 0,
  durationMs,
  timedOut: false,
});
const flow = (stage: number, n: number, calls: CallSample[], extra: Partial<WorkerResult> = {}): WorkerResult =>
  baseWorkerResult({
    stage,
    workerId: `C${stage}-W0${n}`,
    calls,
    timingsMs: { ...baseWorkerResult().timingsMs, total: 900 + n },
    ...extra,
  });
/** login under its goals, createOffer at its p95 goal exactly (strict "<": a miss), register (no goal); nothing else timed. */
const calls = (): CallSample[] => [call('login', 120), call('createOffer', 1_500), call('register', 80)];
const PATHS: ReportPaths = {
  reportMd: 'reports/run-synthetic/report.md',
  html: 'playwright-report/index.html',
  junit: 'reports/run-synthetic/junit.xml',
  allureResults: 'allure-results',
};
const passing = (): Report =>
  summarize([flow(1, 1, calls()), flow(2, 1, calls()), flow(2, 2, calls())], baseRunMeta({ runId: 'run-synthetic', levels: [1, 2] }));
const rowOf = (text: string, stage: string, op: string): string => {
  const block = text.split('\n\n').find((b) => b.startsWith(`${stage}  `))!;
  return block.split('\n').find((line) => line.trimStart().startsWith(`${op} `))!;
};

test('each op of each stage against its goals: ✓ under, ✗ at or above, no mark without a goal, "not measured" without a sample', () => {
  const text = terminalSummary(passing(), PATHS, { width: 120, color: false });
  for (const stage of ['C1', 'C2']) {
    expect(rowOf(text, stage, 'login')).toMatch(/^ {4}login +\d+ † +120 ms ✓ +120 ms ✓ +120 ms ✓ +300 ms \/ 1 s \/ 2 s$/);
    // createOffer: p50 goal 400 ms missed, p95 goal 1.5 s met exactly, which is a miss too; p99 watch 3 s held.
    expect(rowOf(text, stage, 'createOffer')).toMatch(/1\.5 s ✗ +1\.5 s ✗ +1\.5 s ✓ +400 ms \/ 1\.5 s \/ 3 s$/);
    expect(rowOf(text, stage, 'register')).toMatch(/80 ms +80 ms +80 ms +—$/);
    expect(rowOf(text, stage, 'register')).not.toMatch(/[✓✗]/);
    expect(rowOf(text, stage, 'createPaymentIntent')).toMatch(/^ {4}createPaymentIntent +— +not measured +750 ms \/ 3 s \/ 6 s$/);
  }
  // Every goal is a row, so nothing the goals name goes unmentioned.
  const c2 = text.split('\n\n').find((b) => b.startsWith('C2  '))!;
  for (const op of Object.keys(LATENCY_GOALS)) expect(c2).toMatch(new RegExp(`^ {4}${op} `, 'm'));
  expect(c2.split('\n')[0]).toBe('C2  PASS · 2/2 flows passed · no gate ran · p95 total 902 ms');
});

test('the run: result, safe concurrency, stop reason and the paths of report.md, HTML, JUnit and Allure', () => {
  const text = terminalSummary(passing(), PATHS, { width: 120, color: false });
  expect(text.split('\n')[0]).toBe('escrow-ramp · run run-synthetic · status mode · http://127.0.0.1:4000');
  expect(text).toContain('\n  result            PASS\n  safe concurrency  C2\n  stop reason       none: every selected stage ran\n');
  expect(text).toContain('\n  report.md         reports/run-synthetic/report.md\n');
  expect(text).toContain('\n  HTML report       playwright-report/index.html (npx playwright show-report)\n');
  expect(text).toContain('\n  JUnit             reports/run-synthetic/junit.xml\n');
  expect(text).toContain('\n  Allure            results allure-results; report: npm run report:allure → allure-report/index.html');
  // A reporter that did not run is not named.
  const bare = terminalSummary(passing(), { ...PATHS, html: null, junit: null, allureResults: null });
  expect(bare).not.toMatch(/HTML report|JUnit|Allure/);
});

test('a failed gate: the stage says so with each reason as ✗; the stop reason and safe concurrency follow', () => {
  const failed = flow(2, 2, calls(), {
    status: 'fail',
    classification: 'product',
    errors: [{ step: 'accept', message: 'boom', class: 'product' }],
  });
  const reasons = ['completed-flow success 50.0% below 100.0% for C2 (1 of 2 passed)'];
  const report = summarize(
    [flow(1, 1, calls()), flow(2, 1, calls()), failed],
    baseRunMeta({ levels: [1, 2], gates: { 2: { passed: false, reasons } } }),
  );
  const text = terminalSummary(report, PATHS, { width: 100, color: false });
  const c2 = text
    .split('\n\n')
    .find((b) => b.startsWith('C2  '))!
    .split('\n');
  expect(c2[0]).toBe('C2  FAIL · 1/2 flows passed · gate failed · p95 total 902 ms');
  expect(c2[1]).toBe(`    ✗ ${reasons[0]}`);
  expect(text).toContain('\n  result            FAIL\n  safe concurrency  C1\n');
  // Wrapped under its label at 100 columns.
  expect(text.replace(/\n {20}/g, ' ')).toContain(`  stop reason       ${report.stopReason}`);
});

test('a run in which no flow ran: NOT MEASURED with why, no stage table', () => {
  const report = summarize(
    [],
    baseRunMeta({ levels: [1], stopReason: 'no flow ran, nothing was measured: preflight check "target health" failed' }),
  );
  const text = terminalSummary(report, PATHS, { width: 100, color: false });
  expect(text).toContain('  result            NOT MEASURED\n  safe concurrency  not measured\n');
  expect(text).toContain('stop reason       no flow ran, nothing was measured: preflight check "target health" failed');
  expect(text).not.toContain('operation');
});

test('width-aware: no line wider than the terminal (a path is never broken); columns dropped as it narrows (goals, then n, then p50 and p99)', () => {
  const report = passing();
  report.safeConcurrencyNote = 'not claimed at C2 or above: the load generator was saturated there (worker event-loop delay p99 84 ms), so';
  const header = (width: number) =>
    terminalSummary(report, PATHS, { width, color: false })
      .split('\n')
      .find((l) => l.includes('operation'))!;
  for (const width of [60, 80, 100, 140]) {
    const lines = terminalSummary(report, PATHS, { width, color: false }).split('\n');
    for (const line of lines) expect(line.length, `${width}: "${line}"`).toBeLessThanOrEqual(width);
  }
  expect(header(140)).toMatch(/operation +n +p50 +p95 +p99 +goals p50 \/ p95 \/ p99$/);
  expect(header(80)).toMatch(/operation +n +p50 +p95 +p99$/);
  expect(header(50)).toMatch(/operation +p95$/);
  // Long prose wraps under its label.
  const wrapped = terminalSummary(report, PATHS, { width: 60, color: false }).split('\n');
  const at = wrapped.findIndex((l) => l.startsWith('  safe concurrency'));
  expect(wrapped[at + 1]).toMatch(/^ {20}\S/);
});

test('colour only when asked; no escape codes otherwise', () => {
  const plain = terminalSummary(passing(), PATHS, { width: 100, color: false });
  expect(plain).not.toMatch(ANSI);
  const colored = terminalSummary(passing(), PATHS, { width: 100, color: true });
  expect(colored).toContain(`${ESC}[32m✓${ESC}[0m`);
  expect(colored).toContain(`${ESC}[31m✗${ESC}[0m`);
  // The colours change nothing but the escape codes.
  expect(colored.replace(new RegExp(ANSI.source, 'g'), '')).toBe(plain);
});

test('summaryStyle: colour on a TTY without NO_COLOR; width from the TTY, else COLUMNS, else 100', () => {
  expect(summaryStyle({ isTTY: true, columns: 90 }, {})).toEqual({ width: 90, color: true });
  expect(summaryStyle({ isTTY: true, columns: 90 }, { NO_COLOR: '1' })).toEqual({ width: 90, color: false });
  expect(summaryStyle({ isTTY: true, columns: 90 }, { NO_COLOR: '' })).toEqual({ width: 90, color: true });
  expect(summaryStyle({ isTTY: false }, {})).toEqual({ width: 100, color: false });
  expect(summaryStyle({}, { COLUMNS: '72' })).toEqual({ width: 72, color: false });
});

test('reportPaths: the html, junit and Allure reporters of the config, their env overrides first; null when one did not run', () => {
  const cwd = '/work/repo';
  const config = {
    configFile: '/work/repo/playwright.config.ts',
    reporter: [
      ['list', undefined],
      ['html', { open: 'never' }],
      ['junit', { outputFile: 'reports/run-1/junit.xml' }],
      ['/work/repo/reporter/profile-reporter.ts', undefined],
      // As Playwright hands it over: resolved to the package's file.
      ['/work/repo/node_modules/allure-playwright/dist/cjs/index.js', { resultsDir: '/work/repo/allure-results' }],
    ] as [string, unknown][],
  };
  const reportMd = '/work/repo/reports/run-1/report.md';
  expect(reportPaths(reportMd, config, {}, cwd)).toEqual({
    reportMd: 'reports/run-1/report.md',
    html: 'playwright-report/index.html',
    junit: 'reports/run-1/junit.xml',
    allureResults: 'allure-results',
  });
  const fromEnv = reportPaths(
    reportMd,
    config,
    { PLAYWRIGHT_HTML_OUTPUT_DIR: '/tmp/html', PLAYWRIGHT_JUNIT_OUTPUT_FILE: 'out/j.xml' },
    cwd,
  );
  expect(fromEnv).toMatchObject({ html: '/tmp/html/index.html', junit: 'out/j.xml' });
  expect(reportPaths(reportMd, { reporter: [['list', undefined]] }, {}, cwd)).toEqual({
    reportMd: 'reports/run-1/report.md',
    html: null,
    junit: null,
    allureResults: null,
  });
  // playwright.config.ts names allure-playwright through reporter/allure-reporter.ts, resolved to its path.
  const wrapped = config.reporter.map(([name, options]) =>
    name.includes('allure-playwright') ? ['/work/repo/reporter/allure-reporter.ts', options] : [name, options],
  ) as [string, unknown][];
  expect(reportPaths(reportMd, { ...config, reporter: wrapped }, {}, cwd).allureResults).toBe('allure-results');
  // A path outside the working directory stays absolute; the summary then names the HTML folder for show-report.
  const elsewhere = reportPaths('/elsewhere/report.md', { ...config, configFile: '/elsewhere/pw.config.ts' }, {}, cwd);
  expect(elsewhere.reportMd).toBe(path.resolve('/elsewhere/report.md'));
  expect(terminalSummary(passing(), elsewhere, { width: 140, color: false })).toContain(
    '/elsewhere/playwright-report/index.html (npx playwright show-report /elsewhere/playwright-report)',
  );
});
