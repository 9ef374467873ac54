// Number formatting shared by report.md, findings and the live progress line.

/** `4.2 ms`, `820 ms`, `1 s`, `2.1 s`, `3.5 min`; `—` when there is no value. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(1))} s`;
  return `${Number((ms / 60_000).toFixed(1))} min`;
}

/** `1 worker`, `3 workers`; `1 copy`, `2 copies` with the plural given. */
export const plural = (n: number, noun: string, nouns = `${noun}s`): string => `${n} ${n === 1 ? noun : nouns}`;

/** A ratio as a percentage: `0%`, `0.42%`, `12.5%`; `—` when there is no value. */
export function formatPct(ratio: number | null): string {
  if (ratio === null) return '—';
  if (ratio === 0) return '0%';
  return `${Number((ratio * 100).toPrecision(3))}%`;
}

/** `12.34` → `12.3`, `0.0456` → `0.0456`; `—` when there is no value. */
export function formatRate(value: number | null): string {
  return value === null ? '—' : String(Number(value.toPrecision(3)));
}

/** Examples kept per failure class, missing notification type, correctness counter and error list. */
export const EXAMPLES = 3;

/** `a, b, c +4 more`: the first few examples of `total` things, so evidence lines stay short. */
export function withMore(examples: readonly string[], total: number, separator = ', '): string {
  return total > examples.length ? `${examples.join(separator)} +${total - examples.length} more` : examples.join(separator);
}
