// The target's GET /metrics (Prometheus text): Socket.IO clients and emitted
// events, notification inserts and errors, scanner backlog and lag, and the
// CPU seconds and resident memory each component reports of itself.
import { byLabel, parsePrometheus, sumOf } from '../prometheus.ts';
import { request } from '../http.ts';
import { naField, toMb, type Fields, type Source } from '../types.ts';

/** Field name -> metric, summed over label sets (backend and scanner both insert notifications). */
const SUMMED = {
  socketClients: 'socketio_connected_clients',
  eventsEmitted: 'socketio_events_emitted_total',
  notificationInserts: 'notification_inserts_total',
  notificationErrors: 'notification_errors_total',
  scannerBacklog: 'scanner_backlog',
  scannerLagBlocks: 'scanner_lag_blocks',
} as const;

export type MetricField = keyof typeof SUMMED;
export const METRIC_FIELDS = Object.keys(SUMMED) as MetricField[];

/** The procedure's fields from Prometheus text; `names` maps a field to the target's metric name (TARGET_METRIC_NAMES). */
export function metricsFields(text: string, names: Partial<Record<MetricField, string>> = {}, component?: string): Fields {
  const families = parsePrometheus(text);
  const fields: Fields = {};
  for (const [field, metric] of Object.entries({ ...SUMMED, ...names }))
    fields[field] = sumOf(families, metric) ?? naField(`${metric} is not in the metrics`);
  // An endpoint of one component reports its own process without a component label: it is that component's.
  if (component && !families.get('process_cpu_seconds_total')?.series.some((x) => x.labels.component !== undefined)) {
    const cpu = sumOf(families, 'process_cpu_seconds_total');
    const rss = sumOf(families, 'process_resident_memory_bytes');
    if (cpu !== undefined) fields[`cpuSeconds.${component}`] = Math.round(cpu * 1_000) / 1_000;
    if (rss !== undefined) fields[`rssMb.${component}`] = toMb(rss);
    return fields;
  }
  for (const [component, seconds] of byLabel(families, 'process_cpu_seconds_total', 'component'))
    fields[`cpuSeconds.${component}`] = Math.round(seconds * 1_000) / 1_000;
  for (const [component, bytes] of byLabel(families, 'process_resident_memory_bytes', 'component'))
    fields[`rssMb.${component}`] = toMb(bytes);
  return fields;
}

/**
 * The target's metrics endpoints, per component (absolute, or relative to the target). One endpoint: its fields. Several:
 * counters and gauges summed, each component's own CPU and memory kept. None: not measured, with `none` as the reason.
 */
export function metricsSource(
  target: string,
  endpoints: Record<string, string> = { target: '/metrics' },
  names: Partial<Record<MetricField, string>> = {},
  none = 'the target offers no metrics endpoint (TARGET_METRICS names them)',
): Source {
  const urls = Object.entries(endpoints).map(([component, path]) => [component, new URL(path, target)] as const);
  const single = urls.length === 1;
  return {
    async sample() {
      if (!urls.length) return { na: none };
      const readings = await Promise.all(
        urls.map(async ([component, url]) => {
          const res = await request(url);
          if (res.status === 404) return { na: `GET ${url.href} answered 404: the target exposes no metrics there` };
          if (!res.ok) throw new Error(`GET ${url.href} answered ${res.status}`);
          return metricsFields(await res.text(), names, single ? undefined : component);
        }),
      );
      if (single) return readings[0]!;
      const fields: Fields = {};
      for (const reading of readings) {
        if ('na' in reading) continue;
        for (const [key, value] of Object.entries(reading)) {
          const had = fields[key];
          fields[key] = typeof value === 'number' && typeof had === 'number' ? had + value : typeof had === 'number' ? had : value;
        }
      }
      return Object.keys(fields).length ? fields : readings[0]!;
    },
  };
}
