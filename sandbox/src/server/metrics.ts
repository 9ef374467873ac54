// Prometheus metrics of the backend. GET /metrics merges in the scanner's.
import client from 'prom-client';

export function createMetrics() {
  const registry = new client.Registry();
  registry.setDefaultLabels({ component: 'backend' });
  client.collectDefaultMetrics({ register: registry });
  return {
    registry,
    http: new client.Histogram({
      name: 'http_request_duration_seconds',
      help: 'API request duration by route',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    sockets: new client.Gauge({ name: 'socketio_connected_clients', help: 'Connected Socket.IO clients', registers: [registry] }),
    emitted: new client.Counter({
      name: 'socketio_events_emitted_total',
      help: 'Socket.IO events emitted',
      labelNames: ['event'],
      registers: [registry],
    }),
    inserts: new client.Counter({ name: 'notification_inserts_total', help: 'Notification rows inserted', registers: [registry] }),
    errors: new client.Counter({
      name: 'notification_errors_total',
      help: 'Notifications that failed to insert or emit',
      labelNames: ['stage'],
      registers: [registry],
    }),
    restarts: new client.Gauge({
      name: 'sandbox_component_restarts',
      help: 'Restarts of each sandbox component since launch',
      labelNames: ['name'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Backend metrics plus the scanner's (fetched as JSON), as one Prometheus text. */
export async function renderMetrics(metrics: Metrics, scannerUrl: string | undefined): Promise<string> {
  const parts = [await metrics.registry.getMetricsAsJSON()];
  if (scannerUrl) {
    const res = await fetch(`${scannerUrl}/metrics.json`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    if (res?.ok) parts.push(await res.json());
  }
  return client.AggregatorRegistry.aggregate(parts as Parameters<typeof client.AggregatorRegistry.aggregate>[0]).metrics();
}
