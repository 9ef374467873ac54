// Timing overhead: the driver's recorded duration (CallRecord.durationMs) of a
// call against a raw undici request to the same sandbox endpoint, in this one
// process, alternating, sequentially (one request in flight at a time).
//
// What each arm measures:
// - raw: performance.now() around undici.request() + body.text(), nothing else.
// - driver: CallRecord.durationMs as the flows record it (keepBodies and onCall as
//   in fixtures/flow.ts): from before the URL is built to after JSON.parse, the
//   response body's redaction and the zod schema check (the record is made after them).
// - driver wall: performance.now() around the whole driver call as the caller sees it,
//   which adds what the record leaves out (request body redaction, onCall, promise hops).
// Overhead = driver quantile minus raw quantile (p50, p99). The pairwise difference
// of the i-th driver and i-th raw call is kept too; its tails mix two independent
// latencies, so it is wider than the overhead itself.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import type { z } from 'zod';
import { Health, RequestDetail } from '../contract/http.ts';
import sandboxAdapter from '../adapters/sandbox/index.ts';
import type { EscrowDriver } from '../driver/types.ts';
import type { ApiResult, CallRecord } from '../driver/types.ts';
import { redact } from '../lib/redact.ts';
import { startSandbox } from '../sandbox/src/launcher/sandbox.ts';
import { log, onInterrupt } from './cleanup.ts';
import { bootstrapDiff, percentile, round } from './stats.ts';

export interface ArmStats {
  n: number;
  p50: number | null;
  p99: number | null;
}

export interface EndpointOverhead {
  endpoint: string;
  responseBytes: number;
  raw: ArmStats;
  driver: ArmStats;
  driverWall: ArmStats;
  /** keepBodies false, no onCall: the driver without the flow's extras. */
  driverLean: ArmStats;
  overheadP50Ms: number | null;
  overheadP99Ms: number | null;
  /** 95% bootstrap intervals of the two overheads: how much of them could be chance. */
  overheadP50Ci95: [number, number] | null;
  overheadP99Ci95: [number, number] | null;
  leanOverheadP50Ms: number | null;
  leanOverheadP99Ms: number | null;
  /** Diagnostic: the raw request with the driver's per-call timeouts (headersTimeout, bodyTimeout, AbortSignal.timeout). */
  rawWithTimeouts: ArmStats;
  timeoutsCostP50Ms: number | null;
  pairedDiffP50Ms: number | null;
  pairedDiffP99Ms: number | null;
  /** The driver's own work on this response, timed without the network (median ms over the calls). */
  clientWorkMs: { jsonParse: number | null; schemaCheck: number | null; redactBody: number | null };
}

export interface Overhead {
  calls: number;
  warmup: number;
  endpoints: EndpointOverhead[];
  /** The headline endpoint (a realistic GET with a JSON body). */
  headline: string;
  sandboxStartS: number;
}

const stats = (xs: number[]): ArmStats => ({ n: xs.length, p50: round(percentile(xs, 50), 3), p99: round(percentile(xs, 99), 3) });
const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : round(a - b, 3));

interface Endpoint {
  name: string;
  path: string;
  token?: string;
  schema: z.ZodType;
  call: (driver: EscrowDriver) => Promise<ApiResult<unknown>>;
}

