// report.md: the spec's "Report Template", section by section and heading by
// heading, filled from a Report. Pure: Report + chart list in, text out.
import type { CorrectnessKey, PaymentMode } from '../contract/worker-result.ts';
import { LATENCY_GOALS, LOAD_GENERATOR_LIMITS, LOW_N, stageName } from '../config/stages.ts';
import { bottlenecks } from './bottlenecks.ts';
import type { ChartSection } from './charts.ts';
import { formatMs, formatPct, formatRate, plural } from './format.ts';
import { stopLine } from './findings-correctness.ts';
import type { LoadGenerator, NotificationStep, Report, StageSummary } from './schema.ts';
import { NOTHING_MEASURED } from './summarize-verdict.ts';

export interface ChartRef {
  file: string;
  title: string;
  section: ChartSection;
}

// The template's wording for each mode (spec "Modes").
const MODE_LABEL: Record<PaymentMode, string> = {
  live: 'live-chain',
  status: 'status-only smoke',
  fixture: 'scanner fixture',
  dry: 'API-only',
};

const SUMMARY_COMPONENTS = ['backend', 'frontend', 'scanner'];

/** A table cell: pipes and newlines would break the row. */
const cell = (value: string | number): string => String(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const row = (cells: readonly (string | number)[]): string => `| ${cells.map(cell).join(' | ')} |`;
const stageList = (levels: readonly number[]): string => levels.map(stageName).join(', ');

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

function summary(report: Report): string[] {
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
    `- Target: ${report.target ?? 'unknown'}`,
    `- Backend/frontend/scanner versions: ${versionsLine(report)}`,
    `- Commit SHAs: ${commitShasLine(report)}`,
    `- Payment mode: ${report.mode ? `${MODE_LABEL[report.mode]} (\`${report.mode}\`)` : 'unknown'}`,
    `- Ramp stages completed: ${completed.length > 0 ? stageList(completed) : 'none'} of ${stageList(report.levels) || 'none selected'}${notRun}`,
    `- Stage length: ${stageLengthLine(report)}`,
    `- Overall result: ${overall}`,
    ...(report.failedConditions.length > 0 ? [`- Stop conditions that failed the run: ${report.failedConditions.join('; ')}`] : []),
    `- Run id: \`${report.runId}\`, generated ${report.generatedAt}`,
    ...(report.flowsPerWorker > 1
      ? [`- Flows per worker process: ${report.flowsPerWorker} (FLOWS_PER_WORKER); each flow fully isolated, with its own result`]
      : []),
  ];
}

function keyFindings(report: Report): string[] {
  const rows =
    report.findings.length > 0
      ? report.findings.map((f) => row([f.title, f.severity, f.evidence, f.nextAction]))
      : [row(['No findings', 'info', 'every measured op under its goals, no correctness anomalies', '—'])];
  return ['## Key Findings', '', '| Finding | Severity | Evidence | Next action |', '|---|---|---|---|', ...rows];
}

function scannerCell(s: StageSummary): string {
  const { scannerCheckMs, scannerConfirmMs } = s.p95;
  if (scannerCheckMs === null && scannerConfirmMs === null) return '—';
  return `check ${formatMs(scannerCheckMs)} · confirm ${formatMs(scannerConfirmMs)}`;
}

/** p50/p95/p99 cell, bold when it misses its goal (strict "<" as in the spec). */
function quantileCell(value: number, goal: number | undefined): string {
  return goal !== undefined && value >= goal ? `**${formatMs(value)}**` : formatMs(value);
}

