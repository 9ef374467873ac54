// The Bottlenecks section, derived from measured data only: the slowest
// operations against their goals, and "no evidence" where nothing was measured.
import { LATENCY_GOALS, stageName } from '../config/stages.ts';
import { formatMs, formatPct, plural } from './format.ts';
import type { Report } from './schema.ts';
import { NOTIFICATION_OP, NOTIFICATION_OPS } from './summarize-calls.ts';

export interface Bottlenecks {
  api: string;
  database: string;
  scanner: string;
  notifications: string;
  chain: string;
}

const SCANNER_OP = 'scannerCheck';
const API_OPS = Object.keys(LATENCY_GOALS).filter((op) => op !== SCANNER_OP && !NOTIFICATION_OPS.includes(op));

interface AgainstGoal {
  op: string;
  stage: number;
  p95: number;
  goal: number;
  ratio: number;
}

function maxBy<T>(items: readonly T[], value: (item: T) => number): T | null {
  return items.reduce<T | null>((best, item) => (best === null || value(item) > value(best) ? item : best), null);
}

/** The op/stage whose p95 is highest relative to its p95 goal. */
function worstAgainstGoal(report: Report, ops: readonly string[]): AgainstGoal | null {
  const measured = report.stages.flatMap((s) =>
    ops.flatMap((op) => {
      const stats = s.ops[op];
      if (!stats) return [];
      const goal = LATENCY_GOALS[op]!.p95;
      return [{ op, stage: s.stage, p95: stats.p95, goal, ratio: stats.p95 / goal }];
    }),
  );
  return maxBy(measured, (m) => m.ratio);
}

function describe(w: AgainstGoal): string {
  const where = `${LATENCY_GOALS[w.op]!.label} p95 ${formatMs(w.p95)} at ${stageName(w.stage)}`;
  return w.ratio >= 1
    ? `${where}, ${w.ratio.toFixed(1)}× its ${formatMs(w.goal)} goal`
    : `no evidence of a bottleneck: under the p95 goal in every stage; closest is ${where} (${Math.round(w.ratio * 100)}% of ${formatMs(w.goal)})`;
}

/** How the op's p95 moved from the first to the last stage that measured it: scaling, not just level. */
function growth(report: Report, op: string): string {
  const measured = report.stages.filter((s) => s.ops[op]);
  if (measured.length < 2) return '';
  const first = measured[0]!;
  const last = measured[measured.length - 1]!;
  return `; across stages ${stageName(first.stage)} ${formatMs(first.ops[op]!.p95)} → ${stageName(last.stage)} ${formatMs(last.ops[op]!.p95)}`;
}

function api(report: Report): string {
  const worst = worstAgainstGoal(report, API_OPS);
  if (!worst) return 'no evidence: no API calls with a latency goal were measured';
  const worst5xx = maxBy(
    report.stages.filter((s) => s.fiveXXRate !== null),
    (s) => s.fiveXXRate!,
  );
  const fiveXX = worst5xx ? `; highest 5xx rate ${formatPct(worst5xx.fiveXXRate)} (${stageName(worst5xx.stage)})` : '';
  return `${describe(worst)}${growth(report, worst.op)}${fiveXX}`;
}

function database(report: Report): string {
  const last = report.infrastructure.rows[report.infrastructure.rows.length - 1];
  if (!last) return 'no evidence: no database metrics were sampled for this run (see Infrastructure)';
  return `at ${stageName(last.stage)}: Postgres ${last.postgres}; Mongo ${last.mongo}; Redis ${last.redis}`;
}

function scanner(report: Report): string {
  const worst = worstAgainstGoal(report, [SCANNER_OP]);
  const confirms = report.stages.filter((s) => s.p95.scannerConfirmMs !== null);
  if (!worst && confirms.length === 0)
    return `no evidence: no scanner checks or confirmations were measured (payment mode ${report.mode ?? 'unknown'})`;
  const slowestConfirm = maxBy(confirms, (s) => s.p95.scannerConfirmMs!);
  const confirm = slowestConfirm
    ? `; confirmation p95 up to ${formatMs(slowestConfirm.p95.scannerConfirmMs)} (${stageName(slowestConfirm.stage)})`
    : '';
  return `${worst ? describe(worst) : 'no scanner check calls measured'}${confirm}`;
}

function notifications(report: Report): string {
  const worst = worstAgainstGoal(report, [NOTIFICATION_OP]);
  if (!worst) return 'no evidence: no notification latencies were measured';
  const missing = report.stages.reduce((n, s) => n + s.notifications.missing, 0);
  const known = report.stages.reduce((n, s) => n + s.notifications.knownGap, 0);
  const duplicates = report.stages.reduce((n, s) => n + s.notifications.duplicates, 0);
  const covered = known > 0 ? ` (${known} of them covered by known gaps)` : '';
  return `${describe(worst)}${growth(report, NOTIFICATION_OP)}; ${plural(missing, 'missing copy', 'missing copies')}${covered}, ${duplicates} duplicate copies`;
}

function chain(report: Report): string {
  if (report.mode !== 'live') return `not exercised: payment mode ${report.mode ?? 'unknown'} sends no chain transfers`;
  const external = report.stages.reduce((n, s) => n + (s.failures.find((f) => f.class === 'external')?.count ?? 0), 0);
  return `${plural(external, 'flow')} failed as external RPC/chain issues; scanner confirmation carries the chain latency (see Scanner)`;
}

export function bottlenecks(report: Report): Bottlenecks {
  return {
    api: api(report),
    database: database(report),
    scanner: scanner(report),
    notifications: notifications(report),
    chain: chain(report),
  };
}
