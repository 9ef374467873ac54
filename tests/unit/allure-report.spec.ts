// npm run report:allure's refusals and helpers - a missing or empty allure-results, the analytics tag, the
// environment file - the failure classes as Allure categories, and the redaction the allure-playwright listener
// applies before a result is written. The report built by the allure CLI: tests/integration/allure-report.spec.ts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { FAILURE_CLASS_LABEL, FailureClass } from '../../contract/worker-result.ts';
import {
  FAILURE_CLASS_NAMES,
  allure2Categories,
  allureCategoryRules,
  classPrefix,
  failureClassOf,
  prefixFailureClass,
  redactTestResult,
} from '../../reporter/allure.ts';
import { MASK } from '../../lib/redact.ts';
import { AllureReportError, buildAllureReport, readEnvironment, stripAnalytics } from '../../scripts/report-allure.ts';
import { JWT, RUN, result } from '../support/allure-results.ts';

test('fails with a clear message when allure-results is missing, empty or holds no result of the run', async ({}, testInfo) => {
  const missing = testInfo.outputPath('nowhere');
  await expect(buildAllureReport({ resultsDir: missing })).rejects.toThrow(AllureReportError);
  await expect(buildAllureReport({ resultsDir: missing })).rejects.toThrow(/is missing: run a stage first/);
  const empty = testInfo.outputPath('empty');
  mkdirSync(empty, { recursive: true });
  await expect(buildAllureReport({ resultsDir: empty })).rejects.toThrow(/holds no test results/);
  writeFileSync(join(empty, '1-result.json'), JSON.stringify(result('1', 'x', { run: 'other' })));
  await expect(buildAllureReport({ resultsDir: empty, run: RUN })).rejects.toThrow(/none of run .*--all/);
});

test('stripAnalytics removes exactly the Google tag of the Allure template', () => {
  const page = [
    '<body>',
    '    <script src="data:text/javascript;base64,Z3RhZygp"></script>',
    '    <script async src="https://www.googletagmanager.com/gtag/js?id=G-LNDJ3J7WT0"></script>',
    '    <script>',
    '        window.dataLayer = window.dataLayer || [];',
    '        function gtag(){dataLayer.push(arguments);}',
    "        gtag('js', new Date());",
    '        gtag(\'config\', \'G-LNDJ3J7WT0\', { "report": "awesome" });',
    '    </script>',
    '    <script defer>Promise.allSettled([d("widgets/a.json","e30=")])</script>',
    '</body>',
  ].join('\n');
  const { html, removed } = stripAnalytics(page);
  expect(removed).toBe(2);
  expect(html).not.toMatch(/googletagmanager|dataLayer|gtag\(/);
  expect(html).toContain('<script src="data:text/javascript;base64,Z3RhZygp"></script>');
  expect(html).toContain('d("widgets/a.json","e30=")');
});

test('readEnvironment reads what allure-js-commons writes', ({}, testInfo) => {
  const dir = testInfo.outputPath('env');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'environment.properties'), 'mode=fixture\ntarget=example.test\\:8443\nrunId=abc\n');
  expect(readEnvironment(dir)).toEqual({ mode: 'fixture', target: 'example.test:8443', runId: 'abc' });
});

test.describe('categories map each failure class', () => {
  test('one category per class, named, in severity order, with product first', () => {
    expect(Object.keys(FAILURE_CLASS_NAMES).sort()).toEqual([...FailureClass.options].sort());
    expect(allureCategoryRules().map((r) => r.name)).toEqual(Object.values(FAILURE_CLASS_NAMES));
    expect(new Set(Object.values(FAILURE_CLASS_NAMES)).size).toBe(FailureClass.options.length);
    expect(allureCategoryRules()[0]!.name).toBe('Product bug');
  });

  for (const cls of FailureClass.options) {
    test(`${cls}: the Allure 3 rule matches its label only, the Allure 2 rule its message prefix only`, () => {
      const rule = allureCategoryRules().find((r) => r.name === FAILURE_CLASS_NAMES[cls])!;
      const label = new RegExp(rule.matchers[0]!.labels[FAILURE_CLASS_LABEL]!);
      expect(rule.matchers[0]!.statuses).toEqual(['failed', 'broken']);
      for (const other of FailureClass.options) expect(label.test(other), `${cls} vs ${other}`).toBe(other === cls);

      const legacy = allure2Categories().find((c) => c.name === FAILURE_CLASS_NAMES[cls])!;
      const message = new RegExp(String(legacy.messageRegex));
      for (const other of FailureClass.options)
        expect(message.test(`${classPrefix(other)}notifications: missing\nsecond line`), `${cls} vs ${other}`).toBe(other === cls);
    });
  }

  test('a failed test gets its most severe class in front of its message; a passed one is left alone', () => {
    const failed = result('1', 'f', { cls: 'external', message: 'eth_call failed' });
    failed.labels.push({ name: FAILURE_CLASS_LABEL, value: 'product' });
    expect(failureClassOf(failed.labels)).toBe('product');
    prefixFailureClass(failed);
    prefixFailureClass(failed);
    expect(failed.statusDetails.message).toBe('[Product bug] eth_call failed');
    const passed = result('2', 'p', {});
    prefixFailureClass(passed);
    expect(passed.statusDetails.message).toBeUndefined();
  });
});

test('the listener redacts a result and its text attachments before allure-playwright writes them', ({}, testInfo) => {
  const dir = testInfo.outputPath('results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'out.txt'), `login as buyer password=hunter2-secret\nAuthorization: Bearer ${JWT}\n`);
  writeFileSync(join(dir, 'shot.png'), 'binary, left alone');
  writeFileSync(join(dir, 'worker.json'), JSON.stringify({ workerId: 'C2-W01', note: `token=${JWT}` }));
  const key = `0x${'ab'.repeat(32)}`;
  const r = result('1', `flow with token ${JWT}`, {
    cls: 'setup',
    message: `funding failed with key ${key} at postgres://app:pgpass-123@127.0.0.1/escrow`,
  });
  r.parameters.push({ name: 'password', value: 'plain-text-password' });
  r.steps[0]!.statusDetails = { message: `fetch https://user:pw-secret@rpc.example/ failed` };
  r.steps[0]!.attachments.push(
    { name: 'stdout', source: 'out.txt', type: 'text/plain' },
    { name: 'png', source: 'shot.png', type: 'image/png' },
    { name: 'escrow-worker-result', source: 'worker.json', type: 'application/vnd.escrow-ramp.worker-result+json' },
  );

  redactTestResult(r, dir, [key]);

  const written = JSON.stringify(r);
  for (const secret of [JWT, key, 'pgpass-123', 'pw-secret', 'plain-text-password']) expect(written).not.toContain(secret);
  expect(r.parameters.find((p) => p.name === 'password')!.value).toBe(MASK);
  expect(r.parameters.find((p) => p.name === 'stage')!.value).toBe('C2');
  const stdout = readFileSync(join(dir, 'out.txt'), 'utf8');
  expect(stdout).not.toContain('hunter2-secret');
  expect(stdout).not.toContain(JWT);
  expect(readFileSync(join(dir, 'shot.png'), 'utf8')).toBe('binary, left alone');
  expect(readFileSync(join(dir, 'worker.json'), 'utf8')).not.toContain(JWT);
  expect(r.steps[0]!.attachments.find((a) => a.name === 'escrow-worker-result')!.type).toBe('application/json');
});
