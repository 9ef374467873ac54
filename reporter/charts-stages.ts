// The stage charts besides latency against goals: passed flows per second and the flows' success rate per stage
// (against the rate a stage must reach), and each stage's calls over time, one panel per operation.
import type { WorkerResult } from '../contract/worker-result.ts';
import { stageName, STOP_CONDITIONS, type LatencyGoal } from '../config/stages.ts';
import {
  ALERT,
  barPanel,
  chart,
  firstFew,
  MAX_SCATTER_POINTS,
  MS_LABELS,
  notDrawn,
  PERCENTILE_COLORS,
  stageAxis,
  type ChartSpec,
} from './charts-base.ts';
import { formatMs, formatPct, formatRate } from './format.ts';
import type { Report } from './schema.ts';

const BAR = PERCENTILE_COLORS.p50;

/** `peak 3.2 passed flows/s at C16, 2.1 at C32; every stage at or above its required success rate`. */
export function flowsTakeaway(report: Report): string {
  const rates = report.stages.filter((s) => s.flowsPerSec !== null);
  const peak = rates.reduce<(typeof rates)[number] | null>((a, s) => (a === null || s.flowsPerSec! > a.flowsPerSec! ? s : a), null);
  const last = rates.at(-1);
  const throughput =
    peak === null
      ? 'passed flows/s not measured (no stage has a wall time)'
      : `${rates.length === 1 ? '' : 'peak '}${formatRate(peak.flowsPerSec)} passed flows/s at ${stageName(peak.stage)}` +
        (last && last !== peak ? `, ${formatRate(last.flowsPerSec)} at ${stageName(last.stage)}` : '');
  const below = report.stages.filter((s) => s.flows > 0 && s.pass / s.flows < STOP_CONDITIONS.minSuccessRate(s.stage));
  const only = report.stages.length === 1 ? report.stages[0]! : null;
  const success =
    below.length === 0
      ? only
        ? `${only.pass} of ${only.flows} flows passed`
        : 'every stage at or above its required success rate'
      : `success below the required rate at ${firstFew(
          below.map(
            (s) => `${stageName(s.stage)} (${formatPct(s.pass / s.flows)} < ${formatPct(STOP_CONDITIONS.minSuccessRate(s.stage))})`,
          ),
        )}`;
  return `${throughput}; ${success}`;
}

export function flowsChart(report: Report): ChartSpec {
  const file = 'flows-per-stage.svg';
  const title = 'Passed flows per second and success rate by stage';
  if (report.stages.length === 0) return notDrawn(file, title, 'stages', 'no flow ran');
  const values = report.stages.map((s) => {
    const success = s.flows > 0 ? s.pass / s.flows : null;
    const required = STOP_CONDITIONS.minSuccessRate(s.stage);
    return {
      stage: stageName(s.stage),
      flowsPerSec: s.flowsPerSec,
      rateLabel: formatRate(s.flowsPerSec),
      success,
      successLabel: success === null ? '' : formatPct(success),
      required,
      below: success !== null && success < required,
    };
  });
  const x = stageAxis(report);
  const peak = Math.max(...values.map((v) => v.flowsPerSec ?? 0));
  const common = { x, bars: values.length };
  return chart(file, title, 'red bar: success below the rate its stage must reach (dashed tick)', 'stages', flowsTakeaway(report), {
    data: { values },
    hconcat: [
      barPanel({
        ...common,
        title: 'passed flows / s',
        subtitle: 'passed flows over the stage wall time',
        field: 'flowsPerSec',
        label: 'rateLabel',
        color: { value: BAR },
        y: { scale: { domain: [0, peak * 1.15 || 1] } },
        measured: values.some((v) => v.flowsPerSec !== null),
      }),
      barPanel({
        ...common,
        title: 'flows passed',
        subtitle: "share of the stage's flows",
        field: 'success',
        label: 'successLabel',
        color: { condition: { test: 'datum.below', value: ALERT }, value: BAR },
        y: { scale: { domain: [0, 1.15] }, axis: { format: '.0%', values: [0, 0.25, 0.5, 0.75, 1] } },
        extra: [
          {
            mark: { type: 'tick', color: ALERT, strokeDash: [4, 3], thickness: 1.5 },
            encoding: { x, y: { field: 'required', type: 'quantitative' } },
          },
        ],
        measured: values.some((v) => v.success !== null),
      }),
    ],
  });
}

/** `C8: slowest call create payment intent 2.3 s, 14 s into the stage; no call timed out`. */
function timelineTakeaway(
  stage: number,
  calls: readonly { op: string; ms: number; seconds: number; timedOut: boolean }[],
  label: (op: string) => string,
): string {
  const slowest = calls.reduce((a, c) => (c.ms > a.ms ? c : a));
  const timedOut = new Map<string, number>();
  for (const c of calls) if (c.timedOut) timedOut.set(label(c.op), (timedOut.get(label(c.op)) ?? 0) + 1);
  const total = [...timedOut.values()].reduce((a, b) => a + b, 0);
  const timeouts = total === 0 ? 'no call timed out' : `${total} timed out (${firstFew([...timedOut].map(([op, n]) => `${op} ${n}`))})`;
  return `${stageName(stage)}: slowest call ${label(slowest.op)} ${formatMs(slowest.ms)}, ${Number(slowest.seconds.toFixed(1))} s into the stage; ${timeouts}`;
}

export function latencyOverTime(
  stage: number,
  flows: readonly WorkerResult[],
  goals: Readonly<Record<string, LatencyGoal>>,
): ChartSpec | null {
  // Business calls only: a probe's calls are correctness checks, kept out of every latency figure.
  const calls = flows.flatMap((f) => f.calls.filter((c) => c.probe === undefined));
  if (calls.length === 0) return null;
  const stageStart = flows.reduce((min, f) => Math.min(min, f.startedAt), Infinity);
  const every = Math.ceil(calls.length / MAX_SCATTER_POINTS);
  const label = (op: string) => goals[op]?.label ?? op;
  const all = calls.map((c) => ({ seconds: (c.startedAt - stageStart) / 1_000, ms: c.durationMs, op: c.op, timedOut: c.timedOut }));
  const values = all.filter((_, i) => i % every === 0);
  const ops = Object.keys(goals).filter((op) => values.some((v) => v.op === op));
  ops.push(...[...new Set(values.map((v) => v.op))].filter((op) => !ops.includes(op)).sort());
  const x = {
    field: 'seconds',
    type: 'quantitative',
    title: 's since stage start',
    scale: { domain: [0, Math.max(...values.map((v) => v.seconds), 1)] },
  };
  const title = `${stageName(stage)}: call latency over time${every > 1 ? ` (1 in ${every} calls shown)` : ''}`;
  return chart(
    `latency-over-time-${stageName(stage)}.svg`,
    title,
    'one dot per call, one panel per operation (each its own scale) · red: timed out',
    'stages',
    timelineTakeaway(stage, all, label),
    {
      data: { values },
      columns: Math.min(4, ops.length),
      resolve: { scale: { y: 'independent' } },
      concat: ops.map((op) => ({
        title: { text: label(op), fontSize: 12 },
        width: 180,
        height: 100,
        transform: [{ filter: { field: 'op', equal: op } }],
        mark: { type: 'point', filled: true, size: 18, opacity: 0.6 },
        encoding: {
          x,
          y: { field: 'ms', type: 'quantitative', title: null, axis: { labelExpr: MS_LABELS, tickCount: 4 } },
          color: { condition: { test: 'datum.timedOut', value: ALERT }, value: BAR },
        },
      })),
    },
  );
}
