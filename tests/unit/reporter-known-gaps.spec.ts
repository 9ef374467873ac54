// Known gaps in the report (issue 12, item 4): missing copies an approved gap covered are no P0 and fail nothing; an
// info finding quotes the gap. Worker results as the flow writes them (tests/escrow-flow.spec.ts judge()); hand-computed.
import { expect, test } from '@playwright/test';
import type { FullConfig, FullResult, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import {
  WORKER_RESULT_ATTACHMENT,
  WORKER_RESULT_CONTENT_TYPE,
  type NotificationResult,
  type WorkerResult,
} from '../../contract/worker-result.ts';
import { describeGap, type KnownGap } from '../../config/classify.ts';
import { keyFindings } from '../../reporter/findings.ts';
import ProfileReporter from '../../reporter/profile-reporter.ts';
import { renderMarkdown } from '../../reporter/render-markdown.ts';
import { coveredTypes, quotedGap } from '../../reporter/summarize-known-gaps.ts';
import { summarize, summarizeStage, type RunMeta } from '../../reporter/summarize.ts';
import { baseRunMeta, baseWorkerResult } from '../../reporter/synthetic.ts';

const GAP: KnownGap = { notification: 'delivery_submitted', reason: 'delivery notice is sent by e-mail only', owner: 'notifications' };
const meta: RunMeta = baseRunMeta({ runId: 'run-gaps' });
const copy = (step: string, recipient: string, device: number, observed: boolean): NotificationResult => ({
  step,
  recipient,
  device,
  observed,
  latencyMs: observed ? 100 : null,
  duplicates: 0,
});

/** A C2 flow of DEVICES_PER_USER=2 whose buyer never got delivery_submitted on either device, covered by GAP: it passes. */
const covered = (n: number): WorkerResult =>
  baseWorkerResult({
    stage: 2,
    workerId: `C2-W0${n}`,
    paymentId: `p-${n}`,
    notifications: [
      copy('offer_accepted', 'seller-1', 0, true),
      copy('offer_accepted', 'seller-1', 1, true),
      copy('delivery_submitted', 'buyer', 0, false),
      copy('delivery_submitted', 'buyer', 1, false),
    ],
    errors: [
      { step: 'notifications', message: `missing delivery_submitted -> buyer, buyer device 2 (${describeGap(GAP)})`, class: 'known-gap' },
    ],
    classification: 'known-gap',
    misdelivered: [],
  });
/** The same flow without the gap entry (or with an expired one): a product failure. */
const uncovered = (n: number): WorkerResult => ({
  ...covered(n),
  status: 'fail',
  errors: [{ step: 'notifications', message: 'missing delivery_submitted -> buyer, buyer device 2', class: 'product' }],
  classification: 'product',
});

test('the gap as the flow quotes it: the text after "known gap:", nested parentheses kept', () => {
  const message = `missing delivery_submitted -> buyer (${describeGap({ ...GAP, expires: '2026-12-31' })})`;
  expect(quotedGap(message)).toBe(
    'delivery_submitted (delivery notice is sent by e-mail only; owner notifications; approved until 2026-12-31)',
  );
  expect(quotedGap('scanner: boom')).toBeNull();
  expect(coveredTypes(covered(1))).toEqual(
    new Map([['delivery_submitted', 'delivery_submitted (delivery notice is sent by e-mail only; owner notifications)']]),
  );
  // A known-gap error of another kind (a failure signature) covers no notification type.
  expect(coveredTypes({ errors: [{ step: 'scanner', message: 'rpc timeout', class: 'known-gap' }] }).size).toBe(0);
});

test('missing copies a known gap covered: no P0, the stage passes, an info finding quotes the gap', () => {
  const stage = summarizeStage(2, [covered(1), covered(2)], null, 0);
  const step = stage.notifications.steps.find((n) => n.step === 'delivery_submitted')!;
  // 2 flows x 1 recipient x 2 devices = 4 copies, all missing, all covered.
  expect(step).toMatchObject({ expected: 4, observed: 0, missing: 4, knownGap: 4, missingExamples: [] });
  expect(stage.notifications).toMatchObject({ expected: 8, observed: 4, missing: 4, knownGap: 4 });
  expect(stage.knownGaps).toEqual([
    {
      gap: 'delivery_submitted (delivery notice is sent by e-mail only; owner notifications)',
      flows: 2,
      missingCopies: 4,
      examples: [
        'C2-W01 notifications: missing delivery_submitted -> buyer, buyer device 2 (known gap: delivery_submitted (delivery notice is sent by e-mail only; owner notifications))',
        'C2-W02 notifications: missing delivery_submitted -> buyer, buyer device 2 (known gap: delivery_submitted (delivery notice is sent by e-mail only; owner notifications))',
      ],
    },
  ]);
  expect(stage.passed).toBe(true);
  expect(keyFindings([stage], [])).toEqual([
    {
      title: 'Known product gaps applied',
      severity: 'info',
      stages: [2],
      evidence:
        'C2: 4 missing copies in 2 flows covered by known gap: delivery_submitted (delivery notice is sent by e-mail only; owner notifications)',
      nextAction:
        "No action for this ramp: the gap's owner tracks it. Remove its known-gaps.json entry once fixed; it stops applying after its expiry date.",
    },
    expect.objectContaining({ title: 'Percentiles from fewer than 20 samples', severity: 'info' }),
  ]);

  const report = summarize([covered(1), covered(2)], meta);
  expect(report).toMatchObject({ overall: 'pass', failedConditions: [], safeConcurrency: 2 });
  const md = renderMarkdown(report);
  expect(md).toContain('| C2 · delivery_submitted | 4 | 0 | 4 (4 known gap) | 0 | — |');
  expect(md).toContain('| **C2 · all steps** | 8 | 4 | 4 (4 known gap) | 0 | 100 ms |');
  expect(md).toContain('- Required fixes before next ramp: none (no P0/P1 findings)');
});

test('without the gap the same missing copies are a P0 naming the copies; a gap covering one type leaves another missing type a P0', () => {
  const stage = summarizeStage(2, [uncovered(1), uncovered(2)], null, 0);
  expect(stage.knownGaps).toEqual([]);
  expect(keyFindings([stage], [])[0]).toMatchObject({
    title: 'Missing notification delivery_submitted',
    severity: 'P0',
    evidence: 'C2: 4 of 4 expected copies missing (C2-W01 → buyer device 1, C2-W01 → buyer device 2, C2-W02 → buyer device 1 +1 more)',
  });
  expect(summarize([uncovered(1), uncovered(2)], meta).overall).toBe('fail');

  // One flow covered; another of the same stage missing one copy with no gap (it ran under another list): only that copy is a P0.
  const partly: WorkerResult = {
    ...uncovered(2),
    notifications: [copy('delivery_submitted', 'buyer', 0, true), copy('delivery_submitted', 'buyer', 1, false)],
  };
  const [p0] = keyFindings([summarizeStage(2, [covered(1), partly], null, 0)], []);
  expect(p0).toMatchObject({
    title: 'Missing notification delivery_submitted',
    severity: 'P0',
    evidence: 'C2: 1 of 4 expected copies missing (C2-W02 → buyer device 2); another 2 covered by a known gap',
  });
});

test('a gap for one type does not cover another: offer_rejected missing in a covered flow is still a P0', () => {
  const both: WorkerResult = {
    ...covered(1),
    status: 'fail',
    notifications: [...covered(1).notifications, copy('offer_rejected', 'seller-2', 0, false)],
    errors: [...covered(1).errors, { step: 'notifications', message: 'missing offer_rejected -> seller-2', class: 'product' }],
  };
  const findings = keyFindings([summarizeStage(2, [both], null, 0)], []);
  expect(findings.filter((f) => f.severity === 'P0').map((f) => f.title)).toEqual(['Missing notification offer_rejected']);
  expect(findings.map((f) => f.title)).toContain('Known product gaps applied');
});

test('through the reporter: covered flows leave the run passed (exit 0); uncovered ones fail it with the P0', async ({}, testInfo) => {
  const end = (result: WorkerResult, status: TestResult['status']) => ({
    test: {
      parent: { project: () => ({ name: 'C2' }) },
      titlePath: () => ['', 'C2', 'escrow-flow.spec.ts', 'escrow flow'],
      repeatEachIndex: Number(result.workerId.slice(-1)) - 1,
    } as unknown as TestCase,
    result: {
      retry: 0,
      status,
      attachments: [{ name: WORKER_RESULT_ATTACHMENT, contentType: WORKER_RESULT_CONTENT_TYPE, body: Buffer.from(JSON.stringify(result)) }],
      startTime: new Date(result.startedAt),
      duration: 1_000,
    } as unknown as TestResult,
  });
  const run = async (dir: string, flows: WorkerResult[], status: TestResult['status']) => {
    const reporter = new ProfileReporter({ outputDir: dir, progress: false });
    const ends = flows.map((f) => end(f, status));
    reporter.onBegin(
      { rootDir: dir, metadata: { runId: 'run-gaps', mode: 'status', levels: [2] } } as unknown as FullConfig,
      { suites: [{ title: 'C2', allTests: () => ends.map((e) => e.test) }] } as unknown as Suite,
    );
    for (const e of ends) reporter.onTestEnd(e.test, e.result);
    const log = console.log;
    console.log = () => undefined;
    try {
      return await reporter.onEnd({ status: 'passed' } as FullResult);
    } finally {
      console.log = log;
    }
  };
  expect(await run(testInfo.outputPath('covered'), [covered(1), covered(2)], 'passed')).toBeUndefined();
  expect(await run(testInfo.outputPath('uncovered'), [uncovered(1), uncovered(2)], 'failed')).toEqual({ status: 'failed' });
});
