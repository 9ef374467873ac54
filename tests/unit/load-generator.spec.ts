// The load generator's saturation per stage (issue 12, item 10): the runner's CPU share and the workers'
// event-loop delay over each stage's measured time, the verdict, and what the report makes of it; every
// expected number is worked out beside it. The readings themselves: sampler-runner-load.spec.ts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { FullConfig, FullResult, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { WORKER_RESULT_ATTACHMENT, WORKER_RESULT_CONTENT_TYPE, type WorkerResult } from '../../contract/worker-result.ts';
import ProfileReporter from '../../reporter/profile-reporter.ts';
import { renderMarkdown } from '../../reporter/render-markdown.ts';
import { Report, type LoadGenerator } from '../../reporter/schema.ts';
import { summarize, type RunMeta } from '../../reporter/summarize.ts';
import { baseRunMeta, baseWorkerResult } from '../../reporter/synthetic.ts';
import { EVENT_LOOP_ATTACHMENT, type EventLoopDelay } from '../../sampler/event-loop.ts';
import { loadGeneratorByStage, mergeSpans } from '../../reporter/load-generator.ts';
import type { Sample } from '../../sampler/types.ts';
import { stageFlow } from './support/results.ts';

const T0 = Date.UTC(2026, 5, 6, 12);

const NA = { na: 'not in this test' };
const sample = (t: number, runner: Sample['runner']): Sample => ({
  t,
  host: NA,
  processes: NA,
  postgres: NA,
  redis: NA,
  mongo: NA,
  metrics: NA,
  rpc: NA,
  docker: NA,
  runner,
});
const loop = (stage: number, pid: number, p99Ms: number | null): EventLoopDelay => ({
  stage,
  pid,
  startedAt: 0,
  endedAt: 1,
  samples: p99Ms === null ? 0 : 100,
  meanMs: p99Ms,
  p50Ms: p99Ms,
  p99Ms,
  maxMs: p99Ms,
});

test('per stage: mean and max runner CPU over the readings in (start, end], the workers, the worst p99, and the verdict', () => {
  const samples = [
    sample(1_000, { cpuFraction: 0.99, workers: 1 }), // at the start: it covers the second before it, left out
    sample(2_000, { cpuFraction: 0.6, workers: 4 }),
    sample(3_000, { cpuFraction: 0.8, workers: 8 }),
    sample(4_000, { cpuFraction: 0.9, workers: 8 }), // at the end: in
    sample(5_000, { cpuFraction: 0.1, workers: 2 }),
    sample(6_000, { cpuFraction: 'n/a: first reading of the runner, no CPU delta yet', workers: 2 }),
    sample(7_000, { cpuFraction: 0.2, workers: 2 }),
  ];
  const byStage = loadGeneratorByStage(
    samples,
    [
      { stage: 8, spans: [[1_000, 4_000]] },
      { stage: 2, spans: [[5_500, 7_000]] },
    ],
    [loop(8, 11, 20), loop(8, 12, 60), loop(8, 13, 30), loop(2, 21, null), loop(2, 22, 4)],
  );
  // C8: (0.6 + 0.8 + 0.9) / 3 = 0.7667 > 0.7; p99s 20, 60, 30: max 60 (pid 12) > 50, median (nearest rank) 30.
  expect(byStage[8]).toEqual({
    cpuShareMean: 0.7667,
    cpuShareMax: 0.9,
    cpuSamples: 3,
    cpuNotMeasured: null,
    workersMax: 8,
    eventLoopP99MaxMs: 60,
    eventLoopP99MedianMs: 30,
    eventLoopReports: 3,
    eventLoopNotMeasured: null,
    saturated: true,
    reasons: ['runner CPU 77% of the host on average, above 70%', 'worker event-loop delay p99 60 ms (pid 12), above 50 ms'],
  } satisfies LoadGenerator);
  // C2 (5500..7000): 6000 covers half its second but is n/a, 7000 is 0.2; one worker report has a p99 (the other none).
  expect(byStage[2]).toMatchObject({ cpuShareMean: 0.2, cpuSamples: 1, eventLoopP99MaxMs: 4, eventLoopReports: 1, saturated: false });
});

