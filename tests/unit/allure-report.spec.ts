// npm run report:allure: an Allure 3 report from a small synthetic allure-results
// folder, built by the same function the script runs - the last run only, every
// failure class in its category, no analytics tag, no secret - and the redaction
// the allure-playwright listener applies before a result is written.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { Stage, Status, type TestResult } from 'allure-js-commons';
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
import { AllureReportError, buildAllureReport, readEnvironment, stripAnalytics, withoutInlineData } from '../../scripts/report-allure.ts';

const RUN = '20260101-120000-beef';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJidXllci0xIn0.Zm9vYmFyYmF6cXV4';
const EXTERNAL_ANALYTICS = /googletagmanager|google-analytics|gtag/i;

function result(uuid: string, name: string, opts: { run?: string; cls?: FailureClass; message?: string; attachment?: string }): TestResult {
  const failed = opts.cls !== undefined;
  return {
    uuid,
    historyId: `history-${uuid}`,
    testCaseId: `case-${uuid}`,
    name,
    fullName: `escrow-flow.spec.ts#${name}`,
    status: failed ? Status.FAILED : Status.PASSED,
    statusDetails: failed ? { message: opts.message ?? `${name} failed`, trace: 'at escrowFlow (tests/escrow-flow.spec.ts:10:5)' } : {},
    stage: Stage.FINISHED,
    start: 1_800_000_000_000,
    stop: 1_800_000_002_000,
    labels: [
      { name: 'runId', value: opts.run ?? RUN },
      { name: 'suite', value: 'C2' },
      ...(failed ? [{ name: FAILURE_CLASS_LABEL, value: opts.cls! }] : []),
    ],
    parameters: [
      { name: 'stage', value: 'C2' },
      { name: 'workerId', value: `C2-W0${uuid}`, excluded: true },
    ],
    links: [],
    attachments: opts.attachment ? [{ name: 'api-calls.log', source: opts.attachment, type: 'text/plain' }] : [],
    steps: ['login', 'createRequest'].map((step) => ({
      name: step,
      status: Status.PASSED,
      stage: Stage.FINISHED,
      start: 1_800_000_000_000,
      stop: 1_800_000_000_500,
      statusDetails: {},
      parameters: [],
      attachments: [],
      steps: [],
    })),
  };
}

/** The report's data: single-file Allure inlines each data file base64-encoded as d("name", "...") in index.html. */
function reportData(html: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of html.matchAll(/\bd\("([^"]+)","([A-Za-z0-9+/=]*)"\)/g)) files.set(m[1]!, Buffer.from(m[2]!, 'base64').toString('utf8'));
  return files;
}

/** The inline scripts' code (the app bundle is a base64 data: URI). */
const inlineScripts = (html: string) =>
  [...html.matchAll(/src="data:text\/javascript;base64,([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));

/** The first match, or null: a failed expectation prints the match, not a 4 MB page. */
const firstMatch = (text: string, re: RegExp) => re.exec(text)?.[0] ?? null;

test('builds the last run into one HTML file, each failure class in its category, without analytics tag or secret', async ({}, testInfo) => {
  const dir = testInfo.outputPath('allure-results');
  mkdirSync(dir, { recursive: true });
  const write = (name: string, body: unknown) => writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  write('environment.properties', `mode=fixture\ntarget=sandbox\nrunId=${RUN}\nnode=v20\n`);
  write('1-result.json', result('1', 'flow 1 completes', {}));
  write('log-attachment.txt', `POST /login -> 200\n  response: {"token":"${JWT}"}\n`);
  FailureClass.options.forEach((cls, i) =>
    write(
      `${i + 2}-result.json`,
      result(String(i + 2), `flow ${i + 2} fails`, { cls, attachment: i === 0 ? 'log-attachment.txt' : undefined }),
    ),
  );
  write('9-result.json', result('9', 'flow of an older run', { run: 'older-run' }));

  const summary = await buildAllureReport({ resultsDir: dir, outputDir: testInfo.outputPath('allure-report') });

  expect(summary).toMatchObject({ runId: RUN, results: 1 + FailureClass.options.length, skipped: 1 });
  expect(summary.analyticsTagsRemoved).toBeGreaterThan(0);
  const index = join(summary.outputDir, 'index.html');
  expect(existsSync(index)).toBe(true);
  const html = readFileSync(index, 'utf8');
  expect(firstMatch(withoutInlineData(html), EXTERNAL_ANALYTICS)).toBeNull();
  const bundles = inlineScripts(html);
  expect(bundles.length).toBeGreaterThan(0);
  for (const code of bundles) expect(firstMatch(code, /googletagmanager|google-analytics|\bgtag\(/)).toBeNull();

  const data = reportData(html);
  const everything = [...data.values()].join('\n');
  expect(everything.includes('flow 1 completes')).toBe(true);
  expect(everything.includes('flow of an older run')).toBe(false);
  expect(everything.includes(JWT)).toBe(false);
  expect(firstMatch(everything, /googletagmanager|google-analytics/)).toBeNull();
  const categories = JSON.parse(data.get('widgets/categories.json')!) as {
    nodes: Record<string, { type: string; name: string; statistic?: { total: number } }>;
  };
  const byName = new Map(
    Object.values(categories.nodes)
      .filter((n) => n.type === 'category')
      .map((n) => [n.name, n.statistic?.total]),
  );
  for (const cls of FailureClass.options) expect(byName.get(FAILURE_CLASS_NAMES[cls]), cls).toBe(1);
});

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
