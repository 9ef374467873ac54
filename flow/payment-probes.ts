// The payment's probes while it is pending and once it is confirmed: an underpayment must not confirm, nothing may
// advance without payment (read from every side the target offers), and the evidence of a confirmed payment must match
// what was paid. Their pure judgement is in flow/evidence.ts and flow/payment-records.ts.
import type { Wallet } from 'ethers';
import type { PurchaseRequest } from '../contract/http.ts';
import type { Correctness } from '../contract/worker-result.ts';
import { notOffered } from '../driver/capabilities.ts';
import type { EscrowDriver } from '../driver/types.ts';
import { describeMismatches, type Due, type EvidenceVerdict } from './evidence.ts';
import type { Actor, Run } from './kit.ts';
import {
  ADVANCED_STATUSES,
  judgeConfirmedRecord,
  judgePendingRecord,
  paymentRecordQuery,
  probeResult,
  readPaymentRecord,
} from './payment-records.ts';
import type { FlowRecorder } from './recorder.ts';
import { ok } from './steps.ts';

/** The counter of "advanced without payment" (a request or delivery that moved on while its payment was not confirmed). */
export const ADVANCED_WITHOUT_PAYMENT: keyof Correctness = 'advancedWithoutPayment';

export interface PaymentContext {
  run: Run;
  api: EscrowDriver;
  recorder: FlowRecorder;
  buyer: Actor;
  /** The selected seller: the unpaid-advance probe attempts a delivery as them. Without it that attempt is not run. */
  seller?: Actor;
  request: PurchaseRequest;
  price: bigint;
  wallet: Wallet | null;
  step: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
}

/** An underpayment must not confirm: after half of the amount the payment must still be pending. */
export function judgeUnderpayment(ctx: PaymentContext, due: Due, status: string, half: bigint): void {
  const problems = status === 'pending' ? [] : [`payment ${due.paymentId} was ${status} after ${half} of ${due.amount} arrived`];
  for (const p of problems) ctx.recorder.count('underOverpayments', p);
  ctx.recorder.probes.push(probeResult('underpayment', problems, `payment pending after ${half} of ${due.amount}`));
}

/**
 * Payment truth from every side while the payment is pending: the request (read back) must not have moved past
 * `payment`, the payment's ledger must hold no credit, the selected seller's delivery attempt must be refused, and,
 * with a system of record, its rows must say the same. Anything that moved on is a P0 "advanced without payment"
 * naming the ids. A delivery the target accepted ends the flow here: its later steps would only measure the damage.
 */
export async function unpaidAdvanceProbe(ctx: PaymentContext, due: Due, when: string): Promise<void> {
  const { api, recorder, buyer, seller } = ctx;
  const problems: string[] = [];
  const advanced = (line: string, counted = true) => {
    problems.push(line);
    if (counted) recorder.count(ADVANCED_WITHOUT_PAYMENT, `advanced without payment: ${line}`);
    else recorder.evidence.push(`${ADVANCED_WITHOUT_PAYMENT}: advanced without payment (corroborated): ${line}`);
  };
  const checked: string[] = [];
  const notRun: string[] = [];

  const request = ok(await api.getRequest(buyer.token, due.requestId));
  const requestAdvanced = ADVANCED_STATUSES.includes(request.status);
  if (requestAdvanced) advanced(`request ${due.requestId} is ${request.status} while payment ${due.paymentId} is pending ${when}`);
  checked.push(`request ${request.status}`);

  let journals: { kind: string; id: string }[] = [];
  if (!api.paymentLedger) notRun.push(`ledger: ${notOffered('ledger')}`);
  else {
    journals = ok(await api.paymentLedger(buyer.token, due.paymentId)).journals;
    if (journals.length)
      advanced(
        `payment ${due.paymentId} of request ${due.requestId} is pending ${when} but its ledger holds ${journals
          .map((j) => `${j.kind} ${j.id}`)
          .join(', ')}`,
      );
    checked.push(`ledger ${journals.length} journal(s)`);
  }

  let delivered: string | null = null;
  if (!seller) notRun.push('delivery attempt: the flow gave no selected seller');
  else {
    const res = await api.deliver(seller.token, due.requestId, `unpaid-advance probe of ${recorder.workerId}`);
    if (res.ok) {
      delivered = `request ${due.requestId} accepted a delivery by ${seller.label} ${seller.id} while payment ${due.paymentId} is pending ${when}`;
      advanced(delivered);
    } else if (res.record.outcome === 'info' || res.status >= 500) ok(res); // no answer, or a broken one: the probe cannot tell; the flow fails on it
    checked.push(`delivery ${res.ok ? 'accepted' : `refused ${res.status}`}`);
  }

  const query = paymentRecordQuery(ctx.run.pgUrl, ctx.run.cfg.PG_PROBE_SQL);
  if ('notRun' in query) notRun.push(`postgres: ${query.notRun}`);
  else {
    const record = await readPaymentRecord(ctx.run.pgUrl!, query.sql, due.paymentId);
    const findings = judgePendingRecord(due, record, when);
    checked.push(
      `postgres: payment ${record?.status ?? 'missing'}, request ${record?.requestStatus ?? 'missing'}, ${record?.credits ?? 0} credit(s)`,
    );
    // The API side may have counted the same fact: the database corroborates it, it does not count it twice.
    for (const line of findings.advanced) advanced(line, !requestAdvanced && !journals.length && !delivered);
    for (const line of findings.accepted) {
      problems.push(line);
      recorder.count('underOverpayments', line);
    }
  }
  const context = `${checked.join(', ')}${notRun.length ? `; not run: ${notRun.join('; ')}` : ''}`;
  recorder.probes.push(probeResult('unpaid-advance', problems.length ? [...problems, context] : [], context));
  if (delivered) throw new Error(`P0 advanced without payment: ${delivered}`);
}

/** Counts one P0 per payment whose evidence does not match, every mismatch named; records the probe either way. */
export function recordVerdict(ctx: PaymentContext, due: Due, name: string, verdict: EvidenceVerdict, passed: string): void {
  if (verdict.mismatches.length) ctx.recorder.count('evidenceMismatches', describeMismatches(due, verdict.mismatches));
  ctx.recorder.probes.push(
    probeResult(
      name,
      verdict.mismatches.map((m) => `${m.kind}: ${m.detail}`),
      passed,
    ),
  );
}

/** The confirmed payment's rows in the system of record, judged against the truth; not run without one. */
export async function confirmedRecordMismatches(ctx: PaymentContext, due: Due, received: bigint): Promise<EvidenceVerdict['mismatches']> {
  const query = paymentRecordQuery(ctx.run.pgUrl, ctx.run.cfg.PG_PROBE_SQL);
  if ('notRun' in query) {
    ctx.recorder.probes.push({ name: 'postgres-payment', status: 'not-run', detail: query.notRun });
    return [];
  }
  const mismatches = judgeConfirmedRecord(due, await readPaymentRecord(ctx.run.pgUrl!, query.sql, due.paymentId), received);
  ctx.recorder.probes.push(
    probeResult(
      'postgres-payment',
      mismatches.map((m) => `${m.kind}: ${m.detail}`),
      'payment row agrees',
    ),
  );
  return mismatches;
}
