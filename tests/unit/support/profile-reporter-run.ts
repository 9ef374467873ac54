// The profile reporter driven as Playwright drives it, for its unit tests: test ends
// with attachments, a run from onBegin to onEnd, and readers for what it wrote.
import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import path from 'node:path';
import type { FullConfig, FullResult, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { WORKER_RESULT_ATTACHMENT, WORKER_RESULT_CONTENT_TYPE, type WorkerResult } from '../../../contract/worker-result.ts';
import ProfileReporter from '../../../reporter/profile-reporter.ts';
import { Report } from '../../../reporter/schema.ts';
import { baseWorkerResult } from '../../../reporter/synthetic.ts';

export type Attachment = TestResult['attachments'][number];
export interface TestEnd {
  test: TestCase;
  result: TestResult;
}

export const T0 = Date.UTC(2026, 5, 6, 12);
export const METADATA = { runId: 'run-e2e', mode: 'status', target: 'sandbox', levels: [1, 2] };

export const attachment = (name: string, body: unknown, contentType: string): Attachment => ({
  name,
  contentType,
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});
export const workerAttachment = (body: unknown, contentType = WORKER_RESULT_CONTENT_TYPE) =>
  attachment(WORKER_RESULT_ATTACHMENT, body, contentType);

export function testEnd(
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

export function flow(stage: number, n: number, extra: Partial<WorkerResult> = {}): WorkerResult {
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
export const flowEnd = (result: WorkerResult, status: TestResult['status'] = 'passed') =>
  testEnd(`C${result.stage}`, `escrow flow`, [workerAttachment(result)], status, Number(result.workerId.slice(-2)) - 1);

export async function runReporter(
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
export async function logged<T>(work: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    return { value: await work(), lines };
  } finally {
    console.log = log;
  }
}
export const readReport = (runDir: string) => Report.parse(JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8')));
/** Every file under dir, relative, sorted. */
export const filesUnder = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort();
