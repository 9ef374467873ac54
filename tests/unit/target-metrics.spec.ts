// One derivation of the target's metrics endpoints and names for the sampler and the gate (runner/target-metrics.ts):
// the node exporter is the host's, never a component's, and the adapter's backlog gauge holds unless the names file
// names another.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { backlogGauge, targetMetrics } from '../../runner/target-metrics.ts';

const declared = { metrics: { backend: '/metrics' }, backlogGauge: 'scanner_backlog' };

test("TARGET_METRICS replaces the adapter's endpoints; its node exporter is the host's, not a component for the backlog", () => {
  const m = targetMetrics({ TARGET_METRICS: { api: 'http://127.0.0.1:9/metrics', node: 'http://127.0.0.1:9/node' } }, declared);
  expect(m).toEqual({
    components: { api: 'http://127.0.0.1:9/metrics' },
    node: 'http://127.0.0.1:9/node',
    names: { scannerBacklog: 'scanner_backlog' },
  });
  expect(backlogGauge(m)).toEqual({ urls: ['http://127.0.0.1:9/metrics'], metric: 'scanner_backlog' });
});

test('a names file without the backlog keeps the adapter gauge; one naming it wins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'target-metrics-'));
  try {
    const file = join(dir, 'names.json');
    writeFileSync(file, JSON.stringify({ socketClients: 'ws_clients' }));
    expect(targetMetrics({ TARGET_METRIC_NAMES: file }, declared).names).toEqual({
      socketClients: 'ws_clients',
      scannerBacklog: 'scanner_backlog',
    });
    writeFileSync(file, JSON.stringify({ scannerBacklog: 'queue_depth' }));
    expect(targetMetrics({ TARGET_METRIC_NAMES: file }, declared).names).toEqual({ scannerBacklog: 'queue_depth' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no gauge or no endpoint: the gate says which is missing', () => {
  expect(backlogGauge(targetMetrics({}, { metrics: { backend: '/metrics' } }))).toEqual({
    none: 'the target offers no backlog gauge (TARGET_METRIC_NAMES scannerBacklog names it)',
  });
  expect(backlogGauge(targetMetrics({ TARGET_METRICS: { node: 'http://127.0.0.1:9/node' } }, declared))).toEqual({
    none: 'the target offers no metrics endpoint (TARGET_METRICS names them)',
  });
});