test('not measured is said with why, and a stage with nothing measured is neither saturated nor clean', () => {
  const nothing = loadGeneratorByStage(null, [{ stage: 1, spans: [[0, 500]] }], [], 'no sampler timeline on this machine');
  expect(nothing[1]).toMatchObject({
    cpuShareMean: null,
    cpuNotMeasured: 'no sampler timeline on this machine',
    eventLoopNotMeasured: 'no worker of C1 reported its event-loop delay',
    saturated: null,
  });
  const short = loadGeneratorByStage(
    [sample(2_000, { cpuFraction: 0.5 }), sample(3_000, { cpuFraction: 0.5 })],
    [{ stage: 1, spans: [[1_000, 1_400]] }],
    [],
  );
  expect(short[1]!.cpuNotMeasured).toBe("no sampler reading in the stage's 400 ms of measured flows");
  const old = loadGeneratorByStage([sample(1_000, undefined), sample(1_300, undefined)], [{ stage: 1, spans: [[1_000, 1_400]] }], []);
  expect(old[1]!.cpuNotMeasured).toBe('the sampler did not sample runner');
});

test('with ROUNDS > 1 only the time flows were measured counts: the gap in which new workers start is left out', () => {
  const samples = [
    sample(1_000, { cpuFraction: 0.3, workers: 2 }),
    sample(2_000, { cpuFraction: 0.8, workers: 2 }), // covers 1000..2000, half of it round 1 (1000..1500): weight 0.5
    sample(3_000, { cpuFraction: 0.95, workers: 4 }), // 2000..3000: between the rounds, round 2's workers start: left out
    sample(4_000, { cpuFraction: 0.6, workers: 2 }), // 3000..4000, half of it round 2 (3000..3500): weight 0.5
  ];
  const spans: [number, number][] = [
    [1_000, 1_500],
    [1_100, 1_400], // a second flow of round 1, inside the first
    [3_000, 3_500],
  ];
  // (0.5 x 0.8 + 0.5 x 0.6) / (0.5 + 0.5) = 0.7: not above 70%, so not saturated; max over overlapping readings 0.8.
  expect(loadGeneratorByStage(samples, [{ stage: 2, spans }], [])[2]).toMatchObject({
    cpuShareMean: 0.7,
    cpuShareMax: 0.8,
    cpuSamples: 2,
    workersMax: 2,
    saturated: false,
  });
  expect(mergeSpans(spans)).toEqual([
    [1_000, 1_500],
    [3_000, 3_500],
  ]);
});

const meta = (extra: Partial<RunMeta>): RunMeta => baseRunMeta({ runId: 'run-lg', levels: [16, 32], ...extra });
const flow = (stage: number): WorkerResult => stageFlow(stage, 1, { paymentId: `p-${stage}` });
const clean: LoadGenerator = {
  cpuShareMean: 0.41,
  cpuShareMax: 0.55,
  cpuSamples: 6,
  cpuNotMeasured: null,
  workersMax: 16,
  eventLoopP99MaxMs: 21,
  eventLoopP99MedianMs: 12,
  eventLoopReports: 16,
  eventLoopNotMeasured: null,
  saturated: false,
  reasons: [],
};
const saturated: LoadGenerator = {
  ...clean,
  cpuShareMean: 0.84,
  cpuShareMax: 0.97,
  workersMax: 32,
  saturated: true,
  reasons: ['runner CPU 84% of the host on average, above 70%'],
};

test('safe concurrency is not claimed at a saturated stage, a P1 finding names it, report.md shows each stage', () => {
  const report = summarize([flow(16), flow(32)], meta({ loadGenerator: { 16: clean, 32: saturated } }));
  expect(report).toMatchObject({
    overall: 'pass',
    safeConcurrency: 16,
    safeConcurrencyNote:
      'not claimed at C32 or above: the load generator was saturated there (runner CPU 84% of the host on average, above 70%), so its latencies include client-side queuing',
    failedConditions: [],
  });
  expect(report.stages.map((s) => s.loadGenerator?.saturated)).toEqual([false, true]);
  expect(report.findings[0]).toMatchObject({
    title: 'The load generator was saturated: latencies at C32 include client-side queuing',
    severity: 'P1',
    stages: [32],
    evidence: 'C32: runner CPU 84% of the host on average, above 70%',
  });
  const md = renderMarkdown(report);
  expect(md).toContain('| Stage | Runner CPU (share of host) | Worker processes | Worker event-loop delay p99 | Saturated |');
  expect(md).toContain('| C16 | mean 41% · max 55% (6 readings) | 16 | max 21 ms · median 12 ms (16 worker reports) | no |');
  expect(md).toContain(
    '| C32 | mean 84% · max 97% (6 readings) | 32 | max 21 ms · median 12 ms (16 worker reports) | **yes**: runner CPU 84% of the host on average, above 70% |',
  );
  expect(md).toContain('- Current safe dev concurrency: C16 (16 simultaneous workers); not claimed at C32 or above');
  // Saturated from the first stage: no safe concurrency is claimed, and the summary says why, not "no stage passed".
  const fromTheStart = renderMarkdown(summarize([flow(32)], meta({ levels: [32], loadGenerator: { 32: saturated } })));
  expect(fromTheStart).toContain('- Overall result: PASS, no safe concurrency claimed (not claimed at C32 or above');
  expect(fromTheStart).toContain('- Current safe dev concurrency: none: not claimed at C32 or above');
  // Without figures the table says not measured, and safe concurrency is claimed as before.
  const unmeasured = summarize([flow(16)], meta({ levels: [16] }));
  expect(unmeasured.safeConcurrency).toBe(16);
  expect(renderMarkdown(unmeasured)).toContain('| C16 | not measured | — | not measured | not measured |');
});

