// The sampler's per-stage aggregate on hand-built timelines: every expected
// number is worked out in the comment beside it.
import { expect, test } from '@playwright/test';
import { aggregateStages, parseSamples, toInfraRow, type StageWindow } from '../../sampler/aggregate.ts';
import { cpuBusyFraction, parseProcStat } from '../../sampler/proc.ts';
import { counterIncrease } from '../../sampler/series.ts';
import type { Fields, Sample, SourceResult } from '../../sampler/types.ts';

const NONE: Omit<Sample, 't'> = {
  host: { na: 'no host' },
  processes: { na: 'no processes' },
  postgres: { na: 'no Postgres URL (PG_URL or --pg-url-file)' },
  redis: { na: 'REDIS_URL is not set' },
  mongo: { na: 'MONGO_URL is not set' },
  metrics: { na: 'no metrics' },
  rpc: { na: 'no RPC URL (--rpc or RPC_URL)' },
  docker: { na: 'no docker engine (Cannot connect to the Docker daemon)' },
};

/** One sample per [t, fields] row, for one source; every other source is n/a. */
function timeline(source: keyof typeof NONE, rows: [t: number, fields: SourceResult][]): Sample[] {
  return rows.map(([t, fields]) => ({ t, ...NONE, [source]: fields }));
}

const C1: StageWindow = { stage: 'C1', start: 1_000, end: 4_000, cooldownEnd: 6_000 };

test('host CPU is the busy share of all jiffies between two /proc/stat readings, guest time not counted twice', () => {
  // user nice system idle iowait irq softirq steal guest guest_nice
  const before = parseProcStat('cpu  100 0 50 800 50 0 0 0 30 0\ncpu0 50 0 25 400 25 0 0 0 15 0\ncpu1 50 0 25 400 25 0 0 0 15 0\nintr 1\n');
  const after = parseProcStat('cpu  160 0 70 900 70 0 0 0 90 0\ncpu0 80 0 35 450 35 0 0 0 45 0\ncpu1 80 0 35 450 35 0 0 0 45 0\nintr 2\n');
  // total 1000 -> 1200 (guest excluded); idle+iowait 850 -> 970: busy (200 - 120) / 200
  expect(before).toEqual({ total: 1_000, idle: 850, cores: 2 });
  expect(cpuBusyFraction(before, after)).toBe(0.4);
  expect(cpuBusyFraction(after, after), 'no time passed').toBeNull();
  expect(() => parseProcStat('intr 1\n')).toThrow('/proc/stat has no aggregate "cpu " line');
});

test('host CPU and memory: average and max over the stage, and the last reading by the end of cooldown', () => {
  const host = (cpu: number, mem: number): Fields => ({ cpuFraction: cpu, memFraction: mem });
  const samples = timeline('host', [
    [0, host(0.9, 0.9)], // before the stage: not counted
    [1_000, host(0.2, 0.5)],
    [2_000, host(0.6, 0.7)],
    [3_000, host(0.4, 0.6)],
    [4_000, host(0.2, 0.6)],
    [5_000, host(0.95, 0.95)],
    [6_000, host(0.1, 0.3)],
  ]);
  const [c1, noCooldown] = aggregateStages(samples, [C1, { stage: 'C2', start: 1_000, end: 4_000 }]);
  // cpu (0.2 + 0.6 + 0.4 + 0.2) / 4, mem (0.5 + 0.7 + 0.6 + 0.6) / 4
  expect(c1!.host).toEqual({ cpuAvg: 0.35, cpuMax: 0.6, cpuAfterCooldown: 0.1, memAvg: 0.6, memMax: 0.7, memAfterCooldown: 0.3 });
  expect(c1!.samples).toBe(4);
  expect(noCooldown!.host.cpuAfterCooldown).toEqual({ na: 'no cooldownEnd for this stage' });
});

