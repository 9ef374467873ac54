// A Comparison as markdown: compare.md, the CLI's output, and report.md's "Comparison with baseline" section. Pure.
import { stageName } from '../config/stages.ts';
import type { Comparison, OpComparison, PercentileDelta, StageComparison, SuccessComparison } from './compare-schema.ts';
import { factor } from './compare-shift.ts';
import { signedMs } from './compare.ts';
import { formatMs, formatPct } from './format.ts';
import { row } from './markdown.ts';

export const COMPARISON_HEADING = 'Comparison with baseline';

const MARK = { regression: '▲', improvement: '▼' } as const;

function deltaCell(d: PercentileDelta | null): string {
  if (!d) return '—';
  const ci = d.ci ? ` [${signedMs(d.ci.low)}, ${signedMs(d.ci.high)}]` : '';
  const text = `${formatMs(d.baseline)} → ${formatMs(d.run)} (${signedMs(d.delta)}${ci})`;
  return d.flag ? `**${MARK[d.flag]} ${text}**` : text;
}

const count = (n: number | null): string => (n === null ? '—' : String(n));

function verdictCell(verdict: OpComparison['verdict'] | SuccessComparison['verdict'], note: string): string {
  if (verdict === 'regression' || verdict === 'improvement') return `**${MARK[verdict]} ${note}**`;
  return note;
}

function opRow(o: OpComparison): string {
  if (o.presence !== 'both') return row([o.op, `${count(o.baselineN)} → ${count(o.runN)}`, o.note, '', '', '']);
  return row([o.op, `${o.baselineN} → ${o.runN}`, deltaCell(o.p50), deltaCell(o.p95), deltaCell(o.p99), verdictCell(o.verdict, o.note)]);
}

function successRow(s: SuccessComparison): string {
  const rate = (r: SuccessComparison['baseline']) => `${formatPct(r.rate)} (${r.pass}/${r.flows})`;
  const delta = s.delta === null ? '' : ` (${s.delta >= 0 ? '+' : ''}${Number((s.delta * 100).toFixed(1))} pp)`;
  return row([
    'success rate',
    `${s.baseline.flows} → ${s.run.flows} flows`,
    `${rate(s.baseline)} → ${rate(s.run)}${delta}`,
    '',
    '',
    verdictCell(s.verdict, s.note),
  ]);
}

function stageSection(s: StageComparison, heading: string): string[] {
  const title = `${heading} ${stageName(s.stage)}`;
  if (s.presence !== 'both')
    return [title, '', `Ran in the ${s.presence === 'baseline only' ? 'baseline' : 'run'} only: not compared.`, ''];
  const shift = s.runWideShift;
  const shiftLine =
    shift && shift.spread !== null
      ? `Run-wide shift: ${factor(shift.log)} (median of ${shift.ops} ops' p50 shifts, standard deviation ${factor(shift.spread)}; ` +
        `each op is judged against the other ops' shift and spread, its threshold in its row): shared by every op, shown, never flagged.`
      : `Run-wide shift: not estimated (${shift?.ops ?? 0} ops with samples in both runs), so no op is judged against it.`;
  return [
    title,
    '',
    shiftLine,
    '',
    '| Op | n (baseline → run) | p50 | p95 | p99 | Verdict |',
    '|---|---|---|---|---|---|',
    ...(s.success ? [successRow(s.success)] : []),
    ...s.ops.map(opRow),
    '',
  ];
}

/** The comparison's lines; `level` 1 for compare.md (`#` title), 2 for report.md's section. */
export function renderComparison(c: Comparison, level: 1 | 2 = 2): string[] {
  const h = '#'.repeat(level);
  const list = (label: string, items: readonly string[]) =>
    items.length === 0 ? [`${label}: none.`] : [`${label}:`, ...items.map((i) => `- ${i}`)];
  return [
    `${h} ${COMPARISON_HEADING}`,
    '',
    `Baseline: run \`${c.baseline.runId}\` (${c.baseline.source}, ${c.baseline.generatedAt}); this run: \`${c.run.runId}\` (${c.run.generatedAt}).`,
    '',
    ...list('Regressions', c.regressions),
    '',
    ...list('Improvements', c.improvements),
    '',
    `Deltas are run − baseline with their ${c.method.ciLevel * 100}% bootstrap interval; ▲/▼ marks a flagged delta.`,
    '',
    ...c.stages.flatMap((s) => stageSection(s, `${h}#`)),
    `Noise threshold: ${c.method.description} report.json keeps at most ${c.method.samplesCap} samples per op and stage.`,
  ];
}
