// Chart specs (vega-lite) built purely from the report and the worker results, each with the one-line takeaway
// report.md prints under it, and their rendering to SVG in Node (vega's SVG renderer needs no canvas).
// A panel never has more categories than it has distinct colours: operations, notification types and components
// are small multiples (one panel each), and colour only tells p50/p95/p99 or a failing point apart.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { WorkerResult } from '../contract/worker-result.ts';
import { latencyGoals, type LatencyGoal } from '../config/stages.ts';
import type { ChartSpec } from './charts-base.ts';
import { cpuChart } from './charts-cpu.ts';
import { notificationLatencyChart, operationLatencyChart } from './charts-latency.ts';
import { flowsChart, latencyOverTime } from './charts-stages.ts';
import type { Report } from './schema.ts';

export type { ChartSection, ChartSpec } from './charts-base.ts';
export { MAX_SCATTER_POINTS } from './charts-base.ts';

export function chartSpecs(
  report: Report,
  results: readonly WorkerResult[],
  goals: Readonly<Record<string, LatencyGoal>> = latencyGoals(),
): ChartSpec[] {
  const timelines = report.stages.map((s) =>
    latencyOverTime(
      s.stage,
      results.filter((r) => r.stage === s.stage),
      goals,
    ),
  );
  return [
    operationLatencyChart(report, goals),
    flowsChart(report),
    ...timelines,
    notificationLatencyChart(report, results, goals),
    cpuChart(report),
  ].filter((c): c is ChartSpec => c !== null);
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
