// A target reached through another adapter: report.md names the adapter and what the target does not offer, and
// the gate's "not evaluated" conditions reach the stage results instead of reading as passes.
import { expect, test } from '@playwright/test';
import type { WorkerResult } from '../../contract/worker-result.ts';
import { gatesByStage } from '../../reporter/collect.ts';
import { renderMarkdown } from '../../reporter/render-markdown.ts';
import { summarize } from '../../reporter/summarize.ts';
import { baseWorkerResult } from '../../reporter/synthetic.ts';

const target = (r: WorkerResult): WorkerResult => ({
  ...r,
  target: { ...r.target, adapter: 'bazaar', notOffered: ['the target offers no health endpoint', 'the target offers no ledger read'] },
});

test('report.md names the adapter and every capability the target lacks', () => {
  const report = summarize([target(baseWorkerResult({ stage: 1 }))], {
    runId: 'run-cap',
    mode: 'status',
    target: 'http://127.0.0.1:4100',
    versions: {},
    gitSha: null,
    levels: [1],
    generatedAt: '2026-12-02T09:00:00.000Z',
  });
  expect(report).toMatchObject({
    adapter: 'bazaar',
    notOffered: ['the target offers no health endpoint', 'the target offers no ledger read'],
  });
  const md = renderMarkdown(report);
  expect(md).toContain('- Target: http://127.0.0.1:4100 through adapter bazaar');
  expect(md).toContain(
    '- Not offered by the target, so not measured: the target offers no health endpoint; the target offers no ledger read',
  );
});

test('what the gates could not evaluate is kept per stage, once, and shown in the stage results', () => {
  const byStage = gatesByStage([
    { stage: 1, passed: true, reasons: [], notEvaluated: ['backlog drained after cooldown: not measured (no gauge)'] },
    {
      stage: 1,
      passed: true,
      reasons: [],
      notEvaluated: ['backlog drained after cooldown: not measured (no gauge)', 'component restarts: not measured (x)'],
    },
  ]);
  expect(byStage[1]!.notEvaluated).toEqual([
    'backlog drained after cooldown: not measured (no gauge)',
    'component restarts: not measured (x)',
  ]);
  const report = summarize([baseWorkerResult({ stage: 1 })], {
    runId: 'run-gate',
    mode: 'status',
    target: 'http://127.0.0.1:4100',
    versions: {},
    gitSha: null,
    levels: [1],
    generatedAt: '2026-12-02T09:00:00.000Z',
    gates: byStage,
  });
  expect(renderMarkdown(report)).toContain(
    'Not evaluated by the gate of C1 (no reading: neither passed nor failed): backlog drained after cooldown: not measured (no gauge); component restarts: not measured (x).',
  );
});
