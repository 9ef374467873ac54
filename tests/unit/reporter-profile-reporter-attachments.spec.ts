// What the profile reporter collects from attachments: worker results (malformed, mistyped or missing ones
// become collection errors or runner-reported flows), gate verdicts and infrastructure rows, and no secret.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { WORKER_RESULT_CONTENT_TYPE } from '../../contract/worker-result.ts';
import { GATE_RESULT_ATTACHMENT, INFRA_ROW_ATTACHMENT } from '../../reporter/schema.ts';
import {
  attachment,
  filesUnder,
  flow,
  flowEnd,
  METADATA,
  readReport,
  runReporter,
  testEnd,
  workerAttachment,
} from './support/profile-reporter-run.ts';

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
