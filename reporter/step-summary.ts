// GitHub's job summary: when GITHUB_STEP_SUMMARY names a file (every step of a
// GitHub Actions job), report.md's Summary, Key Findings and Stage Results are
// appended to it, so a pull request shows why the gate passed or failed without
// a download. Cut from the rendered report.md by heading, so the page says what
// report.md says. stepSummaryMarkdown is pure; appendStepSummary does the I/O.
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { plural } from './format.ts';

/** The report.md sections (level-2 headings) a job summary gets, in this order. */
export const STEP_SUMMARY_SECTIONS = ['Summary', 'Key Findings', 'Stage Results'] as const;

/** GitHub refuses a step's summary above 1 MiB; what is cut above this many bytes is said instead. */
export const STEP_SUMMARY_MAX_BYTES = 1_000_000;

/** A level-2 section of a markdown document, from its heading to the next level-1 or level-2 heading; null when absent. */
export function markdownSection(markdown: string, heading: string): string[] | null {
  const lines = markdown.split('\n');
  const start = lines.indexOf(`## ${heading}`);
  if (start < 0) return null;
  const end = lines.findIndex((line, i) => i > start && /^#{1,2} /.test(line));
  return lines.slice(start, end < 0 ? lines.length : end);
}

/**
 * The job summary of one run: report.md's title and the STEP_SUMMARY_SECTIONS. Chart images are left out (their
 * relative links do not resolve on the summary page) and named once with where to find report.md.
 */
export function stepSummaryMarkdown(reportMd: string, reportPath: string, maxBytes = STEP_SUMMARY_MAX_BYTES): string {
  const title = reportMd.split('\n').find((line) => line.startsWith('# ')) ?? '# Performance Profile Report';
  const missing: string[] = [];
  let charts = 0;
  const sections = STEP_SUMMARY_SECTIONS.flatMap((heading) => {
    const section = markdownSection(reportMd, heading);
    if (!section) missing.push(heading);
    return (section ?? []).filter((line) => {
      const image = /^!\[[^\]]*\]\([^)]*\)\s*$/.test(line);
      if (image) charts += 1;
      return !image;
    });
  });
  const note = [
    `Full report (every section${charts > 0 ? `, ${plural(charts, 'chart')}` : ''}): \`${reportPath}\`, in the job's uploaded reports.`,
    ...(missing.length > 0 ? [`Not in report.md: ${missing.join(', ')}.`] : []),
  ];
  const body = [
    `${title} (escrow-ramp)`,
    '',
    ...sections
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd()
      .split('\n'),
    '',
    ...note,
  ].join('\n');
  return `${truncateBytes(body, maxBytes)}\n\n`;
}

/** `text`, or its first lines under `maxBytes` (UTF-8) and a line saying what was cut. */
function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const lines = text.split('\n');
  const kept: string[] = [];
  let bytes = 0;
  const room = maxBytes - 200;
  for (const line of lines) {
    bytes += Buffer.byteLength(line) + 1;
    if (bytes > room) break;
    kept.push(line);
  }
  return [...kept, '', `… ${lines.length - kept.length} more lines cut: a job summary holds at most 1 MiB; see report.md.`].join('\n');
}

/**
 * Appends the run's job summary to GITHUB_STEP_SUMMARY when it is set; returns the file written, or null. A summary
 * that cannot be written is said on stderr and does not fail the run: report.md is already written.
 */
export function appendStepSummary(reportFile: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | null {
  const target = env.GITHUB_STEP_SUMMARY;
  if (!target) return null;
  try {
    const shown = path.relative(cwd, reportFile).startsWith('..') ? reportFile : path.relative(cwd, reportFile);
    appendFileSync(target, stepSummaryMarkdown(readFileSync(reportFile, 'utf8'), shown));
    return target;
  } catch (error) {
    console.error(`escrow-ramp reporter: the job summary was not written to GITHUB_STEP_SUMMARY: ${(error as Error).message}`);
    return null;
  }
}
