// What the doctor says when a step does not do what the adapter expects: what was sent, what came back (a short,
// masked excerpt) and what the adapter expected. Expected failures carry no stack: their message is the whole story.
import { ContractViolationError, TargetTimeoutError, TargetUnreachableError } from '../../driver/errors.ts';
import type { ApiResult, CallRecord } from '../../driver/types.ts';
import { maskHexKey, redact, redactText } from '../../lib/redact.ts';

export interface Mismatch {
  /** What was sent: `POST /requests`, or what the doctor did without HTTP; absent when nothing was sent. */
  sent?: string;
  /** What came back. */
  got: string;
  /** What the adapter (or the doctor, for this flow) expected. */
  expected: string;
  /** The answer was a 404/405, not JSON, or not in the adapter's shape: the sign of a server that is not this API. */
  foreign?: boolean;
  /** What to do, when the message alone does not say. */
  action?: string;
}

export class DoctorFailure extends Error {
  override readonly name = 'DoctorFailure';
  /** The step that failed (set by the step runner). */
  step = '';
  /** Whether any request had been answered as the adapter expects before this one. */
  answeredBefore = true;

  constructor(readonly mismatch: Mismatch) {
    super(`${mismatch.sent ? `${mismatch.sent}: ` : ''}${mismatch.got}`);
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** A body as one short line, secret-named fields, JWTs and `secrets` masked. */
export function excerpt(body: unknown, secrets: readonly string[] = [], max = 160): string {
  if (body === undefined || body === '') return '(empty body)';
  const text = typeof body === 'string' ? body : JSON.stringify(redact(body, secrets));
  const line = maskHexKey(redactText(text, secrets)).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}...` : line;
}

/** `POST /requests/abc/offers`, masked. */
export const sentBy = (record: CallRecord, secrets: readonly string[] = []): string =>
  redactText(`${record.method} ${record.path}`, secrets);

const answered = (record: CallRecord, secrets: readonly string[]) => `HTTP ${record.status}: ${excerpt(record.responseBody, secrets)}`;

/** A 404/405 or a body that is not JSON: what a server that is not this API answers. */
const looksForeign = (record: CallRecord) =>
  record.status === 404 || record.status === 405 || typeof record.responseBody === 'string' || record.responseBody === undefined;

/** The data of an answer the adapter reads as a success; a DoctorFailure naming the call and its answer otherwise. */
export function accepted<T>(res: ApiResult<T>, expected: string, secrets: readonly string[] = []): T {
  if (res.ok) return res.data;
  // Without an error body the adapter makes one up from the status (http_404): nothing to add to the status.
  const synthetic = res.error.error === `http_${res.status}`;
  throw new DoctorFailure({
    sent: sentBy(res.record, secrets),
    got:
      answered(res.record, secrets) +
      (synthetic ? '' : ` (the target's error: ${redactText(`${res.error.error}: ${res.error.message}`, secrets)})`),
    expected,
    foreign: looksForeign(res.record),
  });
}

/** Throws a DoctorFailure when `holds` is false: the call was answered, but not with what this flow needs. */
export function expectThat(holds: boolean, res: ApiResult<unknown>, expected: string, got: string, secrets: readonly string[] = []): void {
  if (holds) return;
  throw new DoctorFailure({ sent: sentBy(res.record, secrets), got: `HTTP ${res.status}: ${redactText(got, secrets)}`, expected });
}

const lastOf = <T>(items: readonly T[], match: (item: T) => boolean): T | undefined => [...items].reverse().find(match);

/** Errors a programming mistake throws: worth the place it was thrown at, which a user can act on. */
const BUGS = new Set(['TypeError', 'ReferenceError', 'RangeError', 'SyntaxError']);

/** Any error a step threw, as the doctor reports it; `calls` are the step's call records, latest last. */
export function toFailure(err: unknown, calls: readonly CallRecord[], secrets: readonly string[], what?: string): DoctorFailure {
  if (err instanceof DoctorFailure) return err;
  if (err instanceof ContractViolationError) {
    const record = lastOf(calls, (c) => Boolean(c.error?.startsWith('contract violation')));
    return new DoctorFailure({
      sent: record ? sentBy(record, secrets) : err.op,
      got: record ? answered(record, secrets) : err.message,
      expected: `an answer the adapter reads as ${err.op}; it found ${redactText(err.detail, secrets)}`,
      foreign: true,
    });
  }
  if (err instanceof TargetTimeoutError) {
    return new DoctorFailure({
      sent: err.url,
      got: `no answer within ${err.timeoutMs} ms (the call may still have happened)`,
      expected: `an answer within ${err.timeoutMs / 1000} s (the doctor's per-call timeout)`,
      action: 'check that the backend is running and not stuck, and that BASE_URL names it',
    });
  }
  if (err instanceof TargetUnreachableError) {
    const record = lastOf(calls, (c) => c.status === null);
    return new DoctorFailure({
      sent: record ? sentBy(record, secrets) : err.url,
      got: `no connection: ${redactText((err.cause as Error | undefined)?.message ?? err.message, secrets)}`,
      expected: `an HTTP server listening at ${redactText(err.url)}`,
      action: 'start the backend, or check BASE_URL',
    });
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const at = BUGS.has(e.name) ? /\n\s+at (?:.*\()?(.+?:\d+:\d+)\)?/.exec(e.stack ?? '')?.[1] : undefined;
  return new DoctorFailure({
    sent: what,
    got: `${BUGS.has(e.name) ? `${e.name}: ` : ''}${redactText(e.message, secrets)}${at ? ` (thrown at ${at})` : ''}`,
    expected: 'the step to complete',
  });
}

/** The one message for a failed step: what was sent, what came back, what was expected. */
export function failureMessage(failure: DoctorFailure, ctx: { target: string; adapter: string; mode: string }): string {
  const { sent, got, expected, foreign, action } = failure.mismatch;
  const notThisApi = foreign && !failure.answeredBefore;
  const head = notThisApi
    ? `doctor: the target ${ctx.target} does not look like an escrow API for adapter "${ctx.adapter}": ` +
      `its first failing request, ${sent ?? failure.step} (step ${failure.step}), was not answered as the adapter expects`
    : `doctor: step "${failure.step}" failed against ${ctx.target} (adapter "${ctx.adapter}", PAYMENT_MODE=${ctx.mode})`;
  const todo = notThisApi
    ? 'check BASE_URL, or set TARGET_ADAPTER to an adapter written for this API (docs/retargeting.md)'
    : (action ?? 'fix the target or the adapter so that they agree on this step (docs/retargeting.md), then run the doctor again');
  return [
    head,
    ...(sent ? [`  sent:       ${sent}`] : []),
    `  got:        ${got}`,
    `  expected:   ${expected}`,
    `  what to do: ${todo}`,
  ].join('\n');
}
