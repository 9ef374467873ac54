// Every round counts (issue 12, item 11): with ROUNDS > 1 the gate and the report judge all of a stage's flows,
// whatever their ids; nothing is overwritten or dropped.
import { expect, test } from '@playwright/test';
import type { FullConfig, FullResult, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WORKER_RESULT_ATTACHMENT, WORKER_RESULT_CONTENT_TYPE, type WorkerResult } from '../../contract/worker-result.ts';
import { evaluateGate } from '../../reporter/gates.ts';
import { gatesByStage } from '../../reporter/collect.ts';
import ProfileReporter from '../../reporter/profile-reporter.ts';
import { Report } from '../../reporter/schema.ts';
import { summarizeStage } from '../../reporter/summarize.ts';
import { baseWorkerResult } from '../../reporter/synthetic.ts';

const T0 = Date.UTC(2026, 5, 6, 12);
const missing = [{ step: 'delivery_submitted', recipient: 'buyer', observed: false, latencyMs: null, duplicates: 0 }];

/** C2 with ROUNDS=2: repeat indexes 0..3, ids as config/flow-id.ts names them. */
const ROUND_IDS = ['C2-W01', 'C2-W02', 'C2-W01-R2', 'C2-W02-R2'];
const round = (i: number, extra: Partial<WorkerResult> = {}): WorkerResult =>
  baseWorkerResult({
    stage: 2,
    workerId: ROUND_IDS[i]!,
    runId: `run-r-${ROUND_IDS[i]}`,
    round: i < 2 ? 1 : 2,
    paymentId: `p-${i}`,
    destination: `0x${i}`,
    startedAt: T0 + i * 1_000,
    endedAt: T0 + i * 1_000 + 900,
    ...extra,
  });

const judge = (results: WorkerResult[], expectedFlows?: number) =>
  evaluateGate({ stage: summarizeStage(2, results, null, 0), previous: [], results, mode: 'status', expectedFlows });

test('the gate judges every round: 4 flows of C2 x 2 rounds, and a failure in round 2 is seen', () => {
  const all = [0, 1, 2, 3].map((i) => round(i));
  expect(judge(all, 4)).toMatchObject({ stage: 2, passed: true, reasons: [], flows: 4 });
  const secondRoundFails = [round(0), round(1), round(2), round(3, { status: 'fail', classification: 'product' })];
  expect(judge(secondRoundFails, 4).reasons).toContain('completed-flow success 75.0% below 100.0% for C2 (3 of 4 passed)');
});

test('fewer results than level x ROUNDS fail the gate: a flow that went unjudged is named as such', () => {
  // The old ids repeated across rounds, so round 2 overwrote round 1's files: the gate saw 2 of 4.
  expect(judge([round(2), round(3)], 4)).toMatchObject({
    passed: false,
    flows: 2,
    reasons: ['only 2 of 4 flows of C2 have a result to judge: every flow of every round must be judged'],
  });
  // Fixed-duration mode and shards give no count: the gate judges what it has.
  expect(judge([round(2), round(3)])).toMatchObject({ passed: true, flows: 2 });
});

test('two results with one id are two flows: a known gap in one does not excuse a missing notification in the other', () => {
  const sameId = [
    round(0, { notifications: missing, status: 'fail', classification: 'known-gap' }),
    round(2, { workerId: 'C2-W01', notifications: missing }),
  ];
  expect(judge(sameId).reasons).toContain('P0 expected notification missing without known-gap classification: 1 in C2');
});

test("shards' gates of one stage add up the flows they judged", () => {
  expect(
    gatesByStage([
      { stage: 2, passed: true, reasons: [], flows: 2 },
      { stage: 2, passed: true, reasons: [], flows: 2 },
      { stage: 4, passed: true, reasons: [] },
    ]),
  ).toEqual({ 2: { passed: true, reasons: [], flows: 4 }, 4: { passed: true, reasons: [] } });
});

test('the reporter keeps every round: 4 results, 4 distinct worker files, the gate counted 4 flows', async ({}, testInfo) => {
  const dir = testInfo.outputPath('out');
  const reporter = new ProfileReporter({ outputDir: dir, progress: false });
  const testEnd = (project: string, repeatEachIndex: number, attachments: TestResult['attachments']) => ({
    test: {
      parent: { project: () => ({ name: project }) },
      titlePath: () => ['', project, 'spec'],
      repeatEachIndex,
    } as unknown as TestCase,
    result: { retry: 0, status: 'passed', attachments } as unknown as TestResult,
  });
  const ends = [
    ...[0, 1, 2, 3].map((i) =>
      testEnd('C2', i, [
        { name: WORKER_RESULT_ATTACHMENT, contentType: WORKER_RESULT_CONTENT_TYPE, body: Buffer.from(JSON.stringify(round(i))) },
      ]),
    ),
    testEnd('gate-C2', 0, [
      {
        name: 'escrow-gate-result',
        contentType: 'application/json',
        body: Buffer.from(JSON.stringify({ stage: 2, passed: true, reasons: [], flows: 4 })),
      },
    ]),
  ];
  reporter.onBegin(
    { rootDir: dir, metadata: { runId: 'run-r', mode: 'status', levels: [2] } } as unknown as FullConfig,
    { suites: [{ title: 'C2', allTests: () => ends.slice(0, 4).map((e) => e.test) }] } as unknown as Suite,
  );
  for (const { test, result } of ends) reporter.onTestEnd(test, result);
  await reporter.onEnd({ status: 'passed' } as FullResult);
  const runDir = path.join(dir, 'run-r');
  const report = Report.parse(JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8')));
  expect(report.stages[0]).toMatchObject({ stage: 2, flows: 4, pass: 4, gate: { passed: true, flows: 4 } });
  expect(readdirSync(path.join(runDir, 'workers')).sort()).toEqual(['C2-W01-R2.json', 'C2-W01.json', 'C2-W02-R2.json', 'C2-W02.json']);
  expect(readFileSync(path.join(runDir, 'report.md'), 'utf8')).toContain(
    'C2 4 started = 4 reported (4 pass, 0 fail, 0 interrupted; stop conditions judged on 4 flows)',
  );
});
