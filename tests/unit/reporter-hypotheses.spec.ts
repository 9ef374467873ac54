// The procedure's hypotheses judged on a run's data (reporter/hypotheses.ts): every verdict of every hypothesis is
// reachable, and every figure the run could not measure says "not measured (why)".
import { expect, test } from '@playwright/test';
import type { InfraRow } from '../../contract/infra-row.ts';
import type { CallSample } from '../../contract/worker-result.ts';
import { judgeHypotheses } from '../../reporter/hypotheses.ts';
import { serverTimingByStage, type SampledStage, type ServerTimingStage } from '../../reporter/hypotheses-figures.ts';
import type { Hypothesis } from '../../reporter/hypotheses-schema.ts';
import { renderMarkdown } from '../../reporter/render-markdown.ts';
import { Report, type StageSummary } from '../../reporter/schema.ts';
import { summarize, summarizeStage } from '../../reporter/summarize.ts';
import { baseRunMeta, baseWorkerResult } from '../../reporter/synthetic.ts';
import type { Num } from '../../sampler/series.ts';

type Ops = Record<string, [n: number, p95: number]>;
const NA: Num = { na: 'not sampled here' };
const NO_SAMPLER = 'not measured (no sampler figures for this stage (neither aggregates nor its Infrastructure row carry them))';

/** A stage of `level` flows whose ops have these sample counts and p95s. */
function stage(level: number, ops: Ops, notifications: Partial<StageSummary['notifications']> = {}): StageSummary {
  const base = summarizeStage(level, [], null, 0);
  const stats = ([n, p95]: [number, number]) => ({ n, p50: p95 / 2, p95, p99: p95, max: p95, censored: 0, lowN: n < 20 });
  return {
    ...base,
    flows: level,
    ops: Object.fromEntries(Object.entries(ops).map(([op, v]) => [op, stats(v)])),
    notifications: { ...base.notifications, ...notifications },
  };
}

const NO_PG = { cpuPctMax: NA, rssMbMax: NA, via: null, connectionsMax: NA, locksMax: NA, slowStatementsMax: NA } as const;
const sampled = (o: { cpu?: Num; locks?: Num; inserts?: Num; clients?: Num; events?: Num; rpc?: Num }): SampledStage => ({
  postgres: { ...NO_PG, cpuPctAvg: o.cpu ?? NA, locksWaitingMax: o.locks ?? NA },
  sockets: { clientsMax: o.clients ?? NA, eventsEmitted: o.events ?? NA },
  notifications: { inserts: o.inserts ?? NA, errors: NA },
  rpc: { p95Ms: o.rpc ?? NA, errorRate: 0, calls: 10 },
});
const OTHER_CELLS = { backend: '', scanner: '', mongo: '', redis: '', restarts: 0 };
const pgRow = (stage: number, postgres: string): InfraRow => ({ ...OTHER_CELLS, stage, postgres });

interface Case {
  mode?: Report['mode'];
  rows?: InfraRow[];
  unavailable?: string | null;
  serverTiming?: Record<number, ServerTimingStage>;
  sampled?: Record<number, SampledStage>;
}
function judge(id: Hypothesis['id'], stages: StageSummary[], c: Case = {}): Hypothesis {
  const rows = c.rows ?? [];
  const all = judgeHypotheses({
    report: {
      mode: c.mode ?? 'fixture',
      stages,
      infrastructure: { rows, unavailableReason: rows.length ? null : (c.unavailable ?? 'no sampler ran') },
    },
    serverTiming: c.serverTiming ?? {},
    ...(c.sampled ? { sampled: c.sampled } : {}),
  });
  expect(all.map((h) => h.id)).toEqual(['db-writes', 'notifications-first', 'scanner-rpc', 'payment-intent-serial', 'socket-fan-out']);
  return all.find((h) => h.id === id)!;
}

const LEVELS = [1, 2, 4, 8];
const series = (op: string, p95s: number[], n = 30) => LEVELS.slice(0, p95s.length).map((l, i) => stage(l, { [op]: [n, p95s[i]!] }));

