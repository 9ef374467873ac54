// The profile report one click away in Allure (issue 15, item 9): after a reporter run, the Allure results
// directory holds a "Profile report" result of the run with report.md, report.json and the charts attached.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FullConfig, FullResult, Suite } from '@playwright/test/reporter';
import { expect, test } from '@playwright/test';
import ProfileReporter from '../../reporter/profile-reporter.ts';
import { PROFILE_REPORT_TEST, reportSoFar, writeAllureProfileReport } from '../../reporter/run-attachments.ts';
import { flow, flowEnd, logged, METADATA, type TestEnd } from './support/profile-reporter-run.ts';

interface AllureResult {
  uuid: string;
  historyId: string;
  name: string;
  status: string;
  labels: { name: string; value: string }[];
  attachments: { name: string; source: string; type: string }[];
}

/** The reporter run as Playwright drives it, with allure-playwright among the config's reporters when `allureDir` is set. */
async function run(rootDir: string, ends: TestEnd[], allureDir?: string) {
  const reporter = new ProfileReporter({ outputDir: rootDir, progress: false, summary: false });
  const suite = { suites: [{ title: 'C1', allTests: () => ends.map((e) => e.test) }] };
  const config = {
    rootDir,
    metadata: METADATA,
    reporter: allureDir ? [['/x/node_modules/allure-playwright/dist/cjs/index.js', { resultsDir: allureDir }]] : [['list']],
  };
  reporter.onBegin(config as unknown as FullConfig, suite as unknown as Suite);
  for (const { test: t, result } of ends) reporter.onTestEnd(t, result);
  await logged(() => reporter.onEnd({ status: 'passed' } as FullResult));
}

const resultsIn = (dir: string): AllureResult[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as AllureResult);

test('a reporter run writes the profile report into the Allure results directory as one result with attachments', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'run-attachments-'));
  const allureDir = path.join(root, 'allure-results');
  await run(root, [flowEnd(flow(1, 1))], allureDir);

  const results = resultsIn(allureDir);
  expect(results).toHaveLength(1);
  const result = results[0]!;
  expect(result.name).toBe(PROFILE_REPORT_TEST);
  expect(result.status).toBe('passed');
  // The run's label: `npm run report:allure` builds one run and keeps this result with it.
  expect(result.labels).toContainEqual({ name: 'runId', value: METADATA.runId });
  expect(result.labels).toContainEqual({ name: 'suite', value: PROFILE_REPORT_TEST });
  const byName = new Map(result.attachments.map((a) => [a.name, a]));
  expect(byName.get('report.md')?.type).toBe('text/markdown');
  expect(byName.get('report.json')?.type).toBe('application/json');
  expect([...byName.keys()].some((n) => n.startsWith('charts/') && n.endsWith('.svg'))).toBe(true);
  // Each attachment is a file beside the result, the same bytes as the run's report folder.
  const reportMd = readFileSync(path.join(root, METADATA.runId, 'report.md'), 'utf8');
  expect(readFileSync(path.join(allureDir, byName.get('report.md')!.source), 'utf8')).toBe(reportMd);
  for (const a of result.attachments) expect(readdirSync(allureDir)).toContain(a.source);
});

test('the profile report keeps one history id across runs, and fails in Allure when the profile fails', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'run-attachments-'));
  const runDir = path.join(root, 'run-a');
  const allureDir = path.join(root, 'allure-results');
  mkdirSync(runDir, { recursive: true });
  writeFileSync(path.join(runDir, 'report.md'), '# Profile\n');
  const reportMd = path.join(runDir, 'report.md');
  writeAllureProfileReport(allureDir, reportMd, { runId: 'run-a', overall: 'pass', failedConditions: [] });
  writeAllureProfileReport(allureDir, reportMd, { runId: 'run-b', overall: 'fail', failedConditions: ['C8: p95 over goal'] });
  const results = resultsIn(allureDir);
  expect(results).toHaveLength(2);
  expect(new Set(results.map((r) => r.historyId)).size).toBe(1);
  const failed = results.find((r) => r.labels.some((l) => l.value === 'run-b'))!;
  expect(failed.status).toBe('failed');
  // Only report.md exists here: what is missing is left out, not attached empty.
  expect(failed.attachments.map((a) => a.name)).toEqual(['report.md']);
});

test('no report.md, or no allure-playwright among the reporters: nothing is written', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'run-attachments-'));
  expect(
    writeAllureProfileReport(path.join(root, 'a'), path.join(root, 'none', 'report.md'), {
      runId: 'r',
      overall: 'pass',
      failedConditions: [],
    }),
  ).toBeNull();
  await run(root, [flowEnd(flow(1, 1))]);
  expect(readdirSync(root)).not.toContain('allure-results');
});

test("the gate's report so far, for the HTML report: report.md of the flows so far, saying it is partial and where the full one is", () => {
  const text = reportSoFar(
    [flow(1, 1), flow(2, 1), flow(2, 2)],
    METADATA,
    [1, 2],
    { stage: 2, passed: true, reasons: [], flows: 2, notEvaluated: [] },
    'reports/run-e2e/report.md',
  );
  expect(text.split('\n')[0]).toContain('Partial report, rendered by the gate of stage 2');
  expect(text).toContain('reports/run-e2e/report.md');
  expect(text).toContain(METADATA.runId);
  expect(text).not.toContain('could not be rendered');
});