test("the reporter takes workers' event-loop attachments and the runner's CPU from this machine's timeline", async ({}, testInfo) => {
  const reportsDir = testInfo.outputPath('reports');
  const runId = 'run-lg';
  // C8 measured from the barrier (T0 + 1000) to the last flow's end (T0 + 4000): readings 0.5 and 0.7, mean 0.6.
  mkdirSync(path.join(reportsDir, runId), { recursive: true });
  writeFileSync(
    path.join(reportsDir, runId, 'infra.jsonl'),
    [
      sample(T0 + 1_000, { cpuFraction: 0.9 }),
      sample(T0 + 2_000, { cpuFraction: 0.5, workers: 8 }),
      sample(T0 + 4_000, { cpuFraction: 0.7, workers: 8 }),
    ]
      .map((s) => `${JSON.stringify(s)}\n`)
      .join(''),
  );
  const before = process.env.REPORTS_DIR;
  process.env.REPORTS_DIR = reportsDir;
  const reporter = new ProfileReporter({ progress: false });
  const ends = [1, 2].map((n) => {
    const result: WorkerResult = {
      ...baseWorkerResult({ stage: 8, workerId: `C8-W0${n}`, paymentId: `p-${n}` }),
      runId: `${runId}-C8-W0${n}`,
      barrierReleasedAt: T0 + 1_000,
      startedAt: T0,
      endedAt: T0 + 3_000 + n * 500,
    };
    const attachments = [
      { name: WORKER_RESULT_ATTACHMENT, contentType: WORKER_RESULT_CONTENT_TYPE, body: Buffer.from(JSON.stringify(result)) },
      { name: EVENT_LOOP_ATTACHMENT, contentType: 'application/json', body: Buffer.from(JSON.stringify(loop(8, 40 + n, 10 * n))) },
    ];
    const test = { parent: { project: () => ({ name: 'C8' }) }, titlePath: () => ['', 'C8', 'flow'], repeatEachIndex: n - 1 };
    return { test: test as unknown as TestCase, result: { retry: 0, status: 'passed', attachments } as unknown as TestResult };
  });
  try {
    reporter.onBegin(
      { rootDir: testInfo.outputPath(), metadata: { runId, mode: 'status' } } as unknown as FullConfig,
      { suites: [{ title: 'C8', allTests: () => ends.map((e) => e.test) }] } as unknown as Suite,
    );
    for (const { test, result } of ends) reporter.onTestEnd(test, result);
    await reporter.onEnd({ status: 'passed' } as FullResult);
  } finally {
    if (before === undefined) delete process.env.REPORTS_DIR;
    else process.env.REPORTS_DIR = before;
  }
  const report = Report.parse(JSON.parse(readFileSync(path.join(reportsDir, runId, 'report.json'), 'utf8')));
  expect(report.stages[0]!.loadGenerator).toEqual({
    cpuShareMean: 0.6,
    cpuShareMax: 0.7,
    cpuSamples: 2,
    cpuNotMeasured: null,
    workersMax: 8,
    eventLoopP99MaxMs: 20,
    eventLoopP99MedianMs: 10,
    eventLoopReports: 2,
    eventLoopNotMeasured: null,
    saturated: false,
    reasons: [],
  });
});