test.describe('1. request/offer writes and the database', () => {
  const rows = (cpus: number[], locks = [0, 0, 0, 0]) =>
    cpus.map((cpu, i) =>
      pgRow(LEVELS[i]!, `CPU avg ${cpu}%, max 50%, RSS max 120 MB, conns max 7, lock waits max ${locks[i]}, slow (>1 s) max 0`),
    );

  test('supported: the write p95 grows with Postgres CPU read back from the Infrastructure rows', () => {
    const h = judge('db-writes', series('createOffer', [100, 120, 160, 220]), { rows: rows([10, 15, 25, 40]) });
    expect(h.verdict).toBe('supported');
    expect(h.reason).toMatch(/^createOffer p95 ×2\.20 C1 to C8, following Postgres \(r 1\.00\)$/);
    expect(h.evidence).toContain('Postgres CPU avg: C1 10% → C2 15% → C4 25% → C8 40%');
    expect(h.evidence).toContain('createRequest p95: not measured (no stage has it)');
  });

  test('not supported: the write p95 grows while Postgres does not follow', () => {
    const h = judge('db-writes', series('createOffer', [100, 150, 200, 300]), { rows: rows([30, 10, 40, 20]) });
    expect(h.verdict).toBe('not supported');
    expect(h.evidence.at(-1)).toBe('r(createOffer p95, Postgres CPU) -0.08; r(createOffer p95, lock waits) not computable over 4 stage(s)');
  });

  test('not enough evidence: too few stages with enough samples, a flat p95, or no Postgres figure', () => {
    const lowN = judge('db-writes', series('createOffer', [100, 120, 160, 220], 12), { rows: rows([10, 15, 25, 40]) });
    expect(lowN).toMatchObject({
      verdict: 'not enough evidence',
      reason: 'createOffer has 20 or more samples in 0 of 4 stage(s); 4 are needed',
    });
    expect(lowN.evidence[1]).toBe(
      'createOffer p95: C1 100 ms (n 12, low n) → C2 120 ms (n 12, low n) → C4 160 ms (n 12, low n) → C8 220 ms (n 12, low n)',
    );
    expect(lowN.settle).toMatch(/^CONCURRENCY_LEVELS=1,2,4,8,16 ROUNDS=2 PAYMENT_MODE=fixture/);
    const flat = judge('db-writes', series('createOffer', [100, 101, 102, 103]), { rows: rows([10, 15, 25, 40]) });
    expect(flat).toMatchObject({ verdict: 'not enough evidence', reason: 'createOffer p95 stayed flat (×1.03): no slowdown to attribute' });
    const none = judge('db-writes', series('createOffer', [100, 120, 160, 220]), { unavailable: 'no sampler ran' });
    expect(none.reason).toBe('no Postgres figure varies with the stages measured, so no correlation');
    expect(none.evidence).toContain('Postgres CPU avg: not measured (no sampler ran)');
  });

  test('not measured: a row that says why, a stage without a row, and counters the rows do not carry', () => {
    const stages = series('createOffer', [100, 120]);
    const h = judge('db-writes', stages, { rows: [pgRow(1, 'not measured (no Postgres URL (PG_URL or --pg-url-file))')] });
    expect(h.evidence).toContain(
      'Postgres CPU avg: C1 not measured (no Postgres URL (PG_URL or --pg-url-file)) → C2 not measured (no Infrastructure row)',
    );
    expect(h.evidence).toContain(`notification inserts (writes): ${NO_SAMPLER}`);
    // The sampler's aggregates, where given, win over the rows and carry the counters.
    const given = judge('db-writes', stages, {
      sampled: { 1: sampled({ cpu: 5, locks: 0, inserts: 30 }), 2: sampled({ cpu: { na: 'postgres is not local' }, inserts: 60 }) },
    });
    expect(given.evidence).toContain('Postgres CPU avg: C1 5% → C2 not measured (postgres is not local)');
    expect(given.evidence).toContain('notification inserts (writes): C1 30 → C2 60');
    // Else the rows' sampled metrics (display text) are read back.
    const metrics = (inserts: string) => ({ sampled: { notificationInserts: inserts } }) as Pick<InfraRow, 'sampled'>;
    const fromRows = [
      { ...pgRow(1, 'CPU avg 4%'), ...metrics('30') },
      { ...pgRow(2, 'CPU avg 6%'), ...metrics('not measured (no /metrics)') },
    ];
    expect(judge('db-writes', stages, { rows: fromRows as InfraRow[] }).evidence).toContain(
      'notification inserts (writes): C1 30 → C2 not measured (no /metrics)',
    );
  });
});

