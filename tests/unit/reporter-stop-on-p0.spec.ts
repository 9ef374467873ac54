// STOP_ON_P0 in the report (issue 12, item 9): a stage stopped by one flow's P0 says which flow and which P0, in a
// P0 finding, in the stage's failed conditions and in Stage Results; hand-computed cases.
import { expect, test } from '@playwright/test';
import type { WorkerResult } from '../../contract/worker-result.ts';
import { keyFindings } from '../../reporter/findings.ts';
import { renderMarkdown } from '../../reporter/render-markdown.ts';
import { summarize, summarizeStage, type RunMeta } from '../../reporter/summarize.ts';
import { baseWorkerResult } from '../../reporter/synthetic.ts';

const meta: RunMeta = {
  runId: 'run-stop',
  mode: 'status',
  target: 'http://127.0.0.1:4000',
  versions: {},
  gitSha: null,
  levels: [4],
  generatedAt: '2026-06-06T12:00:00.000Z',
};
const WHAT = 'wrongRecipient: offer_accepted n-7 reached seller-2 u-9';
const flow = (n: number, extra: Partial<WorkerResult> = {}): WorkerResult =>
  baseWorkerResult({ stage: 4, workerId: `C4-W0${n}`, paymentId: `p-${n}`, ...extra });
/** C4: W01 saw the P0 and failed; W02 and W03 were stopped by it at their next step; W04 had already passed. */
const flows = [
  flow(1, {
    status: 'fail',
    classification: 'product',
    correctness: { ...baseWorkerResult().correctness, wrongRecipient: 1 },
    evidence: ['wrongRecipient: offer_accepted n-7 reached seller-2 u-9'],
    errors: [{ step: 'correctness', message: 'wrongRecipient: offer_accepted n-7 reached seller-2 u-9', class: 'product' }],
  }),
  flow(2, { status: 'interrupted', stoppedBy: { workerId: 'C4-W01', what: WHAT } }),
  flow(3, { status: 'interrupted', stoppedBy: { workerId: 'C4-W01', what: WHAT } }),
  flow(4),
];

test('the stage says which flow saw the P0 and which flows it stopped', () => {
  const stage = summarizeStage(4, flows, null, 0);
  expect(stage).toMatchObject({ flows: 4, pass: 1, fail: 3, interrupted: 2, passed: false });
  expect(stage.stoppedBy).toEqual([{ workerId: 'C4-W01', what: WHAT, interrupted: 2, examples: ['C4-W02', 'C4-W03'] }]);
  expect(stage.failures.find((f) => f.class === 'interrupted')).toEqual({
    class: 'interrupted',
    count: 2,
    examples: [`C4-W02: stopped by the P0 C4-W01 saw (${WHAT})`, `C4-W03: stopped by the P0 C4-W01 saw (${WHAT})`],
  });
});

test('a P0 finding names the flow and the P0 that stopped the stage, beside the counter finding', () => {
  const findings = keyFindings([summarizeStage(4, flows, null, 0)], []);
  const p0 = findings.filter((f) => f.severity === 'P0');
  expect(p0.map((f) => f.title)).toEqual(['Notifications delivered to the wrong user', 'Stage stopped on a P0: C4']);
  expect(p0[1]!.evidence).toBe(`C4: stopped on the P0 C4-W01 saw (${WHAT}): 2 flows interrupted (C4-W02, C4-W03)`);
});

test('failed conditions, stop reason and Stage Results carry the stop', () => {
  const report = summarize(flows, meta);
  const line = `stopped on the P0 C4-W01 saw (${WHAT}): 2 flows interrupted (C4-W02, C4-W03)`;
  expect(report.failedConditions).toContain(`C4: ${line}`);
  expect(report.stopReason).toContain(line);
  const md = renderMarkdown(report);
  expect(md).toContain(`Stopped on a P0 (STOP_ON_P0): C4 ${line}.`);
  expect(md).toContain('C4 4 started = 4 reported (1 pass, 1 fail, 2 interrupted');
});

test('interrupted flows with no stop (the run was cut short) are no stop on a P0', () => {
  const cut = [flow(1), flow(2, { status: 'interrupted' })];
  const stage = summarizeStage(4, cut, null, 0);
  expect(stage.stoppedBy).toEqual([]);
  expect(keyFindings([stage], []).map((f) => f.title)).not.toContain('Stage stopped on a P0: C4');
  expect(renderMarkdown(summarize(cut, meta))).not.toContain('Stopped on a P0');
});
