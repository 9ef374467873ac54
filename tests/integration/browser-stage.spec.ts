// Browser mode in a real run: `npx playwright test --project=C1` against the embedded sandbox with one Chromium tab
// per user; the browser op is in report.json and report.md with one sample per expected notification per tab.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { WorkerResult } from '../../contract/worker-result.ts';
import type { Report } from '../../reporter/schema.ts';
import { rampCli } from './support/ramp-cli.ts';

test('a C1 stage with a browser tab per user sees every expected notification in its recipient’s tab, timed as its own op', async () => {
  test.setTimeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'browser-stage-'));
  const runId = `tabs-${process.pid}-${Date.now().toString(36)}`;
  try {
    const env = { RUN_ID: runId, CONCURRENCY_LEVELS: '1', PAYMENT_MODE: 'fixture', BROWSER_TABS_PER_USER: '1' };
    const run = await rampCli(dir, env, ['--project=C1'], 280_000);
    expect(run.code, run.output).toBe(0);
    const reportDir = join(dir, 'reports', runId);
    const [file] = readdirSync(join(reportDir, 'workers'));
    const flow = JSON.parse(readFileSync(join(reportDir, 'workers', file!), 'utf8')) as WorkerResult;
    // One tab per user: a row per expected notification, each visible and timed.
    expect(flow.tabNotifications?.length).toBe(flow.notifications.length);
    expect(flow.tabNotifications?.every((row) => row.visible && row.latencyMs !== null && row.tab === 0)).toBe(true);
    const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as Report;
    const [stage] = report.stages;
    expect(stage!.ops.notificationVisible?.n).toBe(flow.notifications.length);
    expect(stage!.ops.notification?.n).toBe(flow.notifications.length);
    expect(readFileSync(join(reportDir, 'report.md'), 'utf8')).toMatch(
      new RegExp(`\\| C1 \\| notificationVisible \\(notification visibility \\(browser\\)\\) \\| ${flow.notifications.length} `),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