test.describe('2. notifications degrade before the API', () => {
  const stages = (notif: number[], api: number[]) =>
    LEVELS.slice(0, 3).map((l, i) => stage(l, { notification: [40, notif[i]!], createOffer: [30, api[i]!], createRequest: [25, api[i]!] }));

  test('supported: notification latency crosses its goal first, or grows much faster', () => {
    expect(judge('notifications-first', stages([800, 2_000, 6_000], [100, 110, 120]))).toMatchObject({
      verdict: 'supported',
      reason: 'notification p95 went over its goal at C4, before any API operation',
    });
    const faster = judge('notifications-first', stages([100, 200, 400], [100, 105, 110]));
    expect(faster).toMatchObject({ verdict: 'supported', reason: "notification p95 ×4.00 against the API's ×1.10 (median)" });
    expect(faster.evidence).toContain(
      'growth first → last stage (3+ stages of 20+ samples): notification ×4.00; API median ×1.10, highest createRequest ×1.10',
    );
  });

  test('not supported: the API crosses its goal first, or degrades as fast', () => {
    expect(judge('notifications-first', stages([100, 110, 120], [500, 1_000, 2_000])).verdict).toBe('not supported');
    expect(judge('notifications-first', stages([100, 110, 120], [100, 200, 300])).reason).toBe(
      'API p95 ×3.00 (median) against notification ×1.20',
    );
  });

  test('not enough evidence: neither degraded, or too few samples', () => {
    expect(judge('notifications-first', stages([100, 110, 120], [100, 105, 110])).reason).toBe(
      'neither degraded: notification ×1.20, API ×1.10 (under ×1.50)',
    );
    const low = judge('notifications-first', [stage(1, { notification: [13, 100] }), stage(2, { notification: [26, 120] })]);
    expect(low.reason).toBe('notification visibility has 20 or more samples in 1 of 2 stage(s); 3 are needed');
    const noApi = judge(
      'notifications-first',
      LEVELS.slice(0, 3).map((l) => stage(l, { notification: [40, 100] })),
    );
    expect(noApi.reason).toBe('no API operation has 20 or more samples in 3 stages');
  });
});

test.describe('3. live scanner checks and the RPC', () => {
  const checks = (p95s: number[]) => series('scannerCheck', p95s);
  const rpc = (values: Num[]) => Object.fromEntries(values.map((v, i) => [LEVELS[i]!, sampled({ rpc: v })]));

  test('not enough evidence outside live mode, with the figures still shown', () => {
    const h = judge('scanner-rpc', checks([200, 210, 220]), { mode: 'fixture', sampled: rpc([3, 3, 4]) });
    expect(h.verdict).toBe('not enough evidence');
    expect(h.reason).toMatch(/^payment mode fixture: no chain transfer/);
    expect(h.evidence).toContain('RPC latency p95 (sampler, eth_blockNumber): C1 3.0 ms → C2 3.0 ms → C4 4.0 ms');
    expect(h.evidence).toContain('scanner confirmation p95: not measured (no stage has it)');
  });

  test('supported when the RPC is most of a check; not supported when it is a sliver', () => {
    expect(judge('scanner-rpc', checks([200, 300, 400]), { mode: 'live', sampled: rpc([150, 200, 300]) }).verdict).toBe('supported');
    const sliver = judge('scanner-rpc', checks([200, 300, 400]), { mode: 'live', sampled: rpc([3, 3, 4]) });
    expect(sliver.verdict).toBe('not supported');
    expect(sliver.evidence.at(-1)).toBe('RPC p95 / scanner check p95: 2% → 1% → 1%; r not computable');
    expect(judge('scanner-rpc', checks([200, 300, 400]), { mode: 'live', sampled: rpc([50, 40, 60]) }).verdict).toBe('not enough evidence');
  });

  test('not measured: no RPC figure reached the reporter', () => {
    const h = judge('scanner-rpc', checks([200, 300, 400]), { mode: 'live' });
    expect(h.reason).toBe('RPC latency was not measured in every stage with scanner checks');
    expect(h.evidence).toContain(`RPC latency p95 (sampler, eth_blockNumber): ${NO_SAMPLER}`);
  });
});

