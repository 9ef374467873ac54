// Fixed-duration mode in the report (issue 12, item 8): report.json and report.md state the mode and each stage's
// duration, and neither the progress line nor the Stage Results note counts towards level x rounds; hand-computed cases.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { FullConfig, FullResult, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { WORKER_RESULT_ATTACHMENT, WORKER_RESULT_CONTENT_TYPE, type WorkerResult } from '../../contract/worker-result.ts';
import ProfileReporter from '../../reporter/profile-reporter.ts';
import { renderMarkdown } from '../../reporter/render-markdown.ts';
import { Report } from '../../reporter/schema.ts';
import { summarize, type RunMeta } from '../../reporter/summarize.ts';
import { baseRunMeta, baseWorkerResult } from '../../reporter/synthetic.ts';

const T0 = 1_780_000_000_000;
const meta = (extra: Partial<RunMeta> = {}): RunMeta => baseRunMeta({ runId: 'run-length', ...extra });
/** C2 slot `slot`'s nth flow: released at T0 + 1 s, flows back to back, 4 s each; the last one ends at T0 + 22.3 s. */
const flow = (slot: number, nth: number, endedAt: number): WorkerResult =>
  baseWorkerResult({
    stage: 2,
    workerId: `C2-W0${slot}${nth > 1 ? `-R${nth}` : ''}`,
    paymentId: `p-${slot}-${nth}`,
    round: nth,
    barrierReleasedAt: T0 + 1_000,
    startedAt: endedAt - 4_000,
    endedAt,
    timingsMs: { ...baseWorkerResult().timingsMs, total: 2_000 },
  });
const fixedDuration = [
  ...[1, 2, 3, 4, 5].map((nth) => flow(1, nth, T0 + 1_000 + nth * 4_000)),
  ...[1, 2, 3, 4, 5].map((nth) => flow(2, nth, T0 + 2_300 + nth * 4_000)),
];

test('fixed-duration mode: report.json says the mode and each stage its duration and how long it ran from the release', () => {
  const report = summarize(fixedDuration, meta({ stageDurationMs: 20_000 }));
  expect(report.stageLength).toEqual({ mode: 'fixed-duration', rounds: null, durationMs: 20_000 });
  // The last flow ends at T0 + 2.3 s + 5 x 4 s = T0 + 22.3 s; the barrier released at T0 + 1 s: 21.3 s.
  expect(report.stages[0]).toMatchObject({ stage: 2, flows: 10, pass: 10, durationMs: 20_000, releasedToEndMs: 21_300 });
});

test('fixed-duration mode: report.md states it in the summary and in Stage Results, never level × rounds', () => {
  const md = renderMarkdown(summarize(fixedDuration, meta({ stageDurationMs: 20_000 })));
  expect(md).toContain(
    "- Stage length: fixed duration, 20 s per stage (STAGE_DURATION): each of a stage's level slots started flows back to back until 20 s after the barrier's release",
  );
  expect(md).toContain(
    "Pass/Fail count flows (every flow started within the stage's fixed duration, 20 s (STAGE_DURATION), back to back in each of level slots).",
  );
  expect(md).toContain("Stage length: C2 20 s fixed duration: 10 flows, 21.3 s from the barrier's release to the last flow's end.");
  expect(md).not.toContain('level × rounds');
  expect(md).not.toContain('level × ROUNDS');
});

test('rounds mode: the rounds when the run says them, ROUNDS when it does not', () => {
  const two = [flow(1, 1, T0 + 5_000), flow(2, 1, T0 + 5_000), flow(1, 2, T0 + 9_000), flow(2, 2, T0 + 9_000)];
  const report = summarize(two, meta({ rounds: 2 }));
  expect(report.stageLength).toEqual({ mode: 'rounds', rounds: 2, durationMs: null });
  expect(report.stages[0]!.durationMs).toBeNull();
  const md = renderMarkdown(report);
  expect(md).toContain('- Stage length: 2 rounds per stage (ROUNDS): level × 2 flows per stage');
  expect(md).toContain('Pass/Fail count flows (level × 2, every round).');
  expect(md).toContain("Stage length: C2 rounds: 4 flows, 8 s from the barrier's release to the last flow's end.");
  expect(renderMarkdown(summarize(two, meta()))).toContain('Pass/Fail count flows (level × ROUNDS, every round).');
});

