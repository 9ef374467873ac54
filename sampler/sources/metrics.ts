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

export function metricsFields(text: string): Fields {
  const families = parsePrometheus(text);
  const fields: Fields = {};
  for (const [field, metric] of Object.entries(SUMMED)) fields[field] = sumOf(families, metric) ?? naField(`${metric} is not in /metrics`);
  for (const [component, seconds] of byLabel(families, 'process_cpu_seconds_total', 'component'))
    fields[`cpuSeconds.${component}`] = Math.round(seconds * 1_000) / 1_000;
  for (const [component, bytes] of byLabel(families, 'process_resident_memory_bytes', 'component'))
    fields[`rssMb.${component}`] = toMb(bytes);
  return fields;
}

export function metricsSource(target: string): Source {
  const url = new URL('/metrics', target);
  return {
    async sample() {
      const res = await request(url);
      if (res.status === 404) return { na: `GET ${url.href} answered 404: the target exposes no metrics` };
      if (!res.ok) throw new Error(`GET ${url.href} answered ${res.status}`);
      return metricsFields(await res.text());
    },
  };
}