test('counters grow from the last sample before the stage, and a drop is a restart from zero', () => {
  expect(counterIncrease([5, 7, 2, 4])).toBe(6); // +2, restart to 2 (+2), +2
  const metrics = (inserts: number, emitted: number): Fields => ({
    notificationInserts: inserts,
    eventsEmitted: emitted,
    notificationErrors: 0,
  });
  const samples = timeline('metrics', [
    [500, metrics(5, 100)], // baseline: the last sample at or before start
    [2_000, metrics(7, 130)],
    [3_000, metrics(2, 10)], // the backend restarted: its counters start again
    [4_000, metrics(4, 40)],
    [6_000, metrics(6, 45)], // cooldown still counts
    [7_000, metrics(50, 500)], // after cooldownEnd: not counted
  ]);
  const [c1] = aggregateStages(samples, [C1]);
  // inserts 5 -> 7 (+2) -> 2 (+2) -> 4 (+2) -> 6 (+2); emitted +30, +10, +30, +5
  expect(c1!.notifications).toEqual({ inserts: 8, errors: 0 });
  expect(c1!.sockets.eventsEmitted).toBe(75);
  expect(c1!.sockets.clientsMax, 'a field the target did not report').toEqual({ na: 'metrics has no socketClients' });
});

test('restarts are the growth of each component count over the stage and its cooldown', () => {
  const counts = (backend: number, scanner: number): Fields => ({
    'backend.restarts': backend,
    'scanner.restarts': scanner,
    'postgres.restarts': 0,
  });
  const samples = timeline('processes', [
    [0, counts(1, 0)], // restarted before this stage: not this stage's
    [2_000, counts(1, 0)],
    [3_000, counts(2, 0)],
    [5_000, counts(2, 1)], // during cooldown
  ]);
  const [c1, later] = aggregateStages(samples, [C1, { stage: 'C2', start: 7_000, end: 9_000 }]);
  expect(c1!.restarts).toEqual({ total: 2, by: { backend: 1, scanner: 1, postgres: 0 } });
  expect(toInfraRow(c1!).restarts).toBe('2 (backend 1, scanner 1)');
  // C2's only sample is the baseline at 5000: one reading cannot show growth.
  expect(later!.restarts.total).toEqual({ na: 'no restart counts: one reading only: an increase needs two' });
});

test('the scanner backlog drained when its last reading by cooldownEnd is zero', () => {
  const backlog = (n: number): Fields => ({ scannerBacklog: n, scannerLagBlocks: n });
  const drains = timeline('metrics', [
    [1_000, backlog(1)],
    [4_000, backlog(3)],
    [5_000, backlog(1)],
    [6_000, backlog(0)],
  ]);
  const stuck = timeline('metrics', [
    [1_000, backlog(1)],
    [4_000, backlog(2)],
    [5_000, backlog(0)], // drained for a moment, but not at the end of cooldown
    [6_000, backlog(2)],
  ]);
  expect(aggregateStages(drains, [C1])[0]!.scannerQueue).toEqual({ backlogAtEnd: 3, lagBlocksMax: 3, drainedByCooldownEnd: true });
  expect(aggregateStages(stuck, [C1])[0]!.scannerQueue.drainedByCooldownEnd).toBe(false);
  expect(aggregateStages(drains, [{ ...C1, cooldownEnd: undefined }])[0]!.scannerQueue.drainedByCooldownEnd).toEqual({
    na: 'no cooldownEnd for this stage',
  });
});

