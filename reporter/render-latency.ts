// report.md's latency tables under Stage Results: every operation against its
// goals (bold when it misses one), and the correctness probes timed apart.
import { LATENCY_GOALS, LOW_N, stageName } from '../config/stages.ts';
import { formatMs } from './format.ts';
import { row } from './markdown.ts';
import type { Report } from './schema.ts';

/** p50/p95/p99 cell, bold when it misses its goal (strict "<" as in the spec). */
function quantileCell(value: number, goal: number | undefined): string {
  return goal !== undefined && value >= goal ? `**${formatMs(value)}**` : formatMs(value);
}

export function operationTable(report: Report): string[] {
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
export function probeTable(report: Report): string[] {
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