async function measureEndpoint(baseUrl: string, ep: Endpoint, calls: number, warmup: number): Promise<EndpointOverhead> {
  const agentOptions = { connections: 16, keepAliveTimeout: 10_000 };
  const rawAgent = new Agent(agentOptions);
  const records: CallRecord[] = [];
  // As the flows build it (fixtures/flow.ts): bodies kept (redacted) and every record handed to onCall.
  const driver = sandboxAdapter.driver({
    baseUrl,
    timeoutMs: 30_000,
    dispatcher: new Agent(agentOptions),
    onCall: (r) => records.push(r),
    keepBodies: true,
  });
  const lean = sandboxAdapter.driver({ baseUrl, timeoutMs: 30_000, dispatcher: new Agent(agentOptions) });
  const url = new URL(ep.path, baseUrl);
  const headers = ep.token ? { authorization: `Bearer ${ep.token}` } : {};
  let responseBytes = 0;
  let lastBody = '';
  const rawSignalAgent = new Agent(agentOptions);
  // withSignal: the same raw request with the per-call timeouts the driver sets (a diagnostic arm).
  const raw = async (withSignal = false): Promise<number> => {
    const t0 = performance.now();
    const res = await request(
      url,
      withSignal
        ? {
            method: 'GET',
            dispatcher: rawSignalAgent,
            headers,
            headersTimeout: 30_000,
            bodyTimeout: 30_000,
            signal: AbortSignal.timeout(30_000),
          }
        : { method: 'GET', dispatcher: rawAgent, headers },
    );
    const text = await res.body.text();
    const ms = performance.now() - t0;
    if (res.statusCode !== 200) throw new Error(`raw GET ${ep.path}: ${res.statusCode}`);
    responseBytes = Buffer.byteLength(text);
    lastBody = text;
    return ms;
  };
  const viaDriver = async (d: EscrowDriver): Promise<{ recorded: number; wall: number }> => {
    const t0 = performance.now();
    const res = await ep.call(d);
    const wall = performance.now() - t0;
    if (!res.ok) throw new Error(`driver ${ep.name}: ${res.status}`);
    return { recorded: res.record.durationMs, wall };
  };
  const arms = {
    raw: [] as number[],
    driver: [] as number[],
    driverWall: [] as number[],
    lean: [] as number[],
    rawSignal: [] as number[],
  };
  const order = ['raw', 'driver', 'lean', 'rawSignal'] as const;
  for (let i = 0; i < warmup + calls; i += 1) {
    // Rotate which arm goes first so neither benefits from the other's warm connection or caches.
    for (let k = 0; k < order.length; k += 1) {
      const arm = order[(i + k) % order.length]!;
      if (arm === 'raw') {
        const ms = await raw();
        if (i >= warmup) arms.raw.push(ms);
      } else if (arm === 'driver') {
        const r = await viaDriver(driver);
        if (i >= warmup) {
          arms.driver.push(r.recorded);
          arms.driverWall.push(r.wall);
        }
      } else if (arm === 'lean') {
        const r = await viaDriver(lean);
        if (i >= warmup) arms.lean.push(r.recorded);
      } else {
        const ms = await raw(true);
        if (i >= warmup) arms.rawSignal.push(ms);
      }
    }
    records.length = 0;
  }
  await Promise.all([driver.close?.(), lean.close?.(), rawAgent.close(), rawSignalAgent.close()]);
  const s = {
    raw: stats(arms.raw),
    driver: stats(arms.driver),
    driverWall: stats(arms.driverWall),
    lean: stats(arms.lean),
    rawSignal: stats(arms.rawSignal),
  };
  const paired = arms.driver.map((d, i) => d - arms.raw[i]!);
  const ci = (p: number) => bootstrapDiff(arms.driver, arms.raw, p)?.map((v) => round(v, 3)!) as [number, number] | undefined;
  // What the driver does to a response besides receiving it, one part at a time, on the last body received.
  const work = { jsonParse: [] as number[], schemaCheck: [] as number[], redactBody: [] as number[] };
  for (let i = 0; i < calls; i += 1) {
    let t = performance.now();
    const json: unknown = JSON.parse(lastBody);
    work.jsonParse.push(performance.now() - t);
    t = performance.now();
    ep.schema.safeParse(json);
    work.schemaCheck.push(performance.now() - t);
    t = performance.now();
    redact(json);
    work.redactBody.push(performance.now() - t);
  }
  return {
    endpoint: `GET ${ep.path.replace(/[0-9a-f-]{36}/, ':id')} (${ep.name})`,
    responseBytes,
    raw: s.raw,
    driver: s.driver,
    driverWall: s.driverWall,
    driverLean: s.lean,
    overheadP50Ms: diff(s.driver.p50, s.raw.p50),
    overheadP99Ms: diff(s.driver.p99, s.raw.p99),
    leanOverheadP50Ms: diff(s.lean.p50, s.raw.p50),
    leanOverheadP99Ms: diff(s.lean.p99, s.raw.p99),
    rawWithTimeouts: s.rawSignal,
    timeoutsCostP50Ms: diff(s.rawSignal.p50, s.raw.p50),
    overheadP50Ci95: ci(50) ?? null,
    overheadP99Ci95: ci(99) ?? null,
    pairedDiffP50Ms: round(percentile(paired, 50), 3),
    pairedDiffP99Ms: round(percentile(paired, 99), 3),
    clientWorkMs: {
      jsonParse: round(percentile(work.jsonParse, 50), 4),
      schemaCheck: round(percentile(work.schemaCheck, 50), 4),
      redactBody: round(percentile(work.redactBody, 50), 4),
    },
  };
}

