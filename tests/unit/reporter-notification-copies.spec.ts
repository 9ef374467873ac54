// Notification Results in copies (issue 12, item 3 and 5): one row per device of each recipient, wrong recipients per
// type from the worker results' misdeliveries, payloads that broke the contract counted apart; hand-computed cases.
import { expect, test } from '@playwright/test';
import {
  WORKER_RESULT_ATTACHMENT,
  WORKER_RESULT_CONTENT_TYPE,
  WorkerResult,
  type Misdelivery,
  type NotificationResult,
} from '../../contract/worker-result.ts';
import { redact } from '../../lib/redact.ts';
import { parseAttachment } from '../../reporter/collect.ts';
import { keyFindings } from '../../reporter/findings.ts';
import { renderMarkdown } from '../../reporter/render-markdown.ts';
import { summarize, summarizeStage, type RunMeta } from '../../reporter/summarize.ts';
import { baseRunMeta, baseWorkerResult } from '../../reporter/synthetic.ts';

const meta: RunMeta = baseRunMeta({ runId: 'run-copies' });
const copy = (step: string, recipient: string, device: number, latencyMs: number | null, duplicates = 0): NotificationResult => ({
  step,
  recipient,
  device,
  observed: latencyMs !== null,
  latencyMs,
  duplicates,
});
const flow = (n: number, extra: Partial<WorkerResult> = {}): WorkerResult =>
  baseWorkerResult({ stage: 2, workerId: `C2-W0${n}`, paymentId: `p-${n}`, misdelivered: [], ...extra });
const wrong = (step: string, receivedBy = 'seller-2'): Misdelivery => ({ step, receivedBy, kind: 'wrong-recipient' });

/**
 * DEVICES_PER_USER=2. offer_accepted: seller-1 on both devices (100, 300 ms). payment_confirmed: buyer device 1 at 200 ms,
 * device 2 never; seller-1 device 1 at 400 ms plus one extra copy, device 2 at 500 ms.
 */
const twoDevices = flow(1, {
  notifications: [
    copy('offer_accepted', 'seller-1', 0, 100),
    copy('offer_accepted', 'seller-1', 1, 300),
    copy('payment_confirmed', 'buyer', 0, 200),
    copy('payment_confirmed', 'buyer', 1, null),
    copy('payment_confirmed', 'seller-1', 0, 400, 1),
    copy('payment_confirmed', 'seller-1', 1, 500),
  ],
});

test('two devices per recipient: expected, observed, missing and duplicates count copies, each copy its own latency', () => {
  const { notifications, ops } = summarizeStage(2, [twoDevices], null, 0);
  expect(
    notifications.steps.map(({ step, expected, observed, missing, duplicates, p95LatencyMs, missingExamples }) => ({
      step,
      expected,
      observed,
      missing,
      duplicates,
      p95LatencyMs,
      missingExamples,
    })),
  ).toEqual([
    // p95 of [100, 300]: rank ceil(0.95 x 2) = 2
    { step: 'offer_accepted', expected: 2, observed: 2, missing: 0, duplicates: 0, p95LatencyMs: 300, missingExamples: [] },
    // 2 recipients x 2 devices = 4 copies; p95 of [200, 400, 500]: rank 3
    {
      step: 'payment_confirmed',
      expected: 4,
      observed: 3,
      missing: 1,
      duplicates: 1,
      p95LatencyMs: 500,
      missingExamples: ['C2-W01 → buyer device 2'],
    },
  ]);
  expect(notifications).toMatchObject({ expected: 6, observed: 5, missing: 1, duplicates: 1, devicesPerRecipient: 2 });
  // One latency sample per observed copy: [100, 200, 300, 400, 500], p50 rank 3, p95 rank 5.
  expect(ops.notification).toMatchObject({ n: 5, p50: 300, p95: 500 });
  expect(keyFindings([summarizeStage(2, [twoDevices], null, 0)], []).find((f) => f.severity === 'P0')).toMatchObject({
    title: 'Missing notification payment_confirmed',
    evidence: 'C2: 1 of 4 expected copies missing (C2-W01 → buyer device 2)',
  });
});

test('one device per recipient: rows are copies too, and the device is not named', () => {
  const one = flow(1, { notifications: [copy('offer_rejected', 'seller-2', 0, null), copy('offer_rejected', 'seller-3', 0, 80)] });
  const { notifications } = summarizeStage(2, [one], null, 0);
  expect(notifications).toMatchObject({ expected: 2, observed: 1, missing: 1, devicesPerRecipient: 1 });
  expect(notifications.steps[0]!.missingExamples).toEqual(['C2-W01 → seller-2']);
  // Rows without a device (results written before per-device rows): one per recipient, and the report says it cannot tell.
  const old = flow(2, { notifications: [{ step: 'offer_rejected', recipient: 'seller-2', observed: true, latencyMs: 90, duplicates: 0 }] });
  expect(summarizeStage(2, [old], null, 0).notifications.devicesPerRecipient).toBeNull();
});

