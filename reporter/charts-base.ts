// What every chart shares: its record (file, title, section, takeaway, spec), the base spec and palette, the stage
// axis. The charts are charts-latency.ts, charts-stages.ts and charts-cpu.ts; charts.ts lists them and renders.
import type { TopLevelSpec } from 'vega-lite';
import { stageName } from '../config/stages.ts';
import type { Report } from './schema.ts';

/** Where report.md shows the chart. */
export type ChartSection = 'stages' | 'notifications' | 'infrastructure';

export interface ChartSpec {
  /** File name under charts/. */
  file: string;
  title: string;
  section: ChartSection;
  /** One line read off the data, printed under the chart; `not measured (why)` when there is nothing to draw. */
  takeaway: string;
  /** null: nothing to draw (the takeaway says why); report.md prints the takeaway alone. */
  spec: TopLevelSpec | null;
}

/** A scatter with more points than this keeps every k-th call: an SVG of millions of circles helps nobody. */
export const MAX_SCATTER_POINTS = 5_000;

/** p50/p95/p99 in three colours that stay apart for colour-blind readers too (Okabe-Ito blue, orange, purple). */
export const PERCENTILE_COLORS = { p50: '#0072B2', p95: '#E69F00', p99: '#CC79A7' } as const;
/** Goals, limits and what misses them. */
export const ALERT = '#D62728';
export const MISSING = '#888888';
/** `400 ms`, `2 s` on an axis of milliseconds. */
export const MS_LABELS = "datum.value >= 1000 ? format(datum.value / 1000, '~g') + ' s' : format(datum.value, '~g') + ' ms'";

export const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  background: 'white',
  padding: 12,
  config: {
    font: 'sans-serif',
    title: { anchor: 'start', fontSize: 15, subtitleFontSize: 12, subtitleColor: '#555', offset: 10 },
    concat: { spacing: 28 },
    view: { stroke: '#ddd' },
    axis: { labelFontSize: 11, titleFontSize: 11, gridColor: '#eee' },
  },
} as const;

/** A chart whose data values are at the top, so its panels filter one dataset. */
export function chart(file: string, title: string, subtitle: string, section: ChartSection, takeaway: string, spec: object): ChartSpec {
  return { file, title, section, takeaway, spec: { ...BASE, title: { text: title, subtitle }, ...spec } as TopLevelSpec };
}

/** Nothing to draw: report.md says why in the chart's place. */
export const notDrawn = (file: string, title: string, section: ChartSection, why: string): ChartSpec => ({
  file,
  title,
  section,
  takeaway: `not measured (${why})`,
  spec: null,
});

/** The report's stages on an x axis, in ramp order. */
export function stageAxis(report: Report, title: string | null = 'stage') {
  return {
    field: 'stage',
    type: 'ordinal',
    title,
    sort: report.stages.map((s) => stageName(s.stage)),
    axis: { labelAngle: 0 },
  } as const;
}

/** `a; b; c +2 more`: a takeaway stays one line. */
export function firstFew(parts: readonly string[], most = 3): string {
  return parts.length > most ? `${parts.slice(0, most).join('; ')} +${parts.length - most} more` : parts.join('; ');
}

export interface BarPanel {
  title: string;
  subtitle: string;
  /** The value's field; null where it was not measured. */
  field: string;
  /** The field with each bar's label. */
  label: string;
  x: object;
  /** How many bars (stages): a panel of one is narrow, not one wide block. */
  bars: number;
  color: object;
  /** Fields of the y channel besides field and type: scale, axis. */
  y?: object;
  /** Keeps this panel's rows of the chart's data. */
  transform?: object[];
  /** Layers drawn on top: a goal, a limit. */
  extra?: object[];
  /** false: no bar to draw at all, the panel only says so. */
  measured: boolean;
}

/** Bars per stage with their value over them; `not measured` in grey where the value is null, never a bar of 0. */
export function barPanel(p: BarPanel) {
  const y = { field: p.field, type: 'quantitative', title: null, ...p.y };
  const missing = {
    transform: [{ filter: `datum.${p.field} === null` }],
    mark: {
      type: 'text',
      color: MISSING,
      fontStyle: 'italic',
      fontSize: 11,
      angle: 270,
      align: 'left',
      y: 'height',
      dx: 6,
      text: 'not measured',
    },
    encoding: { x: p.x },
  };
  return {
    title: { text: p.title, subtitle: p.subtitle, fontSize: 12, subtitleFontSize: 11 },
    width: Math.max(90, 44 * p.bars),
    height: 140,
    ...(p.transform ? { transform: p.transform } : {}),
    layer: p.measured
      ? [
          { mark: { type: 'bar', width: { band: 0.7 } }, encoding: { x: p.x, y, color: p.color } },
          {
            transform: [{ filter: `datum.${p.field} !== null` }],
            mark: { type: 'text', dy: -4, baseline: 'bottom', fontSize: 11 },
            encoding: { x: p.x, y, text: { field: p.label } },
          },
          missing,
          ...(p.extra ?? []),
        ]
      : [missing],
  };
}
