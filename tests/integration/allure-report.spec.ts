// npm run report:allure: an Allure 3 report from a small synthetic allure-results folder, built by the same
// function the script runs (it runs the allure CLI) - the last run only, every failure class in its category,
// no analytics tag, no secret. Its refusals and the listener's redaction: tests/unit/allure-report.spec.ts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { FailureClass } from '../../contract/worker-result.ts';
import { FAILURE_CLASS_NAMES } from '../../reporter/allure.ts';
import { buildAllureReport, withoutInlineData } from '../../scripts/report-allure.ts';
import { reportData } from '../support/allure-report-data.ts';
import { JWT, RUN, result } from '../support/allure-results.ts';

const EXTERNAL_ANALYTICS = /googletagmanager|google-analytics|gtag/i;

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

  const summary = await buildAllureReport({ resultsDir: dir, outputDir: testInfo.outputPath('allure-report'), historyPath: null });

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
