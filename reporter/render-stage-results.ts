// report.md's Stage Results: the stage table (workers, pass/fail, p95
// columns, 5xx), stage length, P0 stops, throughput, every started flow
// accounted for, writes without an answer, then the load generator table, the
// latency tables (render-latency.ts) and the stage charts.
import { LOAD_GENERATOR_LIMITS, stageName } from '../config/stages.ts';
import { stopLine } from './findings-correctness.ts';
import { formatMs, formatPct, formatRate, plural } from './format.ts';
import { chartLinks, row, stageList, type ChartRef } from './markdown.ts';
import { operationTable, probeTable } from './render-latency.ts';
import type { LoadGenerator, Report, StageSummary } from './schema.ts';

function scannerCell(s: StageSummary): string {
  const { scannerCheckMs, scannerConfirmMs } = s.p95;
  if (scannerCheckMs === null && scannerConfirmMs === null) return '—';
  return `check ${formatMs(scannerCheckMs)} · confirm ${formatMs(scannerConfirmMs)}`;
}

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

export function stageResults(report: Report, charts: readonly ChartRef[]): string[] {
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
    ...report.stages.flatMap((s) =>
      s.gate?.notEvaluated?.length
        ? [`Not evaluated by the gate of ${stageName(s.stage)} (no reading: neither passed nor failed): ${s.gate.notEvaluated.join('; ')}.`]
        : [],
    ),
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
