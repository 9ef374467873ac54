// GitHub's job summary (issue 15, item 4): report.md's Summary, Key Findings and Stage Results, cut by heading from
// the rendered report, appended to GITHUB_STEP_SUMMARY when it is set, and nothing written when it is not.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { CallSample } from '../../contract/worker-result.ts';
import { renderMarkdown } from '../../reporter/render-markdown.ts';
import { appendStepSummary, markdownSection, STEP_SUMMARY_SECTIONS, stepSummaryMarkdown } from '../../reporter/step-summary.ts';
import { summarize } from '../../reporter/summarize.ts';
import { baseRunMeta, baseWorkerResult } from '../../reporter/synthetic.ts';

const call = (op: string, durationMs: number): CallSample => ({
  op,
  status: 200,
  outcome: 'ok',
  startedAt: 0,
  durationMs,
  timedOut: false,
});
const reportMd = (): string =>
  renderMarkdown(
    summarize(
      [1, 2].map((n) => baseWorkerResult({ stage: 2, workerId: `C2-W0${n}`, calls: [call('login', 100 * n), call('createOffer', 2_000)] })),
      baseRunMeta({ runId: 'run-step' }),
    ),
    [
      { file: 'latency-by-operation.svg', title: 'Latency per operation by stage', section: 'stages', takeaway: 'login under its goal' },
      { file: 'notification-latency.svg', title: 'Notification visibility latency', section: 'notifications', takeaway: 'under its goal' },
    ],
  );

test("the three sections, whole and in order, as report.md renders them; the other sections and the charts' images are not there", () => {
  const md = reportMd();
  const summary = stepSummaryMarkdown(md, 'reports/run-step/report.md');
  const headings = summary.split('\n').filter((line) => /^#{1,2} /.test(line));
  expect(headings).toEqual([`${md.split('\n')[0]} (escrow-ramp)`, '## Summary', '## Key Findings', '## Stage Results']);
  for (const heading of STEP_SUMMARY_SECTIONS) {
    const section = markdownSection(md, heading)!.filter((line) => !line.startsWith('!['));
    expect(summary).toContain(
      section
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .trimEnd(),
    );
  }
  // Stage Results' own tables came along: the operation latency table with its bold misses, the load generator's.
  expect(summary).toContain('### Operation latency');
  expect(summary).toMatch(/\| C2 \| createOffer \(create offer\) \| 2 † \| \*\*2 s\*\* \|/);
  for (const other of ['## Notification Results', '## Infrastructure', '## Payment Correctness', '## Bottlenecks', '## Decisions'])
    expect(summary).not.toContain(other);
  expect(summary).not.toContain('](charts/');
  expect(summary).toContain("Full report (every section, 1 chart): `reports/run-step/report.md`, in the job's uploaded reports.");
  expect(summary.endsWith('\n\n')).toBe(true);
});

test('a section report.md lacks is named, not invented', () => {
  const md = reportMd()
    .split('\n')
    .filter((line) => line !== '## Key Findings')
    .join('\n');
  const summary = stepSummaryMarkdown(md, 'report.md');
  expect(summary).toContain('Not in report.md: Key Findings.');
  expect(summary).toContain('## Summary');
});

test('markdownSection: from its heading to the next level-1 or level-2 heading; level-3 headings stay inside', () => {
  const md = ['# T', '## A', 'a', '### A.1', 'a1', '## B', 'b', '# U', 'u'].join('\n');
  expect(markdownSection(md, 'A')).toEqual(['## A', 'a', '### A.1', 'a1']);
  expect(markdownSection(md, 'B')).toEqual(['## B', 'b']);
  expect(markdownSection(md, 'A.1')).toBeNull();
  expect(markdownSection(md, 'C')).toBeNull();
});

test('above the size GitHub accepts, whole lines are kept and the cut is said', () => {
  const md = ['# T', '## Summary', ...Array.from({ length: 200 }, (_, i) => `- line ${i} ${'x'.repeat(50)}`)].join('\n');
  const summary = stepSummaryMarkdown(md, 'report.md', 4_000);
  expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(4_000);
  expect(summary).toMatch(/… \d+ more lines cut: a job summary holds at most 1 MiB; see report\.md\./);
  expect(summary).toMatch(/- line \d+ x{50}\n\n…/);
});

test('appendStepSummary appends to GITHUB_STEP_SUMMARY (after what earlier steps wrote), and does nothing when it is unset', ({}, testInfo) => {
  const dir = testInfo.outputPath('run');
  mkdirSync(dir, { recursive: true });
  const reportFile = path.join(dir, 'report.md');
  writeFileSync(reportFile, reportMd());
  const target = testInfo.outputPath('step-summary.md');
  writeFileSync(target, '# an earlier step\n');
  expect(appendStepSummary(reportFile, { GITHUB_STEP_SUMMARY: target }, testInfo.outputPath())).toBe(target);
  const written = readFileSync(target, 'utf8');
  expect(written.startsWith('# an earlier step\n# Performance Profile Report - ')).toBe(true);
  expect(written).toContain('## Stage Results');
  expect(written).toContain('`run/report.md`');
  expect(appendStepSummary(reportFile, {})).toBeNull();
  expect(appendStepSummary(reportFile, { GITHUB_STEP_SUMMARY: '' })).toBeNull();
  expect(readFileSync(target, 'utf8')).toBe(written);
});

test('a job summary that cannot be written is said on stderr and does not throw', ({}, testInfo) => {
  const errors: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args.join(' '));
  try {
    expect(
      appendStepSummary(testInfo.outputPath('no-such-report.md'), { GITHUB_STEP_SUMMARY: testInfo.outputPath('summary.md') }),
    ).toBeNull();
  } finally {
    console.error = original;
  }
  expect(errors).toEqual([expect.stringMatching(/^escrow-ramp reporter: the job summary was not written to GITHUB_STEP_SUMMARY: ENOENT/)]);
});
