// Two runs, then `npm run report:allure` once: the report's trend holds both runs (the earlier one added to the
// history file first), its results carry the procedure's labels, and the stop conditions are its quality gates.
// The runs are written as allure-playwright writes a C1 stage and its gate, through the suite's own listener.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { Stage, Status, type TestResult } from 'allure-js-commons';
import { WORKER_RESULT_ATTACHMENT, ZERO_CORRECTNESS, type WorkerResult } from '../../contract/worker-result.ts';
import { allureListener } from '../../reporter/allure.ts';
import { PROCEDURE_EPIC, STORIES } from '../../reporter/allure-labels.ts';
import { STOP_CONDITION_LIST } from '../../reporter/gate-conditions.ts';
import { GATE_RESULT_ATTACHMENT, type GateResult } from '../../reporter/schema.ts';
import { baseWorkerResult } from '../../reporter/synthetic.ts';
import { buildAllureReport } from '../../scripts/report-allure.ts';
import { reportData } from '../support/allure-report-data.ts';

const FIVE_XX = 'HTTP 5xx rate 3.0% above 1.0% in C1';

/** One test of a run as allure-playwright hands it to the listener: project label, one JSON attachment in a step. */
function playwrightResult(dir: string, run: { id: string; start: number }, project: string, attachment: { name: string; body: unknown }) {
  const uuid = `${run.id}-${project}`;
  const source = `${uuid}-attachment.json`;
  writeFileSync(join(dir, source), JSON.stringify(attachment.body));
  const failed = 'passed' in (attachment.body as object) ? !(attachment.body as GateResult).passed : false;
  const result: TestResult = {
    uuid,
    historyId: `history-${project}`,
    testCaseId: `case-${project}`,
    name: project.startsWith('gate') ? 'the stage passes its gate' : 'buyer and sellers complete an escrow purchase',
    fullName: `${project}.spec.ts#test`,
    status: failed ? Status.FAILED : Status.PASSED,
    statusDetails: {},
    stage: Stage.FINISHED,
    start: run.start,
    stop: run.start + 1_000,
    labels: [
      { name: 'runId', value: run.id },
      { name: 'parentSuite', value: project },
    ],
    parameters: [],
    links: [],
    attachments: [],
    steps: [
      {
        name: attachment.name,
        status: undefined,
        statusDetails: {},
        stage: Stage.FINISHED,
        steps: [],
        parameters: [],
        attachments: [{ name: attachment.name, source, type: 'application/json' }],
      },
    ],
  };
  allureListener(dir).beforeTestResultWrite!(result);
  writeFileSync(join(dir, `${uuid}-result.json`), JSON.stringify(result));
}

function writeRun(dir: string, run: { id: string; start: number }, flow: WorkerResult, gate: GateResult) {
  playwrightResult(dir, run, 'C1', { name: WORKER_RESULT_ATTACHMENT, body: flow });
  playwrightResult(dir, run, 'gate-C1', { name: GATE_RESULT_ATTACHMENT, body: gate });
  writeFileSync(join(dir, 'environment.properties'), `mode=fixture\nrunId=${run.id}\n`);
}

test('two runs then one report: a trend of 2 runs, the procedure labels, every stop condition a quality gate', async ({}, testInfo) => {
  const dir = testInfo.outputPath('allure-results');
  const historyPath = testInfo.outputPath('allure-history', 'history.jsonl');
  mkdirSync(dir, { recursive: true });
  writeRun(dir, { id: 'run-1', start: 1_800_000_000_000 }, baseWorkerResult({ stage: 1 }), {
    stage: 1,
    passed: true,
    reasons: [],
    flows: 1,
    notEvaluated: [],
  });
  writeRun(
    dir,
    { id: 'run-2', start: 1_800_000_100_000 },
    baseWorkerResult({ stage: 1, status: 'fail', classification: 'product', correctness: { ...ZERO_CORRECTNESS, duplicateCredits: 1 } }),
    { stage: 1, passed: false, reasons: [FIVE_XX], flows: 1, notEvaluated: ['component restarts: not measured (no sampler)'] },
  );

  const summary = await buildAllureReport({ resultsDir: dir, outputDir: testInfo.outputPath('allure-report'), historyPath });

  // The history file: run-1's line added first (it had no report), then run-2's.
  expect(summary).toMatchObject({ runId: 'run-2', results: 2, skipped: 2, history: { path: historyPath, runs: 2 } });
  const lines = readFileSync(historyPath, 'utf8').trim().split('\n');
  const history = lines.map((l) => JSON.parse(l) as { name: string; timestamp: number });
  expect(history.map((h) => h.name)).toEqual(['escrow-ramp run-1', 'escrow-ramp run-2']);
  // Each line dated by its run's end, not by when the report added it.
  expect(history.map((h) => h.timestamp)).toEqual([1_800_000_001_000, 1_800_000_101_000]);

  const data = reportData(readFileSync(join(summary.outputDir, 'index.html'), 'utf8'));
  // The trend: the "Status dynamics" chart has a point per run, the earlier run from the history.
  const charts = JSON.parse(data.get('widgets/charts.json')!) as { general: Record<string, { type: string; data?: unknown[] }> };
  const dynamics = Object.values(charts.general).find((c) => c.type === 'statusDynamics');
  expect(dynamics?.data).toHaveLength(2);
  expect([...data.keys()].filter((k) => k.startsWith('data/history/'))).toHaveLength(1);

  // Labels: epic, feature (stage), story (kind), severity (a P0 flow is a blocker; a gate always is), layer.
  const results = [...data.entries()]
    .filter(([k]) => k.startsWith('data/test-results/'))
    .map(([, v]) => JSON.parse(v) as { name: string; labels: { name: string; value: string }[] });
  const labelsOf = (story: string) => {
    const tr = results.find((r) => r.labels.some((l) => l.name === 'story' && l.value === story));
    return Object.fromEntries((tr?.labels ?? []).map((l) => [l.name, l.value]));
  };
  expect(labelsOf(STORIES.flow)).toMatchObject({ epic: PROCEDURE_EPIC, feature: 'C1', severity: 'blocker', layer: 'e2e' });
  expect(labelsOf(STORIES.gate)).toMatchObject({ epic: PROCEDURE_EPIC, feature: 'C1', severity: 'blocker', layer: 'gate' });

  // Quality gates: one per stop condition; the 5xx rate broken in C1 with its reason, restarts not evaluated.
  expect(summary.qualityGates.map((g) => g.rule)).toEqual(STOP_CONDITION_LIST.map((c) => c.id));
  expect(summary.qualityGates.filter((g) => !g.success).map((g) => g.rule)).toEqual(['http-5xx-rate']);
  const widget = JSON.parse(data.get('widgets/quality-gate.json')!) as Record<
    string,
    { rule: string; success: boolean; message: string }[]
  >;
  const shown = Object.values(widget).flat();
  expect(shown).toHaveLength(STOP_CONDITION_LIST.length);
  expect(shown.find((g) => g.rule === 'http-5xx-rate')).toMatchObject({
    success: false,
    message: expect.stringContaining(`C1: ${FIVE_XX}`),
  });
  expect(shown.find((g) => g.rule === 'restarts')?.message).toBe(
    'no component restart: not evaluated in C1: component restarts: not measured (no sampler)',
  );
});
