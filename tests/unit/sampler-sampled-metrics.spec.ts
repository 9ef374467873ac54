// The sampler's other series per stage (Socket.IO, notifications, RPC, docker
// images, restarts per component) on hand-built timelines, through the
// aggregate and the row's `sampled` cells; every expected number is worked out
// in the comment beside it.
import { expect, test } from '@playwright/test';
import { aggregateStages, toInfraRow, type StageWindow } from '../../sampler/aggregate.ts';
import { toSampledMetrics } from '../../sampler/infra-row.ts';
import type { Sample, SourceResult } from '../../sampler/types.ts';

const NONE: Omit<Sample, 't'> = {
  host: { na: 'no host' },
  processes: { na: 'no processes' },
  postgres: { na: 'no postgres' },
  redis: { na: 'no redis' },
  mongo: { na: 'no mongo' },
  metrics: { na: 'METRICS_URL is not set' },
  rpc: { na: 'no RPC URL (--rpc or RPC_URL)' },
  docker: { na: 'no docker engine (Cannot connect to the Docker daemon)' },
};

type Sources = Partial<Record<keyof typeof NONE, SourceResult>>;
const at = (t: number, sources: Sources): Sample => ({ t, ...NONE, ...sources });

const C1: StageWindow = { stage: 'C1', start: 1_000, end: 4_000, cooldownEnd: 6_000 };
const sampledOf = (samples: Sample[], w: StageWindow = C1) => toSampledMetrics(aggregateStages(samples, [w])[0]!);

test('Socket.IO clients are the most seen in the stage, events emitted the increase over stage and cooldown', () => {
  const m = (clients: number, emitted: number): Sources => ({ metrics: { socketClients: clients, eventsEmitted: emitted } });
  const sampled = sampledOf([
    at(500, m(90, 100)), // before the stage: its clients do not count, its counter is the baseline
    at(2_000, m(8, 120)),
    at(3_000, m(12, 150)),
    at(5_000, m(40, 160)), // cooldown: the counter grows, the gauge is not the stage's
  ]);
  // clients max(8, 12); emitted 100 -> 160
  expect(sampled.socketClients).toBe('12');
  expect(sampled.socketEvents).toBe('60');
});

test('notification inserts and errors are counter increases, a counter reset counted as growth', () => {
  const m = (inserts: number, errors: number): Sources => ({ metrics: { notificationInserts: inserts, notificationErrors: errors } });
  const sampled = sampledOf([at(1_000, m(10, 1)), at(2_000, m(25, 1)), at(3_000, m(5, 0)), at(6_000, m(9, 2))]);
  // inserts +15, reset to 5 (+5), +4 = 24; errors +0, reset to 0 (+0), +2 = 2
  expect(sampled.notificationInserts).toBe('24');
  expect(sampled.notificationErrors).toBe('2');
});

test('RPC p95 latency and error rate over the stage probes', () => {
  const probe = (latencyMs: number, error: 0 | 1): Sources => ({ rpc: { latencyMs, error } });
  const samples = [10, 20, 30, 40].map((ms, i) => at(1_000 + i * 1_000, probe(ms, i === 3 ? 1 : 0)));
  const [c1] = aggregateStages(samples, [C1]);
  expect(toSampledMetrics(c1!).rpcP95).toBe(`${String(c1!.rpc.p95Ms)} ms`);
  expect(c1!.rpc.p95Ms).toBeGreaterThan(30);
  expect(c1!.rpc.p95Ms).toBeLessThanOrEqual(40);
  // one error in four probes
  expect(toSampledMetrics(c1!).rpcErrorRate).toBe('25% of 4 probes');
});

test('docker image (with its tag) per container, the last one seen in the stage', () => {
  const d = (backendImage: string): Sources => ({
    docker: { containers: 2, 'escrow-backend.image': backendImage, 'escrow-pg.image': 'postgres:16', 'escrow-pg.restarts': 0 },
  });
  const sampled = sampledOf([at(1_000, d('escrow/backend:1.4.0')), at(3_000, d('escrow/backend:1.4.1')), at(5_000, d('later:9'))]);
  expect(sampled.images).toBe('escrow-backend escrow/backend:1.4.1, escrow-pg postgres:16');
});

test('restarts per component, zeros included, from /health and docker', () => {
  const r = (backend: number, pg: number): Sources => ({
    processes: { 'backend.restarts': backend, 'scanner.restarts': 0 },
    docker: { containers: 1, 'escrow-pg.restarts': pg },
  });
  const sampled = sampledOf([at(500, r(0, 1)), at(2_000, r(1, 1)), at(5_000, r(1, 3))]);
  expect(sampled.restarts).toBe('backend 1, scanner 0, docker:escrow-pg 2');
});

test('each figure is not measured with the source reason when the source had no reading', () => {
  expect(sampledOf([at(1_000, {}), at(3_000, {})])).toEqual({
    socketClients: 'not measured (METRICS_URL is not set)',
    socketEvents: 'not measured (METRICS_URL is not set)',
    notificationInserts: 'not measured (METRICS_URL is not set)',
    notificationErrors: 'not measured (METRICS_URL is not set)',
    rpcP95: 'not measured (no RPC URL (--rpc or RPC_URL))',
    rpcErrorRate: 'not measured (no RPC URL (--rpc or RPC_URL))',
    images: 'not measured (no docker engine (Cannot connect to the Docker daemon))',
    restarts: 'not measured (no restart counts: no processes)',
  });
});

test('a field the source lacks, one counter reading, an empty docker listing and an empty window each say why', () => {
  const one = sampledOf([
    at(2_000, { metrics: { socketClients: 'n/a: no socketio_connected_clients', eventsEmitted: 3 }, docker: { containers: 0 } }),
  ]);
  expect(one.socketClients).toBe('not measured (no socketio_connected_clients)');
  // the only reading is inside the stage and there is none before it
  expect(one.socketEvents).toBe('not measured (one reading only: an increase needs two)');
  expect(one.notificationErrors).toBe('not measured (metrics has no notificationErrors)');
  expect(one.images).toBe('not measured (docker listed no containers)');
  const empty = sampledOf([]);
  expect(empty.socketClients).toBe('not measured (no samples in this window)');
  expect(empty.images).toBe('not measured (no samples in this window)');
  expect(empty.rpcErrorRate).toBe('not measured (no samples in this window)');
});

test('the Infrastructure row carries the sampled cells, so the gate attachment and timeline rows hold them', () => {
  const [c1] = aggregateStages([at(1_000, { metrics: { socketClients: 4 } })], [C1]);
  expect(toInfraRow(c1!).sampled).toEqual(toSampledMetrics(c1!));
  expect(toInfraRow(c1!).sampled!.socketClients).toBe('4');
});
