// Chart specs (vega-lite) built purely from the report and the worker results,
// and their rendering to SVG in Node (vega's SVG renderer needs no canvas).
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { WorkerResult } from '../contract/worker-result.ts';
import { stageName } from '../config/stages.ts';
import type { Report } from './schema.ts';

/** Where report.md shows the chart. */
export type ChartSection = 'stages' | 'notifications';

export interface ChartSpec {
  /** File name under charts/. */
  file: string;
  title: string;
  section: ChartSection;
  spec: TopLevelSpec;
}

/** A scatter with more points than this keeps every k-th call: an SVG of millions of circles helps nobody. */
export const MAX_SCATTER_POINTS = 5_000;

const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  width: 640,
  height: 320,
  background: 'white',
  config: { font: 'sans-serif' },
} as const;

/** What differs between the charts: a single-view spec's mark and encoding. */
type ChartBody = Pick<Extract<TopLevelSpec, { mark: unknown }>, 'mark' | 'encoding'>;

/** A chart: its file, title and section, and a vega-lite spec of the shared base, that title and these values. */
function chart(file: string, title: string, section: ChartSection, values: object[], body: ChartBody): ChartSpec {
  return { file, title, section, spec: { ...BASE, title, data: { values }, ...body } as TopLevelSpec };
}

function stageAxis(report: Report) {
  return {
    field: 'stage',
    type: 'ordinal',
    title: 'stage',
    sort: report.stages.map((s) => stageName(s.stage)),
    axis: { labelAngle: 0 },
  } as const;
}

function p95ByOperation(report: Report): ChartSpec | null {
  const values = report.stages.flatMap((s) =>
    Object.entries(s.ops).map(([op, stats]) => ({ stage: stageName(s.stage), op, p95: stats.p95, n: stats.n })),
  );
  if (values.length === 0) return null;
  return chart('p95-by-operation.svg', 'p95 latency per operation by stage', 'stages', values, {
    mark: { type: 'line', point: true },
    encoding: {
      x: stageAxis(report),
      // log: ops range from a few ms to seconds (a measured duration is never 0)
      y: { field: 'p95', type: 'quantitative', title: 'p95 (ms, log scale)', scale: { type: 'log' } },
      color: { field: 'op', type: 'nominal', title: 'operation' },
    },
  });
}

function flowsPerSecond(report: Report): ChartSpec | null {
  const values = report.stages
    .filter((s) => s.flowsPerSec !== null)
    .map((s) => ({ stage: stageName(s.stage), flowsPerSec: s.flowsPerSec }));
  if (values.length === 0) return null;
  return chart('flows-per-second.svg', 'Passed flows per second by stage', 'stages', values, {
    mark: 'bar',
    encoding: { x: stageAxis(report), y: { field: 'flowsPerSec', type: 'quantitative', title: 'flows / s' } },
  });
}

function notificationLatency(report: Report): ChartSpec | null {
  const values = report.stages.flatMap((s) => {
    const { p50LatencyMs, p95LatencyMs } = s.notifications;
    if (p50LatencyMs === null || p95LatencyMs === null) return [];
    return [
      { stage: stageName(s.stage), quantile: 'p50', ms: p50LatencyMs },
      { stage: stageName(s.stage), quantile: 'p95', ms: p95LatencyMs },
    ];
  });
  if (values.length === 0) return null;
  return chart('notification-latency.svg', 'Notification visibility latency by stage', 'notifications', values, {
    mark: { type: 'line', point: true },
    encoding: {
      x: stageAxis(report),
      y: { field: 'ms', type: 'quantitative', title: 'latency (ms)' },
      color: { field: 'quantile', type: 'nominal', title: 'percentile' },
    },
  });
}

function latencyOverTime(stage: number, flows: readonly WorkerResult[]): ChartSpec | null {
  // Business calls only: a probe's calls are correctness checks, kept out of every latency figure.
  const calls = flows.flatMap((f) => f.calls.filter((c) => c.probe === undefined));
  if (calls.length === 0) return null;
  const stageStart = flows.reduce((min, f) => Math.min(min, f.startedAt), Infinity);
  const every = Math.ceil(calls.length / MAX_SCATTER_POINTS);
  const values = calls
    .filter((_, i) => i % every === 0)
    .map((c) => ({ seconds: (c.startedAt - stageStart) / 1_000, ms: c.durationMs, op: c.op, timedOut: c.timedOut }));
  const title = `${stageName(stage)}: call latency over time${every > 1 ? ` (1 in ${every} calls shown)` : ''}`;
  return chart(`latency-over-time-${stageName(stage)}.svg`, title, 'stages', values, {
    mark: { type: 'point', filled: true, opacity: 0.7 },
    encoding: {
      x: { field: 'seconds', type: 'quantitative', title: 'seconds since stage start' },
      y: { field: 'ms', type: 'quantitative', title: 'duration (ms)' },
      color: { field: 'op', type: 'nominal', title: 'operation' },
      shape: { field: 'timedOut', type: 'nominal', title: 'timed out' },
    },
  });
}

export function chartSpecs(report: Report, results: readonly WorkerResult[]): ChartSpec[] {
  const timelines = report.stages.map((s) =>
    latencyOverTime(
      s.stage,
      results.filter((r) => r.stage === s.stage),
    ),
  );
  return [p95ByOperation(report), flowsPerSecond(report), notificationLatency(report), ...timelines].filter(
    (c): c is ChartSpec => c !== null,
  );
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
