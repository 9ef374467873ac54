// A small parser of the Prometheus text exposition format (version 0.0.4):
// enough for gauges and counters; histogram series come through as their
// _bucket/_sum/_count names.

export interface Series {
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  /** From `# TYPE`; undefined when the metric has samples but no TYPE line. */
  type?: string;
  series: Series[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parseValue(raw: string): number {
  if (raw === '+Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  return Number(raw);
}

export function parsePrometheus(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string) => families.get(name) ?? families.set(name, { series: [] }).get(name)!;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const type = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
    if (type) family(type[1]!).type = type[2];
    if (line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`metrics line ${JSON.stringify(line.slice(0, 80))} is not Prometheus text format`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (m[2] ?? '').matchAll(LABEL))
      labels[key!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    family(m[1]!).series.push({ labels, value: parseValue(m[3]!) });
  }
  return families;
}

/**
 * The sum of a metric over all its label sets. A counter that is declared but
 * has no series yet (a labelled counter nothing has incremented) is 0; a metric
 * the target does not expose at all is undefined, so it is reported as n/a.
 */
export function sumOf(families: ReadonlyMap<string, Family>, name: string): number | undefined {
  const family = families.get(name);
  if (!family) return undefined;
  if (family.series.length === 0) return family.type === 'counter' ? 0 : undefined;
  return family.series.reduce((sum, s) => sum + s.value, 0);
}

/** One value per value of `label` (e.g. per `component`), summed over the other labels. */
export function byLabel(families: ReadonlyMap<string, Family>, name: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of families.get(name)?.series ?? []) {
    const key = s.labels[label];
    if (key !== undefined) out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}