test('a source that is not there stays n/a with its reason through the aggregate and the table row, never 0', () => {
  const processes = (cpu: number | string): Fields => ({
    'backend.cpuPct': cpu,
    'backend.rssMb': 120,
    'postgres.cpuPct': 'n/a: no pid in /health (state external)',
    'postgres.rssMb': 'n/a: no pid in /health (state external)',
  });
  const samples = timeline('processes', [
    [1_000, processes('n/a: first reading of pid 42, no CPU delta yet')],
    [2_000, processes(10)],
    [3_000, processes(30)],
  ]);
  const [c1] = aggregateStages(samples, [C1]);
  expect(c1!.backend).toEqual({ cpuPctAvg: 20, cpuPctMax: 30, rssMbMax: 120, via: 'processes' });
  expect(c1!.postgres).toMatchObject({
    cpuPctMax: { na: 'no pid in /health (state external)' },
    connectionsMax: { na: 'no Postgres URL (PG_URL or --pg-url-file)' },
    via: null,
  });
  expect(c1!.redis.clientsMax).toEqual({ na: 'REDIS_URL is not set' });
  expect(c1!.rpc).toEqual({ p95Ms: { na: 'no RPC URL (--rpc or RPC_URL)' }, errorRate: { na: 'no RPC URL (--rpc or RPC_URL)' }, calls: 0 });
  expect(toInfraRow(c1!)).toEqual({
    stage: 'C1',
    backend: 'CPU avg 20%, max 30%, RSS max 120 MB',
    scanner: 'not measured (processes has no scanner.cpuPct; processes has no scanner.rssMb)',
    mongo: 'not measured (MONGO_URL is not set)',
    postgres: 'not measured (no pid in /health (state external); no Postgres URL (PG_URL or --pg-url-file))',
    redis: 'not measured (REDIS_URL is not set)',
    restarts: 'not measured (no restart counts: processes has no backend.restarts)',
    sampled: {
      socketClients: 'not measured (no metrics)',
      socketEvents: 'not measured (no metrics)',
      notificationInserts: 'not measured (no metrics)',
      notificationErrors: 'not measured (no metrics)',
      rpcP95: 'not measured (no RPC URL (--rpc or RPC_URL))',
      rpcErrorRate: 'not measured (no RPC URL (--rpc or RPC_URL))',
      images: 'not measured (no docker engine (Cannot connect to the Docker daemon))',
      restarts: 'not measured (no restart counts: processes has no backend.restarts)',
    },
  });
  expect(aggregateStages([], [C1])[0]!.host.cpuMax).toEqual({ na: 'no samples in this window' });
});

test('without local processes, backend CPU comes from the CPU seconds the target reports in /metrics', () => {
  const samples = timeline('metrics', [
    [1_000, { 'cpuSeconds.backend': 10, 'rssMb.backend': 200 }],
    [2_000, { 'cpuSeconds.backend': 10.5, 'rssMb.backend': 210 }], // 0.5 s of CPU in 1 s: 50%
    [4_000, { 'cpuSeconds.backend': 11.1, 'rssMb.backend': 190 }], // 0.6 s in 2 s: 30%
  ]).map((s) => ({ ...s, processes: { na: 'target http://10.0.0.5:3000 is not on this host' } }));
  const [c1] = aggregateStages(samples, [C1]);
  expect(c1!.backend).toEqual({ cpuPctAvg: 40, cpuPctMax: 50, rssMbMax: 210, via: 'metrics' });
  expect(toInfraRow(c1!).backend).toBe('CPU avg 40%, max 50%, RSS max 210 MB (from metrics)');
});

test('RPC p95 is nearest-rank over the stage and the error rate counts failed calls', () => {
  const ok = (ms: number): Fields => ({ latencyMs: ms, error: 0 });
  const samples = timeline('rpc', [
    [1_000, ok(10)],
    [2_000, ok(40)],
    [2_500, { latencyMs: 'n/a: eth_blockNumber failed: POST http://127.0.0.1:8545: no answer within 2000 ms', error: 1 }],
    [3_000, ok(20)],
    [4_000, ok(30)],
  ]);
  // latencies 10, 20, 30, 40: rank ceil(0.95 * 4) = 4 -> 40; 1 error in 5 calls
  expect(aggregateStages(samples, [C1])[0]!.rpc).toEqual({ p95Ms: 40, errorRate: 0.2, calls: 5 });
});

test('parseSamples reads JSONL, leaves out a line cut short, and names a bad line', () => {
  const line = JSON.stringify({ t: 1, ...NONE });
  expect(parseSamples(`${line}\n${line}\n{"t":`)).toHaveLength(2);
  expect(() => parseSamples(`${line}\nnot json\n`)).toThrow('sampler line 2 is not JSON: "not json"');
  expect(() => parseSamples(`${JSON.stringify({ ...NONE, t: 'x' })}\n`)).toThrow(/sampler line 1 is not a sample: t: /);
});
