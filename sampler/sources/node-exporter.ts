// The target host's CPU and memory from its node exporter (TARGET_METRICS=node=http://<host>:9100/metrics), in the
// host source's fields: so "host CPU/memory after cooldown" is the target's host, not the load generator's.
import { byLabel, parsePrometheus, sumOf } from '../prometheus.ts';
import { request } from '../http.ts';
import { naField, toMb, type Fields, type Source } from '../types.ts';

interface CpuReading {
  idle: number;
  total: number;
}

const fraction = (v: number): number => Math.round(v * 10_000) / 10_000;

/** Host fields from one node exporter scrape; `previous` gives the CPU delta (the first scrape has none). */
export function nodeExporterFields(text: string, previous: CpuReading | undefined): { fields: Fields; cpu: CpuReading | undefined } {
  const families = parsePrometheus(text);
  const byMode = byLabel(families, 'node_cpu_seconds_total', 'mode');
  const cores = new Set((families.get('node_cpu_seconds_total')?.series ?? []).map((s) => s.labels.cpu)).size;
  const total = [...byMode.values()].reduce((a, v) => a + v, 0);
  const cpu = byMode.size ? { idle: (byMode.get('idle') ?? 0) + (byMode.get('iowait') ?? 0), total } : undefined;
  const memTotal = sumOf(families, 'node_memory_MemTotal_bytes');
  const memAvailable = sumOf(families, 'node_memory_MemAvailable_bytes');
  const dt = cpu && previous ? cpu.total - previous.total : 0;
  const fields: Fields = {
    cpuFraction: !cpu
      ? naField('node_cpu_seconds_total is not in the node exporter metrics')
      : !previous || dt <= 0
        ? naField('first node exporter reading, no CPU delta yet')
        : fraction(1 - (cpu.idle - previous.idle) / dt),
    memFraction:
      memTotal && memAvailable !== undefined
        ? fraction(1 - memAvailable / memTotal)
        : naField('node_memory_MemTotal_bytes or MemAvailable_bytes missing'),
    memTotalMb: memTotal ? toMb(memTotal) : naField('node_memory_MemTotal_bytes missing'),
    memAvailableMb: memAvailable !== undefined ? toMb(memAvailable) : naField('node_memory_MemAvailable_bytes missing'),
    cores: cores || naField('no cpu label on node_cpu_seconds_total'),
  };
  return { fields, cpu };
}

export function nodeExporterHostSource(url: URL): Source {
  let previous: CpuReading | undefined;
  return {
    async sample() {
      const res = await request(url);
      if (!res.ok) throw new Error(`GET ${url.href} answered ${res.status}`);
      const { fields, cpu } = nodeExporterFields(await res.text(), previous);
      previous = cpu ?? previous;
      return fields;
    },
  };
}
