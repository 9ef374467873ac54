// Latency against goals, one panel per operation (or notification type): p50, p95 and p99 across the stages, the
// p95 goal as a dashed line and a ring on every p95 above it. A single-stage run gets one panel with a row per
// operation instead (p50 to p99 as a bar, p95 as a dot, the goal as a tick), not a column of dots.
import type { WorkerResult } from '../contract/worker-result.ts';
import { stageName, type LatencyGoal } from '../config/stages.ts';
import { nearestRank } from '../lib/stats.ts';
import {
  ALERT,
  MS_LABELS,
  chart,
  firstFew,
  notDrawn,
  PERCENTILE_COLORS,
  stageAxis,
  type ChartSection,
  type ChartSpec,
} from './charts-base.ts';
import { formatMs } from './format.ts';
import type { Report } from './schema.ts';

const PERCENTILES = ['p50', 'p95', 'p99'] as const;
/** A stage's percentiles of one series, and how many samples they are of. */
type Percentiles = Record<(typeof PERCENTILES)[number] | 'n', number>;

/** One panel: an operation (or notification type), its p95 goal, and its percentiles per stage it was measured in. */
export interface LatencySeries {
  label: string;
  goalMs: number | null;
  points: { stage: number; stats: Percentiles }[];
}

const COLOR = {
  field: 'percentile',
  type: 'nominal',
  title: null,
  scale: { domain: [...PERCENTILES], range: PERCENTILES.map((p) => PERCENTILE_COLORS[p]) },
  legend: { orient: 'top', direction: 'horizontal' },
} as const;

/** A log scale has no 0: a faster figure (a notification seen with its write's answer) is drawn at 1 ms, and said. */
const LOG_FLOOR_MS = 1;
/** Labels at 1, 2 and 5 of each decade only: every log tick labelled is a wall of numbers. */
const LOG_LABELS = `indexof(['1', '2', '5'], slice(toString(datum.value), 0, 1)) >= 0 ? ${MS_LABELS} : ''`;
const P95 = "datum.percentile === 'p95'";
const NOT_P95 = "datum.percentile !== 'p95'";

/** p95 above its goal: the line the reader looks for. */
const failing = (stats: Percentiles, goalMs: number | null): boolean => goalMs !== null && stats.p95 > goalMs;

function values(series: readonly LatencySeries[]) {
  return series.flatMap((s) =>
    s.points.flatMap(({ stage, stats }) =>
      PERCENTILES.map((percentile) => ({
        panel: s.label,
        stage: stageName(stage),
        percentile,
        ms: Math.max(stats[percentile], LOG_FLOOR_MS),
        low: Math.max(stats.p50, LOG_FLOOR_MS),
        high: Math.max(stats.p99, LOG_FLOOR_MS),
        goalMs: s.goalMs,
        failing: percentile === 'p95' && failing(stats, s.goalMs),
        label: percentile === 'p95' ? formatMs(stats.p95) : '',
      })),
    ),
  );
}

/** `12` or `4–60`: the samples per stage, so a p99 equal to its p95 (few samples) is no surprise. */
function sampleCounts(s: LatencySeries): string {
  const ns = s.points.map((p) => p.stats.n);
  const [low, high] = [Math.min(...ns), Math.max(...ns)];
  return low === high ? String(low) : `${low}–${high}`;
}

/** A panel's title: the series, and its goal under it (in red when a p95 is above it). */
const panelTitle = (s: LatencySeries) => ({
  text: s.label,
  subtitle: `${s.goalMs === null ? 'no goal' : `p95 goal ${formatMs(s.goalMs)}`} · n ${sampleCounts(s)}`,
  fontSize: 12,
  subtitleFontSize: 11,
  subtitleColor: s.points.some((p) => failing(p.stats, s.goalMs)) ? ALERT : '#555',
});
const LOG_MS = {
  field: 'ms',
  type: 'quantitative',
  title: null,
  scale: { type: 'log' },
  axis: { labelExpr: LOG_LABELS },
} as const;
const RING = { type: 'point', shape: 'circle', size: 220, strokeWidth: 2.5, color: ALERT, filled: false } as const;

