// The profile report where reviewers look: report.md is written in onEnd, after
// every test ended, so no test can attach it. For Allure the reporter writes one
// more result into the Allure results directory, a "Profile report" test of the
// run with report.md, report.json and the charts as its attachments: one click
// from the Allure report's tree (suite "Profile report").
//
// The result carries the run's runId label, so `npm run report:allure` (which
// builds one run) keeps it, and a fixed history id, so Allure's history and
// trends follow it from run to run.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FullConfig } from '@playwright/test/reporter';
import type { WorkerResult } from '../contract/worker-result.ts';
import { Severity } from 'allure-js-commons';
import { gateStep, procedureLabels } from './allure-labels.ts';
import { gatesByStage, runMetaFrom } from './collect.ts';
import { renderMarkdown } from './render-markdown.ts';
import type { GateResult, Report } from './schema.ts';
import { summarize } from './summarize.ts';
import { reportPaths } from './terminal-summary.ts';

type ReporterConfig = Partial<Pick<FullConfig, 'reporter' | 'configFile' | 'rootDir'>>;

export const PROFILE_REPORT_TEST = 'Profile report';
const FULL_NAME = 'escrow-ramp: profile report';

interface AllureAttachment {
  name: string;
  source: string;
  type: string;
}

/** The files of a run's report folder attached, in this order: report.md, report.json, charts/*.svg. */
function attachable(runDir: string): { file: string; name: string; type: string; ext: string }[] {
  const charts = path.join(runDir, 'charts');
  const svgs = existsSync(charts)
    ? readdirSync(charts)
        .filter((f) => f.endsWith('.svg'))
        .sort()
    : [];
  return [
    { file: path.join(runDir, 'report.md'), name: 'report.md', type: 'text/markdown', ext: 'md' },
    { file: path.join(runDir, 'report.json'), name: 'report.json', type: 'application/json', ext: 'json' },
    ...svgs.map((f) => ({ file: path.join(charts, f), name: `charts/${f}`, type: 'image/svg+xml', ext: 'svg' })),
  ].filter((a) => existsSync(a.file));
}

const STATUS: Record<Report['overall'], string> = { pass: 'passed', fail: 'failed', 'not-measured': 'skipped' };

/**
 * Writes the run's profile report into an Allure results directory as one test result with attachments.
 * Returns the result file's path, or null when there is no report.md to attach.
 */
export function writeAllureProfileReport(
  resultsDir: string,
  reportMd: string,
  report: Pick<Report, 'runId' | 'overall' | 'failedConditions'> & Partial<Pick<Report, 'stopReason' | 'stages'>>,
  now = Date.now(),
): string | null {
  const runDir = path.dirname(reportMd);
  const files = attachable(runDir);
  if (!files.some((f) => f.name === 'report.md')) return null;
  mkdirSync(resultsDir, { recursive: true });
  const uuid = randomUUID();
  const attachments: AllureAttachment[] = files.map((f) => {
    const source = `${randomUUID()}-attachment.${f.ext}`;
    writeFileSync(path.join(resultsDir, source), readFileSync(f.file));
    return { name: f.name, source, type: f.type };
  });
  const message =
    report.overall === 'fail'
      ? `profile FAIL; stop condition(s):\n${report.failedConditions.map((c) => `- ${c}`).join('\n')}`
      : report.overall === 'not-measured'
        ? `not measured${report.stopReason ? `: ${report.stopReason}` : ''}`
        : undefined;
  const result = {
    uuid,
    historyId: createHash('md5').update(FULL_NAME).digest('hex'),
    testCaseId: createHash('md5').update(FULL_NAME).digest('hex'),
    name: PROFILE_REPORT_TEST,
    fullName: FULL_NAME,
    status: STATUS[report.overall],
    statusDetails: message ? { message } : {},
    stage: 'finished',
    start: now,
    stop: now,
    labels: [
      { name: 'runId', value: report.runId },
      { name: 'suite', value: PROFILE_REPORT_TEST },
      // The run's verdict is the stop conditions': a failed profile is a blocker, as a failed gate is.
      ...procedureLabels('report', 'Run', report.overall === 'fail' ? Severity.BLOCKER : Severity.NORMAL),
    ],
    parameters: [{ name: 'runId', value: report.runId, excluded: true }],
    links: [],
    // Every stage's verdict, its gate's or (gate not run) the reporter's: the quality gates judge stages from these.
    steps: (report.stages ?? []).flatMap((s) => (s.gate ? [gateStep({ ...s.gate, stage: s.stage }, now)] : [])),
    attachments,
    description: `The run's profile report (${path.basename(runDir)}/report.md) and its charts: open the attachments below.`,
  };
  const file = path.join(resultsDir, `${uuid}-result.json`);
  writeFileSync(file, JSON.stringify(result));
  return file;
}

/**
 * The profile reporter's call in onEnd: when allure-playwright is among the run's reporters, its results directory
 * gets the profile report. A failure to write is printed, never fails the run.
 */
export function attachProfileReport(
  reportMd: string,
  report: Parameters<typeof writeAllureProfileReport>[2],
  config: ReporterConfig,
): void {
  const resultsDir = reportPaths(reportMd, config, process.env).allureResults;
  if (!resultsDir) return;
  try {
    writeAllureProfileReport(resultsDir, reportMd, report);
  } catch (err) {
    console.log(`escrow-ramp: report.md not attached to Allure (${(err as Error).message})`);
  }
}

/** The name of the gate's attachment in Playwright's HTML report. */
export const REPORT_SO_FAR_ATTACHMENT = 'report-so-far.md';

/**
 * For Playwright's HTML report, where nothing written in onEnd can be attached: report.md as a gate sees the run,
 * rendered from the flows' results of the stages so far and this gate's verdict. The run's report.md adds the
 * infrastructure rows, earlier gates and the charts; the first lines say so and where it is.
 */
export function reportSoFar(
  results: readonly WorkerResult[],
  metadata: Readonly<Record<string, unknown>>,
  levels: readonly number[],
  gate: GateResult,
  reportMd: string,
): string {
  const note =
    `> Partial report, rendered by the gate of stage ${gate.stage} from the flows so far. ` +
    `The run's full report (infrastructure, every gate, charts) is ${reportMd}, ` +
    `also attached to the "${PROFILE_REPORT_TEST}" result in Allure.`;
  // A gate must judge, not fail on its report: what could not be rendered is said instead.
  try {
    const meta = runMetaFrom(metadata, results, levels, new Date().toISOString());
    const report = summarize(results, {
      ...meta,
      gates: gatesByStage([gate]),
      infraUnavailableReason: "not in this partial report: see the run's report.md",
    });
    return `${note}\n\n${renderMarkdown(report)}`;
  } catch (err) {
    return `${note}\n\nThe partial report could not be rendered: ${(err as Error).message}\n`;
  }
}
