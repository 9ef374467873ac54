import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { FullConfig, FullResult, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { WORKER_RESULT_ATTACHMENT, WORKER_RESULT_CONTENT_TYPE, WorkerResult } from '../../contract/worker-result.ts';
import ProfileReporter from '../../reporter/profile-reporter.ts';
import { GATE_RESULT_ATTACHMENT, INFRA_ROW_ATTACHMENT, Report } from '../../reporter/schema.ts';
import { baseWorkerResult } from '../../reporter/synthetic.ts';

type Attachment = TestResult['attachments'][number];
interface TestEnd {
  test: TestCase;
  result: TestResult;
}

const T0 = Date.UTC(2026, 5, 6, 12);
const METADATA = { runId: 'run-e2e', mode: 'status', target: 'sandbox', levels: [1, 2] };

const attachment = (name: string, body: unknown, contentType: string): Attachment => ({
  name,
  contentType,
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});
const workerAttachment = (body: unknown, contentType = WORKER_RESULT_CONTENT_TYPE) =>
  attachment(WORKER_RESULT_ATTACHMENT, body, contentType);

function testEnd(
  project: string,
  title: string,
  attachments: Attachment[],
  status: TestResult['status'] = 'passed',
  repeatEachIndex = 0,
): TestEnd {
  const test = {
    parent: { project: () => ({ name: project }) },
    titlePath: () => ['', project, 'escrow-flow.spec.ts', title],
    repeatEachIndex,
  };
  const result = { retry: 0, status, attachments, startTime: new Date(T0), duration: 3_000, parallelIndex: repeatEachIndex };
  return { test: test as unknown as TestCase, result: result as unknown as TestResult };
}

function flow(stage: number, n: number, extra: Partial<WorkerResult> = {}): WorkerResult {
  const workerId = `C${stage}-W${String(n).padStart(2, '0')}`;
  return baseWorkerResult({
    stage,
    workerId,
    runId: `run-e2e-${workerId}`,
    // Each flow has its own payment: ids shared between flows are a stop condition.
    paymentId: `payment-${workerId}`,
    startedAt: T0 + n,
    endedAt: T0 + 2_000 + n,
    timingsMs: { ...baseWorkerResult().timingsMs, total: 2_000 },
    calls: [{ op: 'login', status: 200, outcome: 'ok', startedAt: T0 + n, durationMs: 100 + n, timedOut: false }],
    notifications: [{ step: 'offer_accepted', recipient: 'seller-1', observed: true, latencyMs: 300 + n, duplicates: 0 }],
    ...extra,
  });
}
const flowEnd = (result: WorkerResult, status: TestResult['status'] = 'passed') =>
  testEnd(`C${result.stage}`, `escrow flow`, [workerAttachment(result)], status, Number(result.workerId.slice(-2)) - 1);

async function runReporter(
  rootDir: string,
  ends: TestEnd[],
  options: { metadata?: Record<string, unknown>; outputDir?: string; status?: FullResult['status'] } = {},
) {
  const reporter = new ProfileReporter({ outputDir: options.outputDir ?? rootDir, progress: false });
  const projects = [...new Set(ends.map((e) => e.test.parent.project()!.name))];
  const suite = {
    suites: projects.map((title) => ({ title, allTests: () => ends.filter((e) => e.test.parent.project()!.name === title) })),
  };
  reporter.onBegin({ rootDir, metadata: options.metadata ?? METADATA } as unknown as FullConfig, suite as unknown as Suite);
  for (const { test, result } of ends) reporter.onTestEnd(test, result);
  return reporter.onEnd({ status: options.status ?? 'passed' } as FullResult);
}

/** console.log lines written while `work` runs. */
async function logged<T>(work: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    return { value: await work(), lines };
  } finally {
    console.log = log;
  }
}
const readReport = (runDir: string) => Report.parse(JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8')));
/** Every file under dir, relative, sorted. */
const filesUnder = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort();

test('writes report.md, report.json, a worker file per flow and the charts under outputDir/<runId>', async ({}, testInfo) => {
  const dir = testInfo.outputPath('out');
  await runReporter(dir, [flowEnd(flow(1, 1)), flowEnd(flow(2, 1)), flowEnd(flow(2, 2))]);
  const runDir = path.join(dir, 'run-e2e');
  expect(filesUnder(runDir)).toEqual([
    'charts/flows-per-second.svg',
    'charts/latency-over-time-C1.svg',
    'charts/latency-over-time-C2.svg',
    'charts/notification-latency.svg',
    'charts/p95-by-operation.svg',
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
  expect(md).toContain('![p95 latency per operation by stage](charts/p95-by-operation.svg)');
  expect(readFileSync(path.join(runDir, 'charts/p95-by-operation.svg'), 'utf8')).toMatch(/^<svg /);
});

test('gives the same report whatever order results arrive in, as merge-reports of shards does', async ({}, testInfo) => {
  const ends = [flowEnd(flow(1, 1)), flowEnd(flow(2, 1)), flowEnd(flow(2, 2), 'failed')];
  await runReporter(testInfo.outputPath('a'), ends);
  await runReporter(testInfo.outputPath('b'), [...ends].reverse());
  const comparable = (dir: string) => ({ ...readReport(path.join(dir, 'run-e2e')), generatedAt: '' });
  expect(comparable(testInfo.outputPath('b'))).toEqual(comparable(testInfo.outputPath('a')));
});

test('a malformed or mistyped worker result becomes a collection error, a missing one a flow the runner reports; both fail the stage', async ({}, testInfo) => {
  const dir = testInfo.outputPath('out');
  await runReporter(dir, [
    flowEnd(flow(1, 1)),
    testEnd('C2', 'not json', [workerAttachment('{oops')]),
    testEnd('C2', 'wrong shape', [workerAttachment({ workerId: 7 })]),
    testEnd('C2', 'wrong type', [workerAttachment(flow(2, 3), 'application/json')]),
    testEnd('C2', 'no attachment', [], 'timedOut'),
  ]);
  const report = readReport(path.join(dir, 'run-e2e'));
  expect(report.collectionErrors.map((e) => [e.stage, e.test.split(' › ').pop(), e.message.split(':')[0]])).toEqual([
    [2, 'not json (retry 0)', 'escrow-worker-result is not JSON'],
    [2, 'wrong shape (retry 0)', 'escrow-worker-result does not match its schema'],
    [2, 'wrong type (retry 0)', `escrow-worker-result has content type "application/json", expected "${WORKER_RESULT_CONTENT_TYPE}"`],
  ]);
  expect(report.stages[1]).toMatchObject({ stage: 2, flows: 1, fail: 1, runnerReported: 1, collectionErrors: 3, passed: false });
  expect(report.stages[1]!.failures[0]!.examples[0]).toContain('the flow did not report a result (test timedOut)');
  expect(report).toMatchObject({ overall: 'fail', safeConcurrency: 1 });
  expect(report.findings.map((f) => f.title)).toContain('Worker results missing or unreadable');
});

test('a failed test whose worker result says pass counts against its stage', async ({}, testInfo) => {
  const dir = testInfo.outputPath('out');
  await runReporter(dir, [flowEnd(flow(1, 1), 'timedOut')]);
  const report = readReport(path.join(dir, 'run-e2e'));
  expect(report.collectionErrors.map((e) => e.message)).toEqual(['test ended timedOut but worker result C1-W01 says pass']);
  expect(report.stages[0]!.passed).toBe(false);
});

test('a failed multi-flow test (FLOWS_PER_WORKER) with one failed flow does not flag its passing siblings', async ({}, testInfo) => {
  const dir = testInfo.outputPath('out');
  const both = [flow(2, 1), { ...flow(2, 2), status: 'fail' as const, classification: 'product' as const }];
  await runReporter(dir, [
    testEnd(
      'C2',
      'escrow flow',
      both.map((f) => workerAttachment(f)),
      'failed',
    ),
  ]);
  const report = readReport(path.join(dir, 'run-e2e'));
  expect(report.collectionErrors).toEqual([]);
  expect(report.stages[0]).toMatchObject({ flows: 2, pass: 1, fail: 1 });
});

test('collects gate verdicts and infrastructure rows from their attachments', async ({}, testInfo) => {
  const dir = testInfo.outputPath('out');
  const gate = testEnd('gates', 'C2 gate', [
    attachment(GATE_RESULT_ATTACHMENT, { stage: 2, passed: false, reasons: ['5xx 2% > 1%'] }, 'application/json'),
    attachment(
      INFRA_ROW_ATTACHMENT,
      { stage: 2, backend: '40% / 300 MB', scanner: '5% / 80 MB', mongo: 'n/a', postgres: '12 conns', redis: 'n/a', restarts: 1 },
      'application/json',
    ),
  ]);
  await runReporter(dir, [flowEnd(flow(1, 1)), flowEnd(flow(2, 1)), gate]);
  const report = readReport(path.join(dir, 'run-e2e'));
  expect(report.stages[1]!.gate).toEqual({ passed: false, reasons: ['5xx 2% > 1%'] });
  expect(report.infrastructure.rows.map((r) => r.restarts)).toEqual([1]);
  expect(report).toMatchObject({ safeConcurrency: 1, stopReason: 'C2 failed: gate: 5xx 2% > 1%' });
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

test('secrets in worker results and metadata reach no output file', async ({}, testInfo) => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJidXllciJ9.c2lnbmF0dXJlLXNlY3JldA';
  const privateKey = `0x${'4f'.repeat(32)}`;
  const leaky = flow(1, 1, {
    status: 'fail',
    classification: 'setup',
    errors: [{ step: 'login', message: `login with ${jwt} against postgres://u:pw@host:5432/escrow failed`, class: 'setup' }],
    evidence: [`ledger read from postgres://u:pw@host/escrow with Bearer ${jwt}`],
    target: { url: 'http://admin:s3cretpw@127.0.0.1:4000', versions: { backend: { version: '0.1.0' } } },
  });
  const body = { ...leaky, privateKey, target: { ...leaky.target, privateKey } };
  const dir = testInfo.outputPath('out');
  const gate = attachment(
    GATE_RESULT_ATTACHMENT,
    { stage: 1, passed: false, reasons: [`login with ${jwt} answered 500`] },
    'application/json',
  );
  await runReporter(
    dir,
    [
      testEnd('C1', 'leaky flow', [workerAttachment(body)], 'failed'),
      testEnd('C1', 'leaky garbage', [workerAttachment(`{"privateKey": "${privateKey}", "token": "${jwt}"`)], 'failed'),
      testEnd('gates', 'C1 gate', [gate]),
    ],
    { metadata: { ...METADATA, target: 'postgres://u:pw@host:5432/escrow', privateKey } },
  );
  const runDir = path.join(dir, 'run-e2e');
  const files = filesUnder(runDir);
  expect(files).toContain('workers/C1-W01.json');
  for (const file of files) {
    const text = readFileSync(path.join(runDir, file), 'utf8');
    for (const secret of [jwt, privateKey, 'u:pw@', 's3cretpw']) expect(text, `${secret} in ${file}`).not.toContain(secret);
  }
  expect(readFileSync(path.join(runDir, 'report.md'), 'utf8')).toContain('postgres://u:***@host:5432/escrow');
  expect(readReport(runDir).stages[0]!.gate).toEqual({ passed: false, reasons: ['login with *** answered 500'] });
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