/** Small multiples: a panel per series, p50/p95/p99 lines across the stages. */
function perStage(report: Report, series: readonly LatencySeries[]) {
  const x = stageAxis(report, null);
  return {
    data: { values: values(series) },
    columns: Math.min(4, series.length),
    resolve: { scale: { y: 'independent' } },
    concat: series.map((s) => ({
      title: panelTitle(s),
      width: 180,
      height: 120,
      transform: [{ filter: { field: 'panel', equal: s.label } }],
      layer: [
        // p95 last and thicker: with few samples p99 equals p95 and would hide it
        {
          transform: [{ filter: NOT_P95 }],
          mark: { type: 'line', point: { size: 25 }, strokeWidth: 1.5 },
          encoding: { x, y: LOG_MS, color: COLOR },
        },
        {
          transform: [{ filter: P95 }],
          mark: { type: 'line', point: { size: 45 }, strokeWidth: 2.5 },
          encoding: { x, y: LOG_MS, color: COLOR },
        },
        { transform: [{ filter: 'datum.failing' }], mark: RING, encoding: { x, y: LOG_MS } },
        ...(s.goalMs === null
          ? []
          : [{ mark: { type: 'rule', color: ALERT, strokeDash: [5, 4], strokeWidth: 1.5 }, encoding: { y: { datum: s.goalMs } } }]),
      ],
    })),
  };
}

/** One stage: a row per series, p50..p99 as a bar, the three percentiles as dots, the goal as a tick. */
function oneStage(series: readonly LatencySeries[]) {
  const y = { field: 'panel', type: 'nominal', title: null, sort: series.map((s) => s.label), axis: { labelLimit: 320 } } as const;
  const x = { ...LOG_MS, title: 'log scale' };
  const p95 = { filter: P95 };
  return {
    data: { values: values(series) },
    width: 520,
    height: { step: 26 },
    layer: [
      {
        transform: [p95],
        mark: { type: 'rule', color: '#bbb', strokeWidth: 6 },
        encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
      },
      { transform: [{ filter: NOT_P95 }], mark: { type: 'point', filled: true, size: 60, opacity: 1 }, encoding: { y, x, color: COLOR } },
      { transform: [p95], mark: { type: 'point', filled: true, size: 90, opacity: 1 }, encoding: { y, x, color: COLOR } },
      { transform: [{ filter: 'datum.failing' }], mark: RING, encoding: { y, x } },
      {
        transform: [p95, { filter: 'datum.goalMs !== null' }],
        mark: { type: 'tick', color: ALERT, thickness: 2.5, size: 20 },
        encoding: { y, x: { field: 'goalMs', type: 'quantitative' } },
      },
      {
        transform: [p95],
        mark: { type: 'text', align: 'left', dx: 8, dy: -9, fontSize: 10 },
        encoding: { y, x, text: { field: 'label' } },
      },
    ],
  };
}

/**
 * `login p95 crosses its 1 s goal at C8 (1.4 s)` for each series that goes above its goal, first crossings first;
 * otherwise the one closest to its goal.
 */
export function latencyTakeaway(series: readonly LatencySeries[], noun: string, stages: number): string {
  const crossings = series.flatMap((s) => {
    const at = s.points.findIndex((p) => failing(p.stats, s.goalMs));
    if (at === -1) return [];
    const { stage, stats } = s.points[at]!;
    // above it where first measured: `from C1` (`at C2` when the run had one stage); otherwise it crossed it there
    const [verb, when] = at > 0 ? ['crosses', 'at'] : ['is above', stages > 1 ? 'from' : 'at'];
    return [{ stage, text: `${s.label} p95 ${verb} its ${formatMs(s.goalMs)} goal ${when} ${stageName(stage)} (${formatMs(stats.p95)})` }];
  });
  if (crossings.length > 0) return firstFew(crossings.sort((a, b) => a.stage - b.stage).map((c) => c.text));
  const closest = series
    .flatMap((s) => s.points.map((p) => ({ s, p, share: s.goalMs === null ? -1 : p.stats.p95 / s.goalMs })))
    .reduce<{ s: LatencySeries; p: LatencySeries['points'][number]; share: number } | null>(
      (a, b) => (a === null || b.share > a.share ? b : a),
      null,
    );
  if (closest === null || closest.share < 0) return `no ${noun} has a goal to judge against`;
  const where = stages === 1 ? '' : ' at every stage';
  return `every ${noun}'s p95 is under its goal${where}; closest: ${closest.s.label} ${formatMs(closest.p.stats.p95)} at ${stageName(closest.p.stage)}, ${Math.round(closest.share * 100)}% of its ${formatMs(closest.s.goalMs)} goal`;
}