/** A request with three offers, so GET /requests/:id answers a realistic body (the flow reads it after the accepts). */
async function seedRequest(driver: EscrowDriver): Promise<{ token: string; requestId: string }> {
  const tag = randomBytes(4).toString('hex');
  const register = async (role: 'buyer' | 'seller', i: number) => {
    const res = await driver.register!({ username: `bench-${tag}-${role}-${i}`, password: 'correct horse battery', role });
    if (!res.ok) throw new Error(`register: ${res.status} ${res.error?.message}`);
    return res.data;
  };
  const buyer = await register('buyer', 0);
  const sellers = await Promise.all([1, 2, 3].map((i) => register('seller', i)));
  const created = await driver.createRequest(buyer.token, {
    title: `bench ${tag}`,
    budget: (100n * 10n ** 18n).toString(),
    invitedSellerIds: sellers.map((s) => s.user.id),
  });
  if (!created.ok) throw new Error(`createRequest: ${created.status} ${created.error?.message}`);
  for (const [i, s] of sellers.entries()) {
    const offer = await driver.createOffer(s.token, created.data.id, ((10n + BigInt(i)) * 10n ** 18n).toString());
    if (!offer.ok) throw new Error(`createOffer: ${offer.status} ${offer.error?.message}`);
  }
  return { token: buyer.token, requestId: created.data.id };
}

export async function timingOverhead(calls = 1000, warmup = 100): Promise<Overhead> {
  const t0 = performance.now();
  const lines: string[] = [];
  log('overhead: starting a sandbox in this process');
  const sandbox = await startSandbox({ log: (line) => lines.push(line) });
  const forget = onInterrupt(() => sandbox.stop());
  try {
    const sandboxStartS = round((performance.now() - t0) / 1000, 1)!;
    const setup = sandboxAdapter.driver({ baseUrl: sandbox.url, timeoutMs: 30_000 });
    const { token, requestId } = await seedRequest(setup);
    await setup.close?.();
    const endpoints: Endpoint[] = [
      { name: 'getRequest', path: `/requests/${requestId}`, token, schema: RequestDetail, call: (d) => d.getRequest(token, requestId) },
      { name: 'health', path: '/health', schema: Health, call: (d) => d.health!() },
    ];
    const measured: EndpointOverhead[] = [];
    for (const ep of endpoints) {
      log(`overhead: ${ep.name}, ${warmup} warm-up + ${calls} calls per arm, arms alternating`);
      measured.push(await measureEndpoint(sandbox.url, ep, calls, warmup));
    }
    return { calls, warmup, endpoints: measured, headline: measured[0]!.endpoint, sandboxStartS };
  } finally {
    await sandbox.stop();
    forget();
  }
}