test.describe('4. payment intent sub-steps', () => {
  const timing = (calls: number, steps: Record<string, number>, totalMs: number): ServerTimingStage => ({
    calls,
    totalMs,
    sumMs: Object.values(steps).reduce((a, b) => a + b, 0),
    steps,
  });
  const intents = (p95s: number[], n = 30) => series('createPaymentIntent', p95s, n);
  const serial = (calls = 10) => ({
    1: timing(calls, { auth: 1, 'chain-block': 3, 'insert-payment': 4 }, 8.5),
    2: timing(calls, { auth: 1, 'chain-block': 3, 'insert-payment': 9 }, 13.5),
    4: timing(calls, { auth: 1, 'chain-block': 3, 'insert-payment': 16 }, 20.5),
  });

  test('not enough evidence without Server-Timing, and with too few calls carrying it', () => {
    const none = judge('payment-intent-serial', intents([10, 20, 40]));
    expect(none.reason).toBe('serial or parallel sub-steps not measured: no Server-Timing on payment intents');
    expect(none.evidence).toContain('Server-Timing: not measured (the target sent no Server-Timing header on payment intents)');
    const few = judge('payment-intent-serial', intents([10, 20, 40]), { serverTiming: serial(2) });
    expect(few.reason).toBe('6 payment intents carried Server-Timing; 20 are needed to tell serial from parallel');
    expect(few.evidence).toContain('sub-step that grew most C1 → C4: insert-payment (+12 ms)');
    const faster = { 1: timing(30, { auth: 2, db: 9 }, 11), 2: timing(30, { auth: 1, db: 8 }, 9) };
    expect(judge('payment-intent-serial', intents([10, 9]), { serverTiming: faster }).evidence.at(-1)).toBe(
      'sub-step that grew most C1 → C2: none grew',
    );
  });

  test('supported: serial sub-steps and a p95 that degrades; not supported: flat, or sub-steps that overlap', () => {
    const slower = judge('payment-intent-serial', intents([10, 20, 40]), { serverTiming: serial() });
    expect(slower).toMatchObject({ verdict: 'supported', reason: 'serial: sub-steps add up to 96% of the total, and p95 ×4.00 C1 to C4' });
    expect(slower.evidence[1]).toMatch(
      /^Server-Timing means, C1 \(10 calls\): auth 1\.0 ms \+ chain-block 3\.0 ms \+ insert-payment 4\.0 ms = 8\.0 ms of 8\.5 ms \(94%\);/,
    );
    expect(judge('payment-intent-serial', intents([10, 10.5, 11]), { serverTiming: serial() }).verdict).toBe('not supported');
    const overlap = { 1: timing(30, { auth: 1, 'chain-block': 6, 'insert-payment': 6 }, 8) };
    expect(judge('payment-intent-serial', intents([10, 20, 40]), { serverTiming: overlap })).toMatchObject({
      verdict: 'not supported',
      reason: 'the sub-steps already overlap (parallel: sub-steps add up to 163% of the total)',
    });
    expect(judge('payment-intent-serial', intents([10, 20, 40], 5), { serverTiming: serial() }).reason).toMatch(
      /^serial: .*, but create payment intent has 20 or more samples in 0 of 3 stage\(s\); 3 are needed$/,
    );
  });

  test('serverTimingByStage keeps only business calls with the header, and falls back to the round trip for the total', () => {
    const BASE = { op: 'createPaymentIntent', status: 201, outcome: 'ok', startedAt: 0, durationMs: 12, timedOut: false } as const;
    const call = (extra: Partial<CallSample>): CallSample => ({ ...BASE, ...extra });
    const calls = [
      call({ serverTiming: { auth: 1, insert: 5, total: 7 } }),
      call({ serverTiming: { auth: 3, insert: 7 } }),
      call({ serverTiming: { auth: 100, total: 100 }, probe: 'underpaymentProbe' }),
      call({}),
      call({ op: 'createOffer', serverTiming: { db: 1 } }),
    ];
    const results = [baseWorkerResult({ stage: 2, calls })];
    expect(serverTimingByStage(results, 'createPaymentIntent')).toEqual({
      2: { calls: 2, totalMs: 9.5, sumMs: 8, steps: { auth: 2, insert: 6 } },
    });
  });
});

