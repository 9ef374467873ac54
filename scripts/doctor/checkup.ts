// The doctor's record of one check-up: every call the driver made, one row per step (ok with its latency, failed
// with what came back and what was expected, not offered, not checked) and the capability rows.
import { performance } from 'node:perf_hooks';
import type { ApiResult, CallRecord } from '../../driver/types.ts';
import { accepted, DoctorFailure, toFailure, type Mismatch } from './failure.ts';

export type StepResult = 'ok' | 'failed' | 'not offered' | 'not checked';

export interface StepRow {
  step: string;
  result: StepResult;
  latencyMs: number | null;
  detail: string;
}

export interface CapabilityRow {
  capability: string;
  offered: string;
  /** Whether the chosen PAYMENT_MODE (or the doctor itself) cannot run without it. */
  needed: string;
}

export interface StepOptions<T> {
  /** What the row says of a passed step. */
  describe?: (value: T) => string;
  /** What the step does when it is not an HTTP call (a socket, a wait), for the failure message. */
  what?: string;
  /** The row's latency of a passed step; default the slowest call of the step, or its wall time without calls. */
  latency?: (value: T) => number | null;
}

/** What a step's row says of the object the target answered: its id, status and amount. */
function summary(data: unknown): string {
  const d = data as { id?: unknown; status?: unknown; amount?: unknown; price?: unknown };
  const parts = [d.id && `id ${String(d.id)}`, d.status && `status ${String(d.status)}`, d.price && `price ${String(d.price)}`];
  return [...parts, d.amount && `amount ${String(d.amount)}`].filter(Boolean).join(', ');
}

export class Checkup {
  readonly rows: StepRow[] = [];
  readonly calls: CallRecord[] = [];
  /** Values that must never be printed (the generated passwords), beyond what redaction finds by itself. */
  readonly secrets: string[] = [];
  capabilities: CapabilityRow[] | null = null;
  /** Whether any call so far was answered as the adapter expects. */
  private answered = false;

  /** The driver's onCall. */
  readonly onCall = (record: CallRecord): void => {
    this.calls.push(record);
    if (record.outcome === 'ok') this.answered = true;
  };

  /** Runs one step: a row either way; a DoctorFailure (with the step named) when it fails. */
  async step<T>(name: string, run: () => Promise<T>, options: StepOptions<T> = {}): Promise<T> {
    const first = this.calls.length;
    const answeredBefore = this.answered;
    const t0 = performance.now();
    try {
      const value = await run();
      const calls = this.calls.slice(first);
      const latency = options.latency
        ? options.latency(value)
        : calls.length
          ? Math.max(...calls.map((c) => c.durationMs))
          : performance.now() - t0;
      this.rows.push({ step: name, result: 'ok', latencyMs: latency, detail: options.describe?.(value) ?? '' });
      return value;
    } catch (err) {
      const failure = toFailure(err, this.calls.slice(first), this.secrets, options.what);
      failure.step = name;
      failure.answeredBefore = answeredBefore;
      const { got, expected } = failure.mismatch;
      this.rows.push({ step: name, result: 'failed', latencyMs: performance.now() - t0, detail: `${got}; expected ${expected}` });
      throw failure;
    }
  }

  /** A step of one call: the data when the target did what was asked and `check` holds, a DoctorFailure otherwise. */
  call<T>(name: string, run: () => Promise<ApiResult<T>>, expected: string, check?: (data: T, res: ApiResult<T>) => void) {
    return this.step(
      name,
      async () => {
        const res = await run();
        const data = accepted(res, expected, this.secrets);
        check?.(data, res);
        return { data, res };
      },
      { describe: ({ data }) => summary(data) },
    );
  }

  /** A row for a step the doctor did not run: the target does not offer it, or this mode does not check it. */
  skip(step: string, result: 'not offered' | 'not checked', detail: string): void {
    this.rows.push({ step, result, latencyMs: null, detail });
  }

  /**
   * A row for a step found wrong without a call of its own (a missing capability, a notification that did not
   * arrive), and the failure that stops the doctor: throw it.
   */
  refuse(step: string, mismatch: Mismatch, options: { result?: 'failed' | 'not offered'; latencyMs?: number | null } = {}): DoctorFailure {
    const detail = options.result === 'not offered' ? mismatch.got : `${mismatch.got}; expected ${mismatch.expected}`;
    this.rows.push({ step, result: options.result ?? 'failed', latencyMs: options.latencyMs ?? null, detail });
    const failure = new DoctorFailure(mismatch);
    failure.step = step;
    failure.answeredBefore = this.answered;
    return failure;
  }

  /** A row for a passed check that was not one call (a notification's arrival). */
  passedCheck(step: string, latencyMs: number | null, detail: string): void {
    this.rows.push({ step, result: 'ok', latencyMs, detail });
  }

  get passed(): boolean {
    return this.rows.every((r) => r.result !== 'failed');
  }
}

/** Rows as an aligned text table with a header and a rule. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const ms = (value: number | null) => (value === null ? '' : `${Math.round(value)} ms`);

/** The capability table and the step table, as the doctor prints them. */
export function renderTables(checkup: Checkup, stoppedAt?: string): string {
  const capabilities = checkup.capabilities
    ? table(
        ['capability', 'offered', 'needed'],
        checkup.capabilities.map((c) => [c.capability, c.offered, c.needed]),
      )
    : `(not determined: the doctor stopped at "${stoppedAt ?? '?'}", before it could read what the target offers)`;
  const steps = table(
    ['step', 'result', 'latency', 'detail'],
    checkup.rows.map((r) => [r.step, r.result, ms(r.latencyMs), r.detail]),
  );
  return `Capabilities\n\n${capabilities}\n\nSteps\n\n${steps}\n`;
}
