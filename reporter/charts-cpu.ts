// The load generator's CPU beside the target's, per stage, from what the report already holds: the runner's share
// of the host (its loadGenerator) and each target component's average CPU in its Infrastructure row. The two are in
// different units (the sampler measures the runner against the host, a component against one core), so each has its
// own panel and says its unit. A figure that was not measured is a "not measured" mark, never a bar of 0.
import { LOAD_GENERATOR_LIMITS, stageName } from '../config/stages.ts';
import type { InfraRow } from '../contract/infra-row.ts';
import { ALERT, barPanel, chart, firstFew, notDrawn, PERCENTILE_COLORS, stageAxis, type ChartSpec } from './charts-base.ts';
import type { Report } from './schema.ts';

/** The Infrastructure row's cells that carry a component's CPU (`CPU avg 24.4%, ...`). */
const COMPONENTS = ['backend', 'scanner', 'postgres', 'redis'] as const;

export interface CpuPoint {
  panel: string;
  stage: number;
  /** Percent (of the host for the runner, of one core for a component); null: not measured. */
  pct: number | null;
  /** Why pct is null. */
  reason: string | null;
}

const RUNNER = 'runner';
const LIMIT_PCT = LOAD_GENERATOR_LIMITS.runnerCpuShare * 100;

/** The CPU average in a row's cell, or why there is none: the cell's own `not measured (why)`. */
export function cpuFromCell(cell: string): { pct: number | null; reason: string | null } {
  const avg = /CPU avg (\d+(?:\.\d+)?)%/.exec(cell);
  if (avg) return { pct: Number(avg[1]), reason: null };
  const why = /not measured \((.*)\)/.exec(cell);
  return { pct: null, reason: why ? why[1]! : `no CPU figure in "${cell}"` };
}

export function cpuPoints(report: Report): CpuPoint[] {
  const rows = new Map<number, InfraRow>(report.infrastructure.rows.map((r) => [r.stage, r]));
  const noRow = report.infrastructure.unavailableReason ?? 'no Infrastructure row for the stage';
  return report.stages.flatMap((s) => {
    const lg = s.loadGenerator;
    const runner: CpuPoint = {
      panel: RUNNER,
      stage: s.stage,
      pct: lg?.cpuShareMean == null ? null : Math.round(lg.cpuShareMean * 1_000) / 10,
      reason: lg?.cpuShareMean == null ? (lg?.cpuNotMeasured ?? 'no load generator figures for the stage') : null,
    };
    const row = rows.get(s.stage);
    const components = COMPONENTS.map((c): CpuPoint => ({
      panel: c,
      stage: s.stage,
      ...(row ? cpuFromCell(row[c]) : { pct: null, reason: noRow }),
    }));
    return [runner, ...components];
  });
}

/** `C8: runner 68% of the host, busiest target component backend 145% of one core; not measured: redis (REDIS_URL is not set)`. */
export function cpuTakeaway(points: readonly CpuPoint[]): string {
  const measured = points.filter((p) => p.pct !== null);
  const stagesOf = (panel: string) => points.filter((p) => p.panel === panel).length;
  // What was not measured, by reason: `runner at C1 (why)`, `backend, scanner (why)`
  const missing = new Map<string, string[]>();
  for (const panel of new Set(points.map((p) => p.panel))) {
    const gaps = points.filter((p) => p.panel === panel && p.pct === null);
    for (const reason of new Set(gaps.map((p) => p.reason!))) {
      const stages = gaps.filter((p) => p.reason === reason).map((p) => stageName(p.stage));
      missing.set(reason, [...(missing.get(reason) ?? []), stages.length === stagesOf(panel) ? panel : `${panel} at ${stages.join(', ')}`]);
    }
  }
  const notMeasured = firstFew(
    [...missing].map(([reason, names]) => `${names.join(', ')} (${reason})`),
    2,
  );
  if (measured.length === 0) return `not measured (${notMeasured})`;
  const last = Math.max(...measured.map((p) => p.stage));
  const at = measured.filter((p) => p.stage === last);
  const runner = at.find((p) => p.panel === RUNNER);
  const busiest = at.filter((p) => p.panel !== RUNNER).reduce<CpuPoint | null>((a, p) => (a === null || p.pct! > a.pct! ? p : a), null);
  const parts = [
    runner
      ? `runner ${runner.pct}% of the host${runner.pct! > LIMIT_PCT ? ` (above the ${LIMIT_PCT}% saturation limit)` : ''}`
      : 'runner not measured',
    busiest ? `busiest target component ${busiest.panel} ${busiest.pct}% of one core` : 'no target component measured',
  ];
  return `${stageName(last)}: ${parts.join(', ')}${missing.size > 0 ? `; not measured: ${notMeasured}` : ''}`;
}

export function cpuChart(report: Report): ChartSpec {
  const file = 'cpu-by-stage.svg';
  const title = 'CPU by stage: load generator against target';
  if (report.stages.length === 0) return notDrawn(file, title, 'infrastructure', 'no flow ran');
  const points = cpuPoints(report);
  if (points.every((p) => p.pct === null)) return { file, title, section: 'infrastructure', takeaway: cpuTakeaway(points), spec: null };
  const values = points.map((p) => ({ ...p, stage: stageName(p.stage), label: p.pct === null ? '' : `${p.pct}%` }));
  const x = stageAxis(report, null);
  const panel = (name: string, title: string, unit: string, color: string, limit?: number) => {
    const pcts = points.filter((p) => p.panel === name && p.pct !== null).map((p) => p.pct!);
    return barPanel({
      title,
      subtitle: unit,
      field: 'pct',
      label: 'label',
      x,
      bars: report.stages.length,
      color: { value: color },
      y: { scale: { domain: [0, Math.max(...pcts, limit ?? 1) * 1.15] }, axis: { labelExpr: "datum.value + '%'", tickCount: 4 } },
      transform: [{ filter: { field: 'panel', equal: name } }],
      extra: limit === undefined ? [] : [{ mark: { type: 'rule', color: ALERT, strokeDash: [5, 4] }, encoding: { y: { datum: limit } } }],
      measured: pcts.length > 0,
    });
  };
  return chart(
    file,
    title,
    'load generator: % of the host (dashed: saturation limit) · target components: % of one core',
    'infrastructure',
    cpuTakeaway(points),
    {
      data: { values },
      // one stage: five narrow panels fit one row
      columns: report.stages.length === 1 ? 5 : 3,
      resolve: { scale: { y: 'independent' } },
      concat: [
        panel(RUNNER, 'load generator', 'runner + workers, % of host', '#555555', LIMIT_PCT),
        ...COMPONENTS.map((c) => panel(c, `target: ${c}`, '% of one core', PERCENTILE_COLORS.p95)),
      ],
    },
  );
}
