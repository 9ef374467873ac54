import { expect, test } from '@playwright/test';
import type { WorkerResult } from '../../contract/worker-result.ts';
import { renderMarkdown } from '../../reporter/render-markdown.ts';
import { summarize, type RunMeta } from '../../reporter/summarize.ts';
import { baseWorkerResult } from '../../reporter/synthetic.ts';
import { REPORT_TEMPLATE, TEMPLATE_DATE } from '../../reporter/template.ts';

/**
 * The procedure's Report Template (reporter/template.ts): headings and table header/separator lines (matched whole)
 * and bullet labels and the dated title (matched as prefixes, since the report fills them in), in order.
 */
function templateLines(): { text: string; prefix: boolean }[] {
  return REPORT_TEMPLATE.map((line) => {
    if (line.startsWith('- ')) return { text: line.slice(0, line.indexOf(':') + 1), prefix: true };
    if (line.includes(TEMPLATE_DATE)) return { text: line.replace(TEMPLATE_DATE, ''), prefix: true };
    return { text: line, prefix: false };
  });
}

const meta = (extra: Partial<RunMeta> = {}): RunMeta => ({
  runId: 'run-md',
  mode: 'live',
  target: 'http://127.0.0.1:4000',
  versions: {
    backend: { version: '0.1.0', gitSha: 'abc1234' },
    scanner: { version: '0.1.0', gitSha: 'abc1234' },
    postgres: { version: '16.4' },
  },
  gitSha: 'abc1234',
  levels: [1, 2, 4],
  generatedAt: '2026-06-06T12:00:00.000Z',
  ...extra,
});
const flow = (stage: number, extra: Partial<WorkerResult> = {}) =>
  baseWorkerResult({
    stage,
    workerId: `C${stage}-W01`,
    timingsMs: { ...baseWorkerResult().timingsMs, total: 2_100 },
    calls: [
      { op: 'login', status: 200, outcome: 'ok', startedAt: 0, durationMs: 120, timedOut: false },
      { op: 'scannerCheck', status: null, outcome: 'info', startedAt: 0, durationMs: 30_000, timedOut: true },
    ],
    notifications: [{ step: 'offer_accepted', recipient: 'seller-1', observed: true, latencyMs: 640, duplicates: 0 }],
    ...extra,
  });
const render = (results: WorkerResult[], extra: Partial<RunMeta> = {}) => renderMarkdown(summarize(results, meta(extra)));

test('report.md has every heading, table header and bullet of the report template, in the template order', () => {
  const md = render([flow(1), flow(2)]);
  const lines = md.split('\n');
  let from = 0;
  for (const { text, prefix } of templateLines()) {
    const at = lines.findIndex((line, i) => i >= from && (prefix ? line.startsWith(text) : line === text));
    expect(at, `template line "${text}" after line ${from}`).toBeGreaterThanOrEqual(from);
    from = at + 1;
  }
  expect(md.startsWith('# Performance Profile Report - 2026-06-06\n')).toBe(true);
});

test('the summary names target, versions, SHAs, mode, stages and the overall result', () => {
  const md = render([flow(1), flow(2)]);
  expect(md).toContain('- Target: http://127.0.0.1:4000');
  expect(md).toContain('- Backend/frontend/scanner versions: backend 0.1.0, frontend not reported, scanner 0.1.0; also postgres 16.4');
  expect(md).toContain('- Commit SHAs: target abc1234; backend abc1234; scanner abc1234');
  expect(md).toContain('- Payment mode: live-chain (`live`)');
  expect(md).toContain('- Ramp stages completed: C1, C2 of C1, C2, C4 (not run: C4)');
  expect(md).toContain('- Overall result: FAIL, safe concurrency C2; stop reason: C4 produced no worker results');
  expect(md).toContain('Stages selected but not run (no worker results): C4.');
});

test('stage rows show formatted p95s, the scanner check and confirm, and the 5xx rate', () => {
  const md = render([flow(1)]);
  expect(md).toContain('| C1 | 1 | 1 | 0 | 2.1 s | — | check 30 s · confirm — | 640 ms | 0% |');
});

test('the operation table marks low-n and timed-out samples, shows goals and bolds misses', () => {
  const md = render([flow(1)]);
  expect(md).toContain('| Stage | Operation | n | p50 | p95 | p99 | max | p50 goal | p95 goal | p99 watch |');
  expect(md).toContain('| C1 | login (login) | 1 † | 120 ms | 120 ms | 120 ms | 120 ms | < 300 ms | < 1 s | < 2 s |');
  expect(md).toContain(
    '| C1 | scannerCheck (scanner balance check) | 1 † (1 timed out) | **30 s** | **30 s** | **30 s** | 30 s | < 1 s | < 5 s | < 10 s |',
  );
});

