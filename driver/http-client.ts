// One timed HTTP call, the building block of every adapter: timed with a monotonic clock, validated against the
// adapter's schema of the target's answer, mapped to the suite's shape, and reported to onCall (the flow's history)
// before anything is thrown. 4xx/5xx come back as values; no answer and a broken answer are typed errors.
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import type { z } from 'zod';
import { redact } from '../lib/redact.ts';
import { callSubject } from './subject.ts';
import { ContractViolationError, TargetTimeoutError, TargetUnreachableError } from './errors.ts';
import type { ApiFailure, ApiResult, CallRecord, Outcome } from './types.ts';

export interface HttpClientOptions {
  /** Per-call timeout; a call past it has outcome `info` (it may still have happened). */
  timeoutMs?: number;
  onCall?: (record: CallRecord) => void;
  /** Keep redacted request/response bodies in records (for failed-flow logs). */
  keepBodies?: boolean;
  /** A shared connection pool (one per worker); without it the client owns one and close() ends it. */
  dispatcher?: Agent;
}

export interface CallSpec<S extends z.ZodType, T = z.infer<S>> {
  /** The suite's name of the operation (createRequest, login ...): latency is reported per op. */
  op: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query, relative to the client's base URL. */
  path: string;
  /** The target's 2xx body; a body that does not match is a contract violation. */
  schema: S;
  /** The target's answer in the suite's shape (ids as strings, amounts in base units ...). Identity by default. */
  map?: (body: z.infer<S>) => T;
  headers?: Record<string, string>;
  body?: unknown;
  /** The target's 4xx/5xx body as the suite's error; default: `{error, message, field?}` if it has them, else the status. */
  error?: (body: unknown, status: number) => ApiFailure;
}

/**
 * A `Server-Timing` header as sub-step name -> ms (`db;dur=5.1, derive;desc="x";dur=2` -> { db: 5.1, derive: 2 }); a
 * metric without a duration is left out, a name given twice is summed. Undefined when no metric has a duration.
 */
export function parseServerTiming(header: string | string[] | undefined): Record<string, number> | undefined {
  const timings = new Map<string, number>();
  // Quoted descriptions may hold commas and semicolons: blanked before the split.
  const metrics = [header ?? []]
    .flat()
    .join(',')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .split(',');
  for (const metric of metrics) {
    const [name, ...params] = metric.split(';').map((part) => part.trim());
    const dur = params.map((p) => /^dur=(.+)$/i.exec(p)?.[1]).find((v) => v !== undefined);
    if (name && dur !== undefined && Number.isFinite(Number(dur))) timings.set(name, (timings.get(name) ?? 0) + Number(dur));
  }
  return timings.size > 0 ? Object.fromEntries(timings) : undefined;
}

const defaultError = (json: unknown, status: number): ApiFailure => {
  const body = json as Partial<ApiFailure> | undefined;
  if (body && typeof body === 'object' && typeof body.error === 'string' && typeof body.message === 'string')
    return { error: body.error, message: body.message, ...(typeof body.field === 'string' ? { field: body.field } : {}) };
  return { error: `http_${status}`, message: typeof json === 'string' ? json.slice(0, 200) : `HTTP ${status}` };
};

export class HttpClient {
  private readonly timeoutMs: number;
  private readonly dispatcher: Agent;

  constructor(
    readonly baseUrl: string,
    private readonly options: HttpClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.dispatcher = options.dispatcher ?? new Agent({ connections: 16, keepAliveTimeout: 10_000 });
  }

  async close(): Promise<void> {
    if (!this.options.dispatcher) await this.dispatcher.close();
  }

  async call<S extends z.ZodType, T = z.infer<S>>(spec: CallSpec<S, T>): Promise<ApiResult<T>> {
    const startedAt = performance.timeOrigin + performance.now();
    const t0 = performance.now();
    const url = new URL(spec.path, this.baseUrl);
    const subject = callSubject.getStore();
    let serverTiming: Record<string, number> | undefined;
    const record = (status: number | null, outcome: Outcome, extra: Partial<CallRecord> = {}): CallRecord => {
      const rec: CallRecord = {
        op: spec.op,
        method: spec.method,
        path: spec.path,
        status,
        outcome,
        startedAt,
        durationMs: performance.now() - t0,
        ...(subject ? { subject } : {}),
        ...(serverTiming ? { serverTiming } : {}),
        ...extra,
      };
      if (this.options.keepBodies && spec.body !== undefined) rec.requestBody = redact(spec.body);
      this.options.onCall?.(rec);
      return rec;
    };
    let status: number;
    let text: string;
    try {
      const res = await request(url, {
        method: spec.method,
        dispatcher: this.dispatcher,
        headers: { ...(spec.body !== undefined ? { 'content-type': 'application/json' } : {}), ...spec.headers },
        body: spec.body !== undefined ? JSON.stringify(spec.body) : undefined,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.statusCode;
      serverTiming = parseServerTiming(res.headers['server-timing']);
      text = await res.body.text();
    } catch (err) {
      const e = err as Error & { code?: string };
      const timedOut = e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT';
      record(null, 'info', { error: timedOut ? `timeout after ${this.timeoutMs} ms` : e.message });
      throw timedOut
        ? new TargetTimeoutError(`${spec.method} ${url.pathname}`, this.timeoutMs)
        : new TargetUnreachableError(url.origin, err);
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    const responseBody = this.options.keepBodies ? redact(json) : undefined;
    if (status >= 200 && status < 300) {
      const parsed = spec.schema.safeParse(json);
      let data: T;
      try {
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          throw new Error(`${issue.path.join('.') || '(body)'}: ${issue.message}`);
        }
        data = spec.map ? spec.map(parsed.data) : (parsed.data as T);
      } catch (err) {
        const detail = (err as Error).message;
        record(status, 'fail', { error: `contract violation: ${detail}`, responseBody });
        throw new ContractViolationError(spec.op, detail);
      }
      return { status, ok: true, data, record: record(status, 'ok', { responseBody }) };
    }
    const apiError = (spec.error ?? defaultError)(json, status);
    return { status, ok: false, error: apiError, record: record(status, 'fail', { error: `${status} ${apiError.message}`, responseBody }) };
  }
}
