// The profile reporter's output: the files it writes and where, the same report in any order,
// progress lines, and the run's status following the profile. Attachments: reporter-profile-reporter-attachments.spec.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { FullConfig, FullResult, Suite } from '@playwright/test/reporter';
import { WorkerResult } from '../../contract/worker-result.ts';
import ProfileReporter from '../../reporter/profile-reporter.ts';
import { filesUnder, flow, flowEnd, logged, METADATA, readReport, runReporter, T0 } from './support/profile-reporter-run.ts';

test('writes report.md, report.json, a worker file per flow and the charts under outputDir/<runId>', async ({}, testInfo) => {
  const dir = testInfo.outputPath('out');
  await runReporter(dir, [flowEnd(flow(1, 1)), flowEnd(flow(2, 1)), flowEnd(flow(2, 2))]);
  const runDir = path.join(dir, 'run-e2e');
  expect(filesUnder(runDir)).toEqual([
    'charts/flows-per-stage.svg',
    'charts/latency-by-operation.svg',
    'charts/latency-over-time-C1.svg',
    'charts/latency-over-time-C2.svg',
    'charts/notification-latency.svg',
    'report.json',
    'report.md',
    'workers/C1-W01.json',
    'workers/C2-W01.json',
    'workers/C2-W02.json',
  ]);
  const report = readReport(runDir);
  expect(report).toMatchObject({
    runId: 'run-e2e',
    mode: 'status',
    target: 'http://127.0.0.1:4000',
    overall: 'pass',
    safeConcurrency: 2,
    levels: [1, 2],
  });
  expect(report.stages.map((s) => [s.stage, s.flows, s.pass, s.ops.login!.p50])).toEqual([
    [1, 1, 1, 101],
    [2, 2, 2, 101],
  ]);
  expect(WorkerResult.parse(JSON.parse(readFileSync(path.join(runDir, 'workers/C2-W02.json'), 'utf8')))).toEqual(flow(2, 2));
  const md = readFileSync(path.join(runDir, 'report.md'), 'utf8');
  expect(md).toContain('![Latency per operation by stage, against its goal](charts/latency-by-operation.svg)');
  expect(readFileSync(path.join(runDir, 'charts/latency-by-operation.svg'), 'utf8')).toMatch(/^<svg /);
});

test('gives the same report whatever order results arrive in, as merge-reports of shards does', async ({}, testInfo) => {
  const ends = [flowEnd(flow(1, 1)), flowEnd(flow(2, 1)), flowEnd(flow(2, 2), 'failed')];
  await runReporter(testInfo.outputPath('a'), ends);
  await runReporter(testInfo.outputPath('b'), [...ends].reverse());
  const comparable = (dir: string) => ({ ...readReport(path.join(dir, 'run-e2e')), generatedAt: '' });
  expect(comparable(testInfo.outputPath('b'))).toEqual(comparable(testInfo.outputPath('a')));
});

test('without metadata the run id, mode and target come from the results; without outputDir it writes where config/paths.ts says', async ({}, testInfo) => {
  const reportsDir = testInfo.outputPath('reports-dir');
  const before = process.env.REPORTS_DIR;
  process.env.REPORTS_DIR = reportsDir;
  try {
    const reporter = new ProfileReporter({ progress: false });
    const end = flowEnd(flow(1, 1));
    reporter.onBegin(
      { rootDir: testInfo.outputPath(), metadata: {} } as unknown as FullConfig,
      { suites: [{ title: 'C1', allTests: () => [end.test] }] } as unknown as Suite,
    );
    reporter.onTestEnd(end.test, end.result);
    await reporter.onEnd({ status: 'passed' } as FullResult);
  } finally {
    if (before === undefined) delete process.env.REPORTS_DIR;
    else process.env.REPORTS_DIR = before;
  }
  expect(readReport(path.join(reportsDir, 'run-e2e'))).toMatchObject({
    runId: 'run-e2e',
    mode: 'status',
    target: 'http://127.0.0.1:4000',
    levels: [1],
  });
});

test('prints one progress line per finished flow of a stage, counting its tests over every shard', async ({}, testInfo) => {
  const reporter = new ProfileReporter({ outputDir: testInfo.outputPath('out') });
  const ends = [
    flowEnd(flow(8, 1)),
    flowEnd({ ...flow(8, 2), status: 'fail', timingsMs: { ...flow(8, 2).timingsMs, total: 2_100 } }, 'failed'),
  ];
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    reporter.onBegin(
      { rootDir: testInfo.outputPath(), metadata: METADATA } as unknown as FullConfig,
      // merge-reports hands one project suite per shard blob
      {
        suites: [1, 2].map(() => ({ title: 'C8', allTests: () => Array.from({ length: 4 }, (_, i) => ({ repeatEachIndex: i })) })),
      } as unknown as Suite,
    );
    for (const { test, result } of ends) reporter.onTestEnd(test, result);
  } finally {
    console.log = log;
  }
  expect(reporter.printsToStdio()).toBe(false);
  expect(lines).toEqual(['C8  1/8 flows · p95 total 2 s · 0 failed', 'C8  2/8 flows · p95 total 2.1 s · 1 failed']);
});