test('wrong recipients per step come from the misdeliveries of flows that measured them; leaks are counted apart', () => {
  const measured = flow(1, {
    notifications: [copy('offer_accepted', 'seller-1', 0, 100), copy('payment_confirmed', 'buyer', 0, 200)],
    correctness: { ...baseWorkerResult().correctness, wrongRecipient: 3, crossWorkerLeaks: 1 },
    misdelivered: [
      wrong('offer_accepted'),
      wrong('offer_accepted', 'buyer'),
      // A type this flow expected nobody to get: its row appears with 0 expected.
      wrong('offer_rejected', 'buyer'),
      { step: 'payment_confirmed', receivedBy: 'buyer', kind: 'cross-worker-leak' },
    ],
  });
  // Written before misdeliveries by type: its own step stays not measured (null); the steps it shares are the other flow's.
  const old = baseWorkerResult({
    stage: 2,
    workerId: 'C2-W02',
    paymentId: 'p-2',
    notifications: [copy('offer_accepted', 'seller-1', 0, 120), copy('delivery_confirmed', 'seller-1', 0, 90)],
  });
  // Ended before its inboxes were settled: counter null, so its empty misdeliveries measure nothing.
  const early = flow(3, {
    status: 'fail',
    classification: 'product',
    errors: [{ step: 'createRequest', message: 'answered 500', class: 'product' }],
    correctness: { ...baseWorkerResult().correctness, wrongRecipient: null },
    notifications: [],
  });
  const stage = summarizeStage(2, [measured, old, early], null, 0);
  expect(stage.notifications.steps.map((n) => [n.step, n.expected, n.wrongRecipient, n.crossWorkerLeaks])).toEqual([
    ['delivery_confirmed', 1, null, null],
    ['offer_accepted', 2, 2, 0],
    ['offer_rejected', 0, 1, 0],
    ['payment_confirmed', 1, 0, 1],
  ]);
  // The stage total is the flows' counter (sockets, lists and system of record): 3 + 0, the early flow not measured.
  expect(stage.notifications.wrongRecipient).toBe(3);

  const md = renderMarkdown(summarize([measured, old, early], meta));
  expect(md).toContain('| C2 · offer_accepted | 2 | 2 | 0 | 2 | 120 ms |');
  expect(md).toContain('| C2 · offer_rejected | 0 | 0 | 0 | 1 | — |');
  expect(md).toContain('| C2 · payment_confirmed | 1 | 1 | 0 | 0 | 200 ms |');
  expect(md).toContain('| C2 · delivery_confirmed | 1 | 1 | 0 | not measured (no misdeliveries by type in these results) | 90 ms |');
  expect(md).toContain('| **C2 · all steps** | 4 | 4 | 0 | 3 | 200 ms |');
  expect(md).toContain("Other flows' notifications in this flow's inboxes (cross-worker leaks), by type: C2 payment_confirmed 1.");
  expect(md).not.toContain('n/a');
});

test('the report says copies: the Notification Results note, devices per recipient, the bottleneck line', () => {
  const md = renderMarkdown(summarize([twoDevices], meta));
  expect(md).toContain(
    'Counted in copies: a notification is expected once on every device of its recipient (expected = recipients × devices)',
  );
  expect(md).toContain('Devices per recipient: C2 2.');
  expect(md).toContain('| C2 · payment_confirmed | 4 | 3 | 1 | 0 | 500 ms |');
  expect(md).toContain('| **C2 · all steps** | 6 | 5 | 1 | 0 | 500 ms |');
  expect(md).toMatch(/- Socket\/notifications: .*; 1 missing copy, 1 duplicate copies/);
});

test('payloads that broke the contract: counted per stage, a P1 finding with the redacted sample, apart from missing ones', () => {
  const sample = '{"kind":"offer_accepted","to":"u-1"}';
  const flows = [
    flow(1, { malformedNotifications: { count: 2, sample } }),
    flow(2, { malformedNotifications: { count: 1, sample: '{"other":1}' } }),
    flow(3, { malformedNotifications: { count: 0, sample: null } }),
  ];
  const stage = summarizeStage(2, flows, null, 0);
  expect(stage.notifications.malformed).toEqual({ count: 3, flows: 2, sample });
  const findings = keyFindings([stage], []);
  expect(findings).toContainEqual(
    expect.objectContaining({
      title: 'Notification payloads that do not match the contract',
      severity: 'P1',
      stages: [2],
      evidence: `C2: 3 payloads in 2 flows; sample: ${sample}`,
    }),
  );
  // Nothing expected went missing here: no missing-notification finding.
  expect(findings.map((f) => f.title).filter((t) => t.startsWith('Missing notification'))).toEqual([]);
  expect(renderMarkdown(summarize(flows, meta))).toContain('Payloads that broke the notification contract: C2 3.');
  // Results that never carried the count: not measured, not 0.
  const old = baseWorkerResult({ stage: 2, workerId: 'C2-W01' });
  expect(summarizeStage(2, [old], null, 0).notifications.malformed).toBeNull();
  expect(renderMarkdown(summarize([old], meta))).toContain(
    'Payloads that broke the notification contract: C2 not measured (results without the count).',
  );
});

test('a sample with a secret in it reaches the finding masked: the reporter redacts every result it collects', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJidXllciJ9.c2lnbmF0dXJlLXNlY3JldA';
  const leaky = flow(1, { malformedNotifications: { count: 1, sample: `{"type":"offer_accepted","auth":"Bearer ${jwt}"}` } });
  const parsed = parseAttachment(
    WorkerResult,
    redact,
    WORKER_RESULT_ATTACHMENT,
    WORKER_RESULT_CONTENT_TYPE,
    WORKER_RESULT_CONTENT_TYPE,
    JSON.stringify(leaky),
  );
  if (!parsed.ok) throw new Error(parsed.message);
  const [finding] = keyFindings([summarizeStage(2, [parsed.value], null, 0)], []);
  expect(finding!.title).toBe('Notification payloads that do not match the contract');
  expect(finding!.evidence).toContain('C2: 1 payload in 1 flow; sample: {"type":"offer_accepted"');
  expect(finding!.evidence).not.toContain(jwt);
});