function operationTable(report: Report): string[] {
  const rows = report.stages.flatMap((s) =>
    Object.entries(s.ops).map(([op, stats]) => {
      const goal = LATENCY_GOALS[op];
      const n = `${stats.n}${stats.lowN ? ' †' : ''}${stats.censored > 0 ? ` (${stats.censored} timed out)` : ''}`;
      return row([
        stageName(s.stage),
        goal ? `${op} (${goal.label})` : op,
        n,
        quantileCell(stats.p50, goal?.p50),
        quantileCell(stats.p95, goal?.p95),
        quantileCell(stats.p99, goal?.p99),
        formatMs(stats.max),
        goal ? `< ${formatMs(goal.p50)}` : '—',
        goal ? `< ${formatMs(goal.p95)}` : '—',
        goal ? `< ${formatMs(goal.p99)}` : '—',
      ]);
    }),
  );
  return [
    '### Operation latency',
    '',
    `Exact nearest-rank percentiles over every call of the stage. † n < ${LOW_N} (low-n: indicative only). Timed-out calls stay in the`,
    'percentiles at their timeout (censored). Bold: not under its goal (p99: watch level).',
    '',
    '| Stage | Operation | n | p50 | p95 | p99 | max | p50 goal | p95 goal | p99 watch |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ];
}

/** Correctness probes, timed apart from the operations (probeTimingsMs): their calls are in no latency figure above. */
function probeTable(report: Report): string[] {
  const rows = report.stages.flatMap((s) =>
    [...new Set([...Object.keys(s.probeTimings), ...Object.keys(s.probeCalls)])].sort().map((probe) => {
      const stats = s.probeTimings[probe];
      return row([
        stageName(s.stage),
        probe,
        stats ? `${stats.n}${stats.lowN ? ' †' : ''}` : '—',
        formatMs(stats?.p50),
        formatMs(stats?.p95),
        s.probeCalls[probe] ?? 0,
      ]);
    }),
  );
  if (rows.length === 0) return [];
  return [
    '### Probes',
    '',
    "Correctness probes (underpayment, racing accepts, non-buyer confirmations, evidence, ledger, isolation, notification lists ...): each probe's wall time",
    'per flow (n = flows that ran it), kept out of `total`; their calls are left out of the operation latency above, the charts and the',
    'latency findings (they still count in the 5xx rate).',
    '',
    '| Stage | Probe | n | p50 | p95 | Calls |',
    '|---|---|---:|---:|---:|---:|',
    ...rows,
    '',
  ];
}

const chartLinks = (charts: readonly ChartRef[], section: ChartSection): string[] =>
  charts.filter((c) => c.section === section).flatMap((c) => [`![${c.title}](charts/${c.file})`, '']);

/** Writes without an answer, as the system of record resolved them after the flow. */
function indeterminateLines(report: Report): string[] {
  const stages = report.stages.filter((s) => s.indeterminate.writes > 0);
  if (stages.length === 0) return [];
  return [
    '',
    'Writes that got no answer (timeout, dropped connection), looked up in the system of record after each flow:',
    '',
    ...stages.map((s) => {
      const { writes, happened, didNotHappen, unknown, examples } = s.indeterminate;
      return `- ${stageName(s.stage)}: ${writes} — ${happened} happened, ${didNotHappen} did not happen, ${unknown} unknown. ${examples.join('; ')}`;
    }),
  ];
}

/** The load generator's own load per stage: runner CPU share of the host, worker event-loop delay, saturation. */
function loadGeneratorTable(report: Report): string[] {
  if (report.stages.length === 0) return [];
  const cpuCell = (g: LoadGenerator | null) =>
    g === null
      ? 'not measured'
      : g.cpuShareMean === null
        ? `not measured (${g.cpuNotMeasured ?? 'no reading'})`
        : `mean ${formatPct(g.cpuShareMean)} · max ${formatPct(g.cpuShareMax)} (${plural(g.cpuSamples, 'reading')})`;
  const loopCell = (g: LoadGenerator | null) =>
    g === null
      ? 'not measured'
      : g.eventLoopP99MaxMs === null
        ? `not measured (${g.eventLoopNotMeasured ?? 'no report'})`
        : `max ${formatMs(g.eventLoopP99MaxMs)} · median ${formatMs(g.eventLoopP99MedianMs)} (${plural(g.eventLoopReports, 'worker report')})`;
  const saturatedCell = (g: LoadGenerator | null) =>
    g?.saturated === true ? `**yes**: ${g.reasons.join('; ')}` : g?.saturated === false ? 'no' : 'not measured';
  return [
    '### Load generator',
    '',
    `The suite's own processes while each stage's flows ran: the Playwright runner and its workers' CPU as a share of the host, and`,
    `each worker's event-loop delay p99. Saturated (runner CPU above ${formatPct(LOAD_GENERATOR_LIMITS.runnerCpuShare)} on average, or a worker's p99 above ${formatMs(LOAD_GENERATOR_LIMITS.eventLoopDelayP99Ms)}):`,
    'latencies include client-side queuing, and safe concurrency is not claimed there.',
    '',
    '| Stage | Runner CPU (share of host) | Worker processes | Worker event-loop delay p99 | Saturated |',
    '|---|---|---:|---|---|',
    ...report.stages.map((s) => {
      const g = s.loadGenerator;
      return row([stageName(s.stage), cpuCell(g), g?.workersMax ?? '—', loopCell(g), saturatedCell(g)]);
    }),
    '',
  ];
}

function stageResults(report: Report, charts: readonly ChartRef[]): string[] {
  const rows = report.stages.map((s) =>
    row([
      stageName(s.stage),
      s.workers,
      s.pass,
      s.fail,
      formatMs(s.p95.totalMs),
      formatMs(s.p95.paymentIntentMs),
      scannerCell(s),
      formatMs(s.p95.notificationMs),
      formatPct(s.fiveXXRate),
    ]),
  );
  const throughput = report.stages.map((s) => `${stageName(s.stage)} ${formatRate(s.flowsPerSec)}/s over ${formatMs(s.wallTimeMs)}`);
  const fixed = report.stageLength.mode === 'fixed-duration';
  const lengths = report.stages.map(
    (s) =>
      `${stageName(s.stage)} ${fixed ? `${formatMs(s.durationMs)} fixed duration` : 'rounds'}: ${plural(s.flows, 'flow')}` +
      `${s.releasedToEndMs !== null ? `, ${formatMs(s.releasedToEndMs)} from the barrier's release to the last flow's end` : ''}`,
  );
  const stopped = report.stages.flatMap((s) => s.stoppedBy.map((stop) => `${stageName(s.stage)} ${stopLine(stop)}`));
  const accounted = report.stages.map(
    (s) =>
      `${stageName(s.stage)} ${s.flows} started = ${s.flows} reported (${s.pass} pass, ${s.fail - s.interrupted} fail, ${s.interrupted} interrupted` +
      `${s.runnerReported > 0 ? `; ${s.runnerReported} reported by the runner because the worker ended first` : ''}` +
      `${s.gate?.flows !== undefined ? `; stop conditions judged on ${plural(s.gate.flows, 'flow')}` : ''})`,
  );
  return [
    '## Stage Results',
    '',
    '| Stage | Workers | Pass | Fail | p95 total | p95 payment intent | p95 scanner | p95 notification | 5xx rate |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Workers: peak number of flows running at once, measured from their start and end times. Pass/Fail count flows (${
      fixed
        ? `every flow started within the stage's fixed duration, ${formatMs(report.stageLength.durationMs)} (STAGE_DURATION), back to back in each of level slots`
        : `level × ${report.stageLength.rounds ?? 'ROUNDS'}, every round`
    }).`,
    ...(lengths.length > 0 ? [`Stage length: ${lengths.join(' · ')}.`] : []),
    ...(stopped.length > 0 ? [`Stopped on a P0 (STOP_ON_P0): ${stopped.join(' · ')}.`] : []),
    `Passed flows per second: ${throughput.join(' · ') || 'no stage ran'}.`,
    ...(accounted.length > 0 ? [`Every started flow accounted for: ${accounted.join(' · ')}.`] : []),
    ...indeterminateLines(report),
    ...(report.stagesNotRun.length > 0 ? ['', `Stages selected but not run (no worker results): ${stageList(report.stagesNotRun)}.`] : []),
    '',
    ...loadGeneratorTable(report),
    ...operationTable(report),
    '',
    ...probeTable(report),
    ...chartLinks(charts, 'stages'),
  ];
}

/** A per-step wrong-recipient cell: the count where the step's flows recorded misdeliveries by type, why not otherwise. */
const wrongRecipientCell = (n: NotificationStep): string | number =>
  n.wrongRecipient ?? 'not measured (no misdeliveries by type in these results)';

/** Missing copies, with how many of them an approved known gap covered. */
const missingCell = (missing: number, knownGap: number): string | number => (knownGap > 0 ? `${missing} (${knownGap} known gap)` : missing);

function notificationResults(report: Report, charts: readonly ChartRef[]): string[] {
  const rows = report.stages.flatMap((s) => [
    ...s.notifications.steps.map((n) =>
      row([
        `${stageName(s.stage)} · ${n.step}`,
        n.expected,
        n.observed,
        missingCell(n.missing, n.knownGap),
        wrongRecipientCell(n),
        formatMs(n.p95LatencyMs),
      ]),
    ),
    row([
      `**${stageName(s.stage)} · all steps**`,
      s.notifications.expected,
      s.notifications.observed,
      missingCell(s.notifications.missing, s.notifications.knownGap),
      s.notifications.wrongRecipient ?? notMeasured(s, 'wrongRecipient'),
      formatMs(s.notifications.p95LatencyMs),
    ]),
  ]);
  const devices = report.stages.map(
    (s) => `${stageName(s.stage)} ${s.notifications.devicesPerRecipient ?? 'not stated (one row per recipient in these results)'}`,
  );
  const duplicates = report.stages.map((s) => `${stageName(s.stage)} ${s.notifications.duplicates}`).join(' · ');
  const leaks = report.stages.flatMap((s) =>
    s.notifications.steps.filter((n) => (n.crossWorkerLeaks ?? 0) > 0).map((n) => `${stageName(s.stage)} ${n.step} ${n.crossWorkerLeaks}`),
  );
  const malformed = report.stages.map((s) => {
    const m = s.notifications.malformed;
    return `${stageName(s.stage)} ${m === null ? 'not measured (results without the count)' : m.count}`;
  });
  return [
    '## Notification Results',
    '',
    '| Step | Expected | Observed | Missing | Wrong recipient | p95 latency |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'Counted in copies: a notification is expected once on every device of its recipient (expected = recipients × devices), and each copy',
    'is observed, missing or duplicated on its own, with its own latency (from the trigger completing on the target to that device).',
    `Devices per recipient: ${devices.join(' · ') || 'no stage ran'}. Missing copies an approved known gap covered are shown as "(n known gap)":`,
    'no stop condition, see the "Known product gaps applied" finding.',
    'Wrong recipient per step: copies of that type that reached an inbox of the flow they were not meant for. The "all steps" row is the',
    "flows' counter, which also counts what the notification lists (GET /notifications) and the system of record showed.",
    ...(leaks.length > 0 ? [`Other flows' notifications in this flow's inboxes (cross-worker leaks), by type: ${leaks.join(' · ')}.`] : []),
    `Duplicate copies: ${duplicates || 'none measured'}.`,
    `Payloads that broke the notification contract: ${malformed.join(' · ') || 'none measured'}.`,
    '',
    ...chartLinks(charts, 'notifications'),
  ];
}

function infrastructure(report: Report): string[] {
  const { rows, unavailableReason } = report.infrastructure;
  return [
    '## Infrastructure',
    '',
    '| Stage | Backend CPU/mem | Scanner CPU/mem | Mongo | Postgres | Redis | Restarts |',
    '|---|---|---|---|---|---|---:|',
    ...rows.map((r) => row([stageName(r.stage), r.backend, r.scanner, r.mongo, r.postgres, r.redis, r.restarts])),
    ...(unavailableReason ? ['', `Infrastructure sampling data is not available for this run: ${unavailableReason}.`] : []),
  ];
}

/** `not measured (status mode)`: a counter the stage's flows did not measure, with why. */
function notMeasured(s: StageSummary, key: CorrectnessKey): string {
  return `not measured (${s.correctnessNotMeasured[key]?.reason ?? 'no flow measured it'})`;
}

/**
 * `0`, or `3 (C8 2, C16 1)` naming the stages that contributed, over the stages that measured the counter; never 0
 * for what was not measured: `not measured (status mode)` when no stage did, and the stages or flows left out otherwise.
 */
function counter(report: Report, key: CorrectnessKey): string {
  if (report.stages.length === 0) return 'not measured (no flow ran)';
  const measured = report.stages.filter((s) => s.correctness[key] !== null);
  const unmeasured = report.stages.filter((s) => s.correctness[key] === null);
  if (measured.length === 0) {
    const reasons = new Set(unmeasured.map((s) => s.correctnessNotMeasured[key]?.reason ?? 'no flow measured it'));
    return `not measured (${[...reasons].join('; ')})`;
  }
  const hit = measured.filter((s) => (s.correctness[key] ?? 0) > 0);
  const total = hit.reduce((n, s) => n + (s.correctness[key] ?? 0), 0);
  const value = hit.length === 0 ? '0' : `${total} (${hit.map((s) => `${stageName(s.stage)} ${s.correctness[key]}`).join(', ')})`;
  // Flows of measured stages that did not measure it (they ended before the probe, or never reported).
  const partial = measured.flatMap((s) => {
    const gap = s.correctnessNotMeasured[key];
    return gap ? [`${stageName(s.stage)} ${gap.flows} of ${s.flows} flows (${gap.reason})`] : [];
  });
  const left = [
    ...unmeasured.map((s) => `${stageName(s.stage)} ${notMeasured(s, key)}`),
    ...(partial.length ? [`not measured in ${partial.join(', ')}`] : []),
  ];
  return left.length > 0 ? `${value}; ${left.join('; ')}` : value;
}

function paymentCorrectness(report: Report): string[] {
  return [
    '## Payment Correctness',
    '',
    `- Duplicate credits: ${counter(report, 'duplicateCredits')}`,
    `- Under/overpayment anomalies: ${counter(report, 'underOverpayments')}`,
    `- Scanner mismatches: ${counter(report, 'evidenceMismatches')}`,
    `- Ledger mismatches: ${counter(report, 'ledgerInconsistencies')}`,
    `- Also: cross-worker leaks ${counter(report, 'crossWorkerLeaks')}; non-buyer confirmation successes ${counter(report, 'nonBuyerConfirmSuccess')}; ` +
      `double accepts ${counter(report, 'doubleAccepts')}; wrong-recipient notifications ${counter(report, 'wrongRecipient')}`,
  ];
}

function bottleneckSection(report: Report): string[] {
  const b = bottlenecks(report);
  return [
    '## Bottlenecks',
    '',
    `- API: ${b.api}`,
    `- Database: ${b.database}`,
    `- Scanner: ${b.scanner}`,
    `- Socket/notifications: ${b.notifications}`,
    `- RPC/chain: ${b.chain}`,
  ];
}

function decisions(report: Report): string[] {
  const safe = report.safeConcurrency;
  const highest = report.levels[report.levels.length - 1];
  const limitNote = safe !== null && safe === highest ? '; the ramp did not reach its limit, so higher stages may pass' : '';
  const target =
    report.overall === 'not-measured'
      ? 'not measured (no flow ran)'
      : safe === null
        ? report.safeConcurrencyNote
          ? 'none until a stage passes with a load generator that is not saturated'
          : 'none until C1 passes'
        : `at most ${plural(safe, 'simultaneous flow')}, the highest stage that passed on this dev stack; confirm on production-like infrastructure first${limitNote}`;
  const fixes = report.findings.filter((f) => f.severity === 'P0' || f.severity === 'P1').map((f) => `${f.severity} ${f.title}`);
  return [
    '## Decisions',
    '',
    `- Current safe dev concurrency: ${
      report.overall === 'not-measured'
        ? 'not measured (no flow ran)'
        : safe === null
          ? report.safeConcurrencyNote
            ? `none: ${report.safeConcurrencyNote}`
            : 'none (no stage passed with every earlier stage passing)'
          : `${stageName(safe)} (${plural(safe, 'simultaneous worker')})${report.safeConcurrencyNote ? `; ${report.safeConcurrencyNote}` : ''}`
    }`,
    `- Recommended production target: ${target}`,
    `- Required fixes before next ramp: ${fixes.length > 0 ? fixes.join('; ') : 'none (no P0/P1 findings)'}`,
  ];
}

export function renderMarkdown(report: Report, charts: readonly ChartRef[] = []): string {
  const date = new Date(report.startedAt ?? report.generatedAt).toISOString().slice(0, 10);
  return [
    [`# Performance Profile Report - ${date}`],
    summary(report),
    keyFindings(report),
    stageResults(report, charts),
    notificationResults(report, charts),
    infrastructure(report),
    paymentCorrectness(report),
    bottleneckSection(report),
    decisions(report),
  ]
    .map((section) => section.join('\n').trimEnd())
    .join('\n\n')
    .concat('\n');
}