function latencyChart(
  report: Report,
  file: string,
  title: string,
  section: ChartSection,
  noun: string,
  series: LatencySeries[],
): ChartSpec {
  const stages = report.stages.length;
  const subtitle =
    stages === 1
      ? `${stageName(report.stages[0]!.stage)} · bar p50 to p99, dots p50/p95/p99 · red tick: p95 goal · red ring: p95 above its goal`
      : 'p50, p95, p99 per stage (log scale, each panel its own) · dashed red: p95 goal · red ring: p95 above its goal';
  const floored = series.some((s) => s.points.some((p) => p.stats.p50 < LOG_FLOOR_MS));
  const spec = stages === 1 ? oneStage(series) : perStage(report, series);
  const note = floored ? ` · under ${LOG_FLOOR_MS} ms drawn at ${LOG_FLOOR_MS} ms` : '';
  return chart(file, title, subtitle + note, section, latencyTakeaway(series, noun, stages), spec);
}

/** Series in the goals' order (the flow's), then the others by name. */
function ordered(keys: Iterable<string>, goals: Readonly<Record<string, LatencyGoal>>): string[] {
  const order = Object.keys(goals);
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return [...new Set(keys)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function operationLatencyChart(report: Report, goals: Readonly<Record<string, LatencyGoal>>): ChartSpec {
  const file = 'latency-by-operation.svg';
  const title = 'Latency per operation by stage, against its goal';
  // notification visibility is charted per type with the notifications
  const ops = ordered(
    report.stages.flatMap((s) => Object.keys(s.ops).filter((op) => op !== 'notification')),
    goals,
  );
  if (ops.length === 0) return notDrawn(file, title, 'stages', 'no operation was timed');
  const series = ops.map((op) => ({
    label: goals[op]?.label ?? op,
    goalMs: goals[op]?.p95 ?? null,
    points: report.stages.flatMap((s) => (s.ops[op] ? [{ stage: s.stage, stats: s.ops[op] }] : [])),
  }));
  return latencyChart(report, file, title, 'stages', 'operation', series);
}

/** Per notification type and stage, the percentiles of its observed copies' latency (as summarize-notifications.ts). */
function notificationSeries(report: Report, results: readonly WorkerResult[], goalMs: number | null): LatencySeries[] {
  // type -> stage -> latencies of its observed copies, in one pass over the results
  const latencies = new Map<string, Map<number, number[]>>();
  for (const r of results)
    for (const n of r.notifications) {
      if (!n.observed || n.latencyMs === null) continue;
      const byStage = latencies.get(n.step) ?? latencies.set(n.step, new Map()).get(n.step)!;
      const values = byStage.get(r.stage);
      if (values) values.push(n.latencyMs);
      else byStage.set(r.stage, [n.latencyMs]);
    }
  const percentiles = (values: number[]): Percentiles => {
    const sorted = Float64Array.from(values).sort();
    return { p50: nearestRank(sorted, 50), p95: nearestRank(sorted, 95), p99: nearestRank(sorted, 99), n: values.length };
  };
  const all: LatencySeries = {
    label: 'all types',
    goalMs,
    points: report.stages.flatMap((s) => (s.ops.notification ? [{ stage: s.stage, stats: s.ops.notification }] : [])),
  };
  const byType = [...latencies.keys()].sort().map((type) => ({
    label: type,
    goalMs,
    points: report.stages.flatMap((s) => {
      const values = latencies.get(type)!.get(s.stage);
      return values ? [{ stage: s.stage, stats: percentiles(values) }] : [];
    }),
  }));
  return all.points.length > 0 ? [all, ...byType] : byType;
}

export function notificationLatencyChart(
  report: Report,
  results: readonly WorkerResult[],
  goals: Readonly<Record<string, LatencyGoal>>,
): ChartSpec {
  const file = 'notification-latency.svg';
  const title = 'Notification visibility latency per type by stage, against its goal';
  const series = notificationSeries(report, results, goals.notification?.p95 ?? null).filter((s) => s.points.length > 0);
  if (series.length === 0) {
    const expected = report.stages.reduce((sum, s) => sum + s.notifications.expected, 0);
    return notDrawn(
      file,
      title,
      'notifications',
      expected === 0 ? 'no flow expected a notification' : 'no notification copy was observed with a latency',
    );
  }
  return latencyChart(report, file, title, 'notifications', 'notification type', series);
}