test('notification rows per stage and step, wrong recipients per step from the misdeliveries, the stage total from the counter', () => {
  const wrong = { correctness: { ...baseWorkerResult().correctness, wrongRecipient: 2 } };
  // One misdelivery by type from the sockets; the other was seen in GET /notifications (counter only).
  const md = render([flow(1, { ...wrong, misdelivered: [{ step: 'offer_accepted', receivedBy: 'seller-2', kind: 'wrong-recipient' }] })]);
  expect(md).toContain('| C1 · offer_accepted | 1 | 1 | 0 | 1 | 640 ms |');
  expect(md).toContain('| **C1 · all steps** | 1 | 1 | 0 | 2 | 640 ms |');
  expect(md).not.toContain('n/a');
  // A result written before misdeliveries by type: the per-step cell says so, never n/a and never 0.
  const old = render([flow(1, wrong)]);
  expect(old).toContain('| C1 · offer_accepted | 1 | 1 | 0 | not measured (no misdeliveries by type in these results) | 640 ms |');
});

test('infrastructure says why it is missing instead of printing zeros, and renders rows when given', () => {
  const missing = render([flow(1)], { infraUnavailableReason: 'no sampler ran' });
  expect(missing).toContain('Infrastructure sampling data is not available for this run: no sampler ran.');
  expect(missing).not.toMatch(/\| C1 \| 0/);
  const row = {
    stage: 1,
    backend: '40% / 300 MB',
    scanner: '5% / 80 MB',
    mongo: 'not sampled',
    postgres: '12 conns',
    redis: '2 clients',
    restarts: 0,
  };
  const given = render([flow(1)], { infrastructure: [row] });
  expect(given).toContain('| C1 | 40% / 300 MB | 5% / 80 MB | not sampled | 12 conns | 2 clients | 0 |');
  expect(given).not.toContain('not available for this run');
});

test('payment correctness totals name the stages that contributed', () => {
  const zero = baseWorkerResult().correctness;
  const md = render([
    flow(1),
    flow(2, { correctness: { ...zero, duplicateCredits: 1, evidenceMismatches: 2, underOverpayments: 1, ledgerInconsistencies: 3 } }),
  ]);
  expect(md).toContain('- Duplicate credits: 1 (C2 1)');
  expect(md).toContain('- Under/overpayment anomalies: 1 (C2 1)');
  expect(md).toContain('- Scanner mismatches: 2 (C2 2)');
  expect(md).toContain('- Ledger mismatches: 3 (C2 3)');
});

test('bottlenecks come from the data or say there is no evidence', () => {
  const md = render([flow(1)], { mode: 'status' });
  expect(md).toContain(
    '- API: no evidence of a bottleneck: under the p95 goal in every stage; closest is login p95 120 ms at C1 (12% of 1 s)',
  );
  expect(md).toContain('- Database: no evidence: no database metrics were sampled for this run (see Infrastructure)');
  expect(md).toContain('- Scanner: scanner balance check p95 30 s at C1, 6.0× its 5 s goal');
  expect(md).toContain('- RPC/chain: not exercised: payment mode status sends no chain transfers');
});

test('decisions give the safe concurrency and the P0/P1 findings to fix', () => {
  const md = render([flow(1), flow(2)], { levels: [1, 2] });
  expect(md).toContain('- Current safe dev concurrency: C2 (2 simultaneous workers)');
  expect(md).toContain('- Recommended production target: at most 2 simultaneous flows, the highest stage that passed on this dev stack;');
  expect(md).toContain('- Required fixes before next ramp: P1 scanner balance check p95 not under the 5 s goal');
});

test('table cells escape pipes and newlines, and charts are shown in their sections with their takeaways', () => {
  const failing = flow(1, {
    status: 'fail',
    classification: 'product',
    errors: [{ step: 'accept', message: 'a | b\nc', class: 'product' }],
  });
  const md = renderMarkdown(summarize([failing], meta()), [
    { file: 'latency-by-operation.svg', title: 'p95 per op', section: 'stages', takeaway: 'login p95 crosses its 1 s goal at C8 (1.4 s)' },
    { file: 'notification-latency.svg', title: 'notifications', section: 'notifications', takeaway: 'every type under its goal' },
    { file: null, title: 'CPU by stage', section: 'infrastructure', takeaway: 'not measured (no sampler timeline)' },
  ]);
  expect(md).toContain('C1: 1 of 1 (C1-W01 accept: a \\| b c)');
  const stageResults = md.indexOf('## Stage Results');
  const notifications = md.indexOf('## Notification Results');
  expect(md).toContain('![p95 per op](charts/latency-by-operation.svg)\n\n**Takeaway:** login p95 crosses its 1 s goal at C8 (1.4 s)\n');
  expect(md.indexOf('![p95 per op](charts/latency-by-operation.svg)')).toBeGreaterThan(stageResults);
  expect(md.indexOf('![p95 per op](charts/latency-by-operation.svg)')).toBeLessThan(notifications);
  expect(md.indexOf('![notifications](charts/notification-latency.svg)')).toBeGreaterThan(notifications);
  // A chart with nothing to draw is its title and why, in its section.
  expect(md.indexOf('**CPU by stage:** not measured (no sampler timeline)')).toBeGreaterThan(md.indexOf('## Infrastructure'));
});
