// report.md's Summary: target, versions, commits, payment mode, stages
// completed, stage length, overall result and stop reason, run id.
import type { PaymentMode } from '../contract/worker-result.ts';
import { stageName } from '../config/stages.ts';
import { formatMs, plural } from './format.ts';
import { stageList } from './markdown.ts';
import { otlpExportLine } from './otel-status.ts';
import type { Report } from './schema.ts';
import { NOTHING_MEASURED } from './summarize-verdict.ts';

// The template's wording for each mode (spec "Modes").
const MODE_LABEL: Record<PaymentMode, string> = {
  live: 'live-chain',
  status: 'status-only smoke',
  fixture: 'scanner fixture',
  dry: 'API-only',
};

const SUMMARY_COMPONENTS = ['backend', 'frontend', 'scanner'];

function versionsLine(report: Report): string {
  const named = SUMMARY_COMPONENTS.map((c) => `${c} ${report.versions[c]?.version ?? 'not reported'}`);
  const others = Object.entries(report.versions)
    .filter(([c]) => !SUMMARY_COMPONENTS.includes(c))
    .map(([c, v]) => `${c} ${v.version}`);
  return named.join(', ') + (others.length > 0 ? `; also ${others.join(', ')}` : '');
}

function commitShasLine(report: Report): string {
  const shas = [
    ...(report.gitSha ? [`target ${report.gitSha}`] : []),
    ...Object.entries(report.versions).flatMap(([c, v]) => (v.gitSha ? [`${c} ${v.gitSha}`] : [])),
  ];
  return shas.length > 0 ? shas.join('; ') : 'not reported by the target';
}

/** How long each stage ran: rounds of level flows, or a fixed duration of back-to-back flows. */
function stageLengthLine(report: Report): string {
  const { mode, rounds, durationMs } = report.stageLength;
  if (mode === 'fixed-duration')
    return `fixed duration, ${formatMs(durationMs)} per stage (STAGE_DURATION): each of a stage's level slots started flows back to back until ${formatMs(durationMs)} after the barrier's release`;
  return rounds === null
    ? "rounds: each of a stage's level slots ran ROUNDS flows (level × ROUNDS per stage; the run did not say how many rounds)"
    : `${plural(rounds, 'round')} per stage (ROUNDS): level × ${rounds} flows per stage`;
}

export function summarySection(report: Report): string[] {
  const completed = report.stages.map((s) => s.stage);
  const notRun = report.stagesNotRun.length > 0 ? ` (not run: ${stageList(report.stagesNotRun)})` : '';
  const safe =
    report.safeConcurrency !== null
      ? `safe concurrency ${stageName(report.safeConcurrency)}`
      : report.safeConcurrencyNote
        ? 'no safe concurrency claimed'
        : 'no stage passed';
  const overall =
    report.overall === 'not-measured'
      ? `NOT MEASURED, ${report.stopReason ?? NOTHING_MEASURED}`
      : `${report.overall.toUpperCase()}, ${safe}${report.safeConcurrencyNote ? ` (${report.safeConcurrencyNote})` : ''}${report.stopReason ? `; stop reason: ${report.stopReason}` : ''}`;
  return [
    '## Summary',
    '',
    `- Target: ${report.target ?? 'unknown'}${report.adapter ? ` through adapter ${report.adapter}` : ''}`,
    ...(report.notOffered.length > 0 ? [`- Not offered by the target, so not measured: ${report.notOffered.join('; ')}`] : []),
    `- Backend/frontend/scanner versions: ${versionsLine(report)}`,
    `- Commit SHAs: ${commitShasLine(report)}`,
    `- Payment mode: ${report.mode ? `${MODE_LABEL[report.mode]} (\`${report.mode}\`)` : 'unknown'}`,
    `- Ramp stages completed: ${completed.length > 0 ? stageList(completed) : 'none'} of ${stageList(report.levels) || 'none selected'}${notRun}`,
    `- Stage length: ${stageLengthLine(report)}`,
    `- Overall result: ${overall}`,
    ...(report.failedConditions.length > 0 ? [`- Stop conditions that failed the run: ${report.failedConditions.join('; ')}`] : []),
    `- Run id: \`${report.runId}\`, generated ${report.generatedAt}`,
    ...(report.otlpExport ? [`- ${otlpExportLine(report.otlpExport)}`] : []),
    ...(report.flowsPerWorker > 1
      ? [`- Flows per worker process: ${report.flowsPerWorker} (FLOWS_PER_WORKER); each flow fully isolated, with its own result`]
      : []),
  ];
}