/** A flow whose create-payment-intent call took `ms`: two such stages in a row are a stop condition (no flow fails). */
const slowIntent = (stage: number, n: number, ms: number) =>
  flow(stage, n, {
    calls: [{ op: 'createPaymentIntent', status: 201, outcome: 'ok', startedAt: T0 + n, durationMs: ms, timedOut: false }],
  });

test("a profile FAIL fails a run Playwright passed: gate conditions judged from the stages' own results, printed at the end", async ({}, testInfo) => {
  const dir = testInfo.outputPath('out');
  // C1 and C2 ran without gate projects; every flow passed, but p95 create payment intent is above 10 s in both.
  const ends = [flowEnd(slowIntent(1, 1, 10_500)), flowEnd(slowIntent(2, 1, 10_600)), flowEnd(slowIntent(2, 2, 10_700))];
  const { value, lines } = await logged(() => runReporter(dir, ends));
  expect(value).toEqual({ status: 'failed' });
  const report = readReport(path.join(dir, 'run-e2e'));
  expect(report).toMatchObject({ overall: 'fail', safeConcurrency: 1 });
  expect(report.failedConditions).toEqual([
    'C2: gate: p95 create payment intent above 10000 ms for 2 consecutive stages (C1 10500 ms, C2 10700 ms)',
  ]);
  expect(lines.at(-2)).toMatch(/^escrow-ramp report: .*report\.md \(fail, safe concurrency C1\)$/);
  expect(lines.at(-1)).toBe(
    'escrow-ramp: the profile is FAIL, so the run fails; stop condition(s):\n' +
      '  - C2: gate: p95 create payment intent above 10000 ms for 2 consecutive stages (C1 10500 ms, C2 10700 ms)',
  );
});

test('a passing profile leaves the status alone; an interrupted or already failed run keeps its own', async ({}, testInfo) => {
  const pass = await logged(() => runReporter(testInfo.outputPath('pass'), [flowEnd(flow(1, 1)), flowEnd(flow(2, 1))]));
  expect(pass.value).toBeUndefined();
  expect(pass.lines).toHaveLength(1);
  const failing = [flowEnd(flow(1, 1)), flowEnd({ ...flow(2, 1), status: 'fail', classification: 'product' }, 'failed')];
  for (const status of ['interrupted', 'timedout', 'failed'] as const) {
    const { value, lines } = await logged(() => runReporter(testInfo.outputPath(status), failing, { status }));
    expect(value, status).toBeUndefined();
    expect(lines.at(-1), status).toBe(
      'escrow-ramp: the profile is FAIL; stop condition(s):\n' +
        '  - C2: 1 of 1 flows failed (product 1)\n' +
        '  - C2: gate: completed-flow success 0.0% below 100.0% for C2 (0 of 1 passed)',
    );
  }
});

test('a run in which no flow ran (the preflight failed) is not measured, not a FAIL with safe concurrency none', async ({}, testInfo) => {
  const dir = testInfo.outputPath('out');
  const reporter = new ProfileReporter({ outputDir: dir, progress: false });
  const { value, lines } = await logged(async () => {
    // Playwright calls onBegin with an empty suite when global setup threw, and reports the error through onError.
    reporter.onBegin({ rootDir: dir, metadata: METADATA } as unknown as FullConfig, { suites: [] } as unknown as Suite);
    reporter.onError({
      message:
        'PreflightError: preflight check "target health" failed, no flow ran\n  cannot reach BASE_URL=http://u:s3cretpw@127.0.0.1:9: connect ECONNREFUSED',
    });
    return reporter.onEnd({ status: 'failed' } as FullResult);
  });
  expect(value).toBeUndefined();
  const report = readReport(path.join(dir, 'run-e2e'));
  expect(report).toMatchObject({
    overall: 'not-measured',
    safeConcurrency: null,
    stages: [],
    failedConditions: [],
    stopReason: 'no flow ran, nothing was measured: preflight check "target health" failed',
  });
  expect(lines).toEqual([
    `escrow-ramp report: ${path.join(dir, 'run-e2e', 'report.md')} (not measured: no flow ran, nothing was measured: preflight check "target health" failed)`,
  ]);
  const md = readFileSync(path.join(dir, 'run-e2e', 'report.md'), 'utf8');
  expect(md).toContain('- Overall result: NOT MEASURED, no flow ran, nothing was measured: preflight check "target health" failed');
  expect(md).toContain('- Current safe dev concurrency: not measured (no flow ran)');
  expect(md).not.toContain('safe concurrency none');
});