/** Progress lines of a C2 run whose two tests (repeat indexes 0 and 1) report `perTest` flows each, in turn. */
function progressLines(metadata: Record<string, unknown>, perTest: number[][]): string[] {
  const reporter = new ProfileReporter({ outputDir: '/nonexistent' });
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    reporter.onBegin(
      { rootDir: '/', metadata: { runId: 'run-length', mode: 'status', levels: [2], ...metadata } } as unknown as FullConfig,
      // Fixed-duration mode: one test per worker (repeatEach = workers = 2), each running flows until the deadline.
      { suites: [{ title: 'C2', allTests: () => [{ repeatEachIndex: 0 }, { repeatEachIndex: 1 }] }] } as unknown as Suite,
    );
    perTest.forEach((nths, slot) => {
      const attachments = nths.map((nth) => ({
        name: WORKER_RESULT_ATTACHMENT,
        contentType: WORKER_RESULT_CONTENT_TYPE,
        body: Buffer.from(JSON.stringify(flow(slot + 1, nth, T0 + nth * 4_000))),
      }));
      const testCase = {
        parent: { project: () => ({ name: 'C2' }) },
        titlePath: () => ['', 'C2', 'escrow-flow.spec.ts', 'escrow flow'],
        repeatEachIndex: slot,
      } as unknown as TestCase;
      reporter.onTestEnd(testCase, {
        retry: 0,
        status: 'passed',
        attachments,
        startTime: new Date(T0),
        duration: 20_000,
      } as unknown as TestResult);
    });
  } finally {
    console.log = log;
  }
  return lines;
}

test('the progress line in fixed-duration mode counts flows done, with no total; in rounds mode done of level × rounds', () => {
  // Before: "C2  3/2 flows", a total of one flow per test that fixed-duration mode runs past.
  expect(
    progressLines({ stageDurationMs: 20_000 }, [
      [1, 2, 3],
      [1, 2],
    ]),
  ).toEqual([
    'C2  3 flows (fixed duration 20 s) · p95 total 2 s · 0 failed',
    'C2  5 flows (fixed duration 20 s) · p95 total 2 s · 0 failed',
  ]);
  expect(progressLines({}, [[1], [1]])).toEqual(['C2  1/2 flows · p95 total 2 s · 0 failed', 'C2  2/2 flows · p95 total 2 s · 0 failed']);
});

test("without the metadata key the runner's own STAGE_DURATION says it", () => {
  const before = process.env.STAGE_DURATION;
  process.env.STAGE_DURATION = '20s';
  try {
    expect(progressLines({}, [[1, 2, 3]])[0]).toBe('C2  3 flows (fixed duration 20 s) · p95 total 2 s · 0 failed');
  } finally {
    if (before === undefined) delete process.env.STAGE_DURATION;
    else process.env.STAGE_DURATION = before;
  }
});

test('ROUNDS as the stage projects ran it (repeatEach = workers × ROUNDS) when the metadata does not say it', async ({}, testInfo) => {
  const dir = testInfo.outputPath('out');
  const reporter = new ProfileReporter({ outputDir: dir, progress: false });
  const flows = [flow(1, 1, T0 + 5_000), flow(2, 1, T0 + 5_000), flow(1, 2, T0 + 9_000), flow(2, 2, T0 + 9_000)];
  const ends = flows.map((f, i) => ({
    test: {
      parent: { project: () => ({ name: 'C2' }) },
      titlePath: () => ['', 'C2', 'escrow-flow.spec.ts', 'escrow flow'],
      repeatEachIndex: i,
    } as unknown as TestCase,
    result: {
      retry: 0,
      status: 'passed',
      attachments: [{ name: WORKER_RESULT_ATTACHMENT, contentType: WORKER_RESULT_CONTENT_TYPE, body: Buffer.from(JSON.stringify(f)) }],
      startTime: new Date(T0),
      duration: 5_000,
    } as unknown as TestResult,
  }));
  // C2 on 2 workers, repeatEach 4: 2 rounds.
  const project = { title: 'C2', project: () => ({ repeatEach: 4 }), allTests: () => ends.map((e) => e.test) };
  const log = console.log;
  console.log = () => undefined;
  try {
    reporter.onBegin(
      { rootDir: dir, metadata: { runId: 'run-length', mode: 'status' } } as unknown as FullConfig,
      {
        suites: [project],
      } as unknown as Suite,
    );
    for (const e of ends) reporter.onTestEnd(e.test, e.result);
    await reporter.onEnd({ status: 'passed' } as FullResult);
  } finally {
    console.log = log;
  }
  const report = Report.parse(JSON.parse(readFileSync(path.join(dir, 'run-length', 'report.json'), 'utf8')));
  expect(report.stageLength).toEqual({ mode: 'rounds', rounds: 2, durationMs: null });
  expect(readFileSync(path.join(dir, 'run-length', 'report.md'), 'utf8')).toContain('Pass/Fail count flows (level × 2, every round).');
});
