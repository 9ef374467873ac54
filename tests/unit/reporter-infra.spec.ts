// report.md's "Sampled metrics" table under Infrastructure: one row per stage
// whose Infrastructure row carries sampled cells, not-measured reasons kept.
import { expect, test } from '@playwright/test';
import type { InfraRow, SampledMetrics } from '../../contract/infra-row.ts';
import { sampledMetrics } from '../../reporter/render-infra.ts';
import { renderMarkdown } from '../../reporter/render-markdown.ts';
import { summarize } from '../../reporter/summarize.ts';
import { baseWorkerResult } from '../../reporter/synthetic.ts';

const CELLS = { backend: 'b', scanner: 's', mongo: 'm', postgres: 'p', redis: 'r', restarts: 0 };
const MEASURED: SampledMetrics = {
  socketClients: '12',
  socketEvents: '60',
  notificationInserts: '24',
  notificationErrors: '0',
  rpcP95: '40 ms',
  rpcErrorRate: '25% of 4 probes',
  images: 'escrow-backend escrow/backend:1.4.1, escrow-pg postgres:16',
  restarts: 'backend 1, scanner 0',
};
const NOT_MEASURED: SampledMetrics = {
  ...MEASURED,
  socketClients: 'not measured (METRICS_URL is not set)',
  rpcP95: 'not measured (no RPC URL (--rpc or RPC_URL))',
  images: 'not measured (no docker engine (Cannot connect to the Docker daemon))',
};

test('one row per stage with sampled cells, after a heading, pipes escaped', () => {
  const rows: InfraRow[] = [
    { ...CELLS, stage: 1, sampled: MEASURED },
    { ...CELLS, stage: 2 }, // a row from before sampled metrics: left out
    { ...CELLS, stage: 4, sampled: { ...NOT_MEASURED, restarts: 'a|b 1' } },
  ];
  const lines = sampledMetrics(rows);
  expect(lines.slice(0, 2)).toEqual(['', '### Sampled metrics']);
  const table = lines.filter((l) => l.startsWith('|'));
  expect(table[0]).toBe(
    '| Stage | Socket.IO clients max | Events emitted | Notification inserts | Notification errors | RPC p95 | RPC errors | Docker images | Restarts by component |',
  );
  expect(table.slice(2)).toEqual([
    '| C1 | 12 | 60 | 24 | 0 | 40 ms | 25% of 4 probes | escrow-backend escrow/backend:1.4.1, escrow-pg postgres:16 | backend 1, scanner 0 |',
    '| C4 | not measured (METRICS_URL is not set) | 60 | 24 | 0 | not measured (no RPC URL (--rpc or RPC_URL)) | 25% of 4 probes | not measured (no docker engine (Cannot connect to the Docker daemon)) | a\\|b 1 |',
  ]);
});

test('no table when no row carries sampled cells', () => {
  expect(sampledMetrics([])).toEqual([]);
  expect(sampledMetrics([{ ...CELLS, stage: 1 }])).toEqual([]);
});

test('report.md: the template Infrastructure table first, then Sampled metrics; report.json rows keep sampled', () => {
  const report = summarize([baseWorkerResult({ stage: 1, workerId: 'C1-W01' })], {
    runId: 'run-infra',
    mode: 'fixture',
    target: null,
    versions: {},
    gitSha: null,
    levels: [1],
    generatedAt: '2026-12-02T10:00:00Z',
    infrastructure: [{ ...CELLS, stage: 1, sampled: NOT_MEASURED }],
  });
  expect(report.infrastructure.rows[0]!.sampled).toEqual(NOT_MEASURED);
  const lines = renderMarkdown(report).split('\n');
  const template = lines.indexOf('| Stage | Backend CPU/mem | Scanner CPU/mem | Mongo | Postgres | Redis | Restarts |');
  expect(lines[template + 2]).toBe('| C1 | b | s | m | p | r | 0 |');
  expect(lines.indexOf('### Sampled metrics')).toBeGreaterThan(template);
  expect(lines.indexOf('### Sampled metrics')).toBeLessThan(lines.indexOf('## Payment Correctness'));
  expect(lines).toContain(
    '| C1 | not measured (METRICS_URL is not set) | 60 | 24 | 0 | not measured (no RPC URL (--rpc or RPC_URL)) | 25% of 4 probes | not measured (no docker engine (Cannot connect to the Docker daemon)) | backend 1, scanner 0 |',
  );
});