test.describe('5. socket fan-out from C16', () => {
  const fanOut = (p95s: number[], devices: number) =>
    [4, 8, 16].map((l, i) => stage(l, { notification: [60, p95s[i]!] }, { devicesPerRecipient: devices, observed: l * 9 }));

  test('not enough evidence below C16 or with one device per user', () => {
    expect(judge('socket-fan-out', series('notification', [100, 200, 400])).reason).toBe(
      'the hypothesis is about C16 and up; the highest stage here is C4',
    );
    expect(judge('socket-fan-out', fanOut([100, 200, 400], 1)).reason).toBe('DEVICES_PER_USER 1: no device multiplies the fan-out');
  });

  test('supported when notification latency degrades by C16 with several devices; not supported when it stays flat', () => {
    const sockets = {
      4: sampled({ clients: 48, events: 12 }),
      8: sampled({ clients: 96, events: 24 }),
      16: sampled({ clients: 192, events: 48 }),
    };
    const h = judge('socket-fan-out', fanOut([100, 200, 400], 3), { sampled: sockets });
    expect(h).toMatchObject({ verdict: 'supported', reason: 'with 3 devices per user, notification p95 ×4.00 C4 to C16' });
    expect(h.evidence).toContain('Socket.IO clients per flow at once: C4 12 → C8 12 → C16 12');
    expect(h.evidence).toContain('notification copies delivered per event emitted: C4 3 → C8 3 → C16 3');
    expect(judge('socket-fan-out', fanOut([100, 105, 110], 3)).verdict).toBe('not supported');
    expect(judge('socket-fan-out', fanOut([100, 130, 130], 3)).verdict).toBe('not enough evidence');
  });

  test('not measured: socket figures without the sampler, and devices without device rows', () => {
    const h = judge('socket-fan-out', [stage(16, { notification: [60, 100] })]);
    expect(h.evidence[0]).toBe('DEVICES_PER_USER: not measured (the results carry no device per notification); highest stage C16');
    expect(h.evidence).toContain('Socket.IO clients per flow at once: not measured (no stage has it)');
    expect(h.evidence).toContain(`events emitted: ${NO_SAMPLER}`);
  });
});

test('report.json carries five hypotheses; report.md shows them between Bottlenecks and Decisions', () => {
  const results = [1, 2, 4].map((level) => baseWorkerResult({ stage: level, workerId: `C${level}-W01` }));
  const report = summarize(results, baseRunMeta({ levels: [1, 2, 4] }));
  expect(Report.parse(JSON.parse(JSON.stringify(report))).hypotheses).toHaveLength(5);
  const md = renderMarkdown(report);
  const at = (text: string) => md.indexOf(text);
  expect(at('## Bottlenecks')).toBeLessThan(at('## Hypotheses'));
  expect(at('## Hypotheses')).toBeLessThan(at('## Decisions'));
  const table = md.split('\n').filter((l) => /^\| [1-5] \|/.test(l));
  expect(table).toHaveLength(5);
  for (const line of table) expect(line).toMatch(/\| \*\*(supported|not supported|not enough evidence)\*\*: /);
  // An older report.json without hypotheses still parses, and says so.
  const { hypotheses: _, ...older } = report;
  expect(renderMarkdown(Report.parse(older))).toContain('Not judged: this report was written before hypotheses were.');
});
