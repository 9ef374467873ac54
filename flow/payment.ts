// Paying for the accepted offer, per payment mode. Each mode returns when the
// target confirmed the payment (payment_confirmed's trigger), or null when the
// mode leaves it unpaid on purpose (dry).
//
// Business steps (timed in timingsMs): createPaymentIntent, scannerConfirm.
// Probes (PAYMENT_PROBE_OPS, each a step of its own, timed apart by the recorder
// and its calls tagged with its name): the underpayment, the unpaid-advance
// probe after it (or after the intent, in dry mode), and the evidence check.
import { expect } from '@playwright/test';
import type { ContractTransactionResponse, JsonRpcApiProvider, Provider, Wallet } from 'ethers';
import type { Payment, PurchaseRequest } from '../contract/http.ts';
import type { Correctness, WorkerResult } from '../contract/worker-result.ts';
import { viaChainRpc } from '../driver/errors.ts';
import type { HttpEscrowDriver } from '../driver/http-driver.ts';
import type { FlowRecorder } from './recorder.ts';
import { now } from './recorder.ts';
import { ERC20_ABI } from '../contract/erc20.ts';
import type { Actor } from './kit.ts';
import type { Run } from './kit.ts';
import { ok } from './steps.ts';
import {
  confirmationMoment,
  describeMismatches,
  judgeChainEvidence,
  judgeFixtureEvidence,
  type Confirmed,
  type Due,
  type EvidenceVerdict,
  type FixtureDeposit,
  type ReceiptLike,
} from './evidence.ts';
import {
  ADVANCED_STATUSES,
  judgeConfirmedRecord,
  judgePendingRecord,
  paymentRecordQuery,
  probeResult,
  readPaymentRecord,
} from './payment-records.ts';

/**
 * The payment's probes: each a step of its own, never inside createPaymentIntent or scannerConfirm. The recorder
 * times a step whose name ends in Probe apart from the business timings and tags the calls made inside it.
 */
export const PAYMENT_PROBE_OPS = ['underpaymentProbe', 'unpaidAdvanceProbe', 'evidenceProbe'] as const;

/** The counter of "advanced without payment" (a request or delivery that moved on while its payment was not confirmed). */
export const ADVANCED_WITHOUT_PAYMENT: keyof Correctness = 'advancedWithoutPayment';

export interface PaymentContext {
  run: Run;
  api: HttpEscrowDriver;
  recorder: FlowRecorder;
  buyer: Actor;
  /** The selected seller: the unpaid-advance probe attempts a delivery as them. Without it that attempt is not run. */
  seller?: Actor;
  request: PurchaseRequest;
  price: bigint;
  wallet: Wallet | null;
  step: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
}

/** Creates the intent and checks it describes what the flow owes. */
async function intent(ctx: PaymentContext): Promise<{ payment: Payment; due: Due }> {
  const payment = await ctx.step('createPaymentIntent', async () => ok(await ctx.api.createPaymentIntent(ctx.buyer.token, ctx.request.id)));
  ctx.recorder.ids.paymentId = payment.id;
  ctx.recorder.destination = payment.destination;
  expect(payment.amount, 'payment intent amount equals the accepted offer price').toBe(ctx.price.toString());
  expect(payment.chainId, 'payment intent chain').toBe(ctx.run.chain.chainId);
  expect(payment.tokenAddress.toLowerCase(), 'payment intent token').toBe(ctx.run.chain.tokenAddress.toLowerCase());
  const due: Due = {
    paymentId: payment.id,
    requestId: ctx.request.id,
    chainId: payment.chainId,
    tokenAddress: payment.tokenAddress,
    destination: payment.destination,
    amount: BigInt(payment.amount),
    requiredConfirmations: payment.requiredConfirmations,
  };
  return { payment, due };
}

/** The payment as the check that returned confirmed answered it, and when that check completed. */
interface Seen {
  payment: Payment;
  seenAt: number;
}

/** Polls the scanner check until the payment is confirmed; every check is a timed sample. */
async function confirmByScanner(ctx: PaymentContext, payment: Payment): Promise<Seen> {
  let seen: Seen = { payment, seenAt: now() };
  let lastAnswer = 'no check answered';
  const check = async () => {
    const res = await ctx.api.checkPayment(ctx.buyer.token, payment.id);
    if (!res.ok) {
      lastAnswer = `answered ${res.status}: ${res.error?.message ?? ''}`;
      return 'unanswered';
    }
    seen = { payment: res.data, seenAt: res.record.startedAt + res.record.durationMs };
    lastAnswer = `answered ${res.status}: payment ${seen.payment.status}`;
    return seen.payment.status;
  };
  const timeout = ctx.run.cfg.SCANNER_CONFIRM_TIMEOUT_MS;
  try {
    await expect.poll(check, { timeout, intervals: [250] }).toBe('confirmed');
  } catch {
    // The last answer says why (a 504 from a stalled scanner is infrastructure, a pending payment is the product's).
    throw new Error(`scanner did not confirm payment ${payment.id} within ${timeout} ms; last check ${lastAnswer}`);
  }
  return seen;
}

/** An underpayment must not confirm: after half of the amount the payment must still be pending. */
function judgeUnderpayment(ctx: PaymentContext, due: Due, status: string, half: bigint): void {
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
async function unpaidAdvanceProbe(ctx: PaymentContext, due: Due, when: string): Promise<void> {
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

  const { journals } = ok(await api.paymentLedger(buyer.token, due.paymentId));
  if (journals.length)
    advanced(
      `payment ${due.paymentId} of request ${due.requestId} is pending ${when} but its ledger holds ${journals
        .map((j) => `${j.kind} ${j.id}`)
        .join(', ')}`,
    );
  checked.push(`ledger ${journals.length} journal(s)`);

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
function recordVerdict(ctx: PaymentContext, due: Due, name: string, verdict: EvidenceVerdict, passed: string): void {
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
async function confirmedRecordMismatches(ctx: PaymentContext, due: Due, received: bigint): Promise<EvidenceVerdict['mismatches']> {
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

const TX_HASH = /^0x[0-9a-fA-F]{64}$/;

/** Reads, from the chain itself, what the judge needs: its chain id, the latest block and every receipt. */
async function readChain(provider: Provider, hashes: readonly string[]): Promise<Parameters<typeof judgeChainEvidence>[1]> {
  // Straight from the RPC where it can be: ethers answers getBlockNumber() from a short cache, and a block number from
  // before the confirmation would understate its confirmations; a static network would just repeat its configuration.
  const rpc = 'send' in provider ? (provider as JsonRpcApiProvider) : null;
  // First: the block closest to the moment the payment was seen confirmed (confirmations can only be overstated).
  const latestBlock = await viaChainRpc('reading the block number', async () =>
    rpc ? Number(await rpc.send('eth_blockNumber', [])) : provider.getBlockNumber(),
  );
  const chainId = await viaChainRpc('reading the chain id', async () =>
    Number(rpc ? await rpc.send('eth_chainId', []) : (await provider.getNetwork()).chainId),
  );
  const receipts = new Map<string, ReceiptLike | null>();
  for (const hash of new Set(hashes)) {
    if (!TX_HASH.test(hash)) {
      receipts.set(hash, null); // not a transaction hash: no chain has it
      continue;
    }
    const r = await viaChainRpc(`reading transaction ${hash}`, () => provider.getTransactionReceipt(hash));
    receipts.set(
      hash,
      r && {
        hash: r.hash,
        blockNumber: r.blockNumber,
        status: r.status,
        logs: r.logs.map((l) => ({ address: l.address, topics: l.topics, data: l.data, index: l.index })),
      },
    );
  }
  return { chainId, latestBlock, receipts };
}

async function payLive(ctx: PaymentContext): Promise<number> {
  const { payment, due } = await intent(ctx);
  const wallet = ctx.wallet!;
  const provider = wallet.provider!;
  const { Contract } = await import('ethers');
  const token = new Contract(payment.tokenAddress, ERC20_ABI, wallet);
  const sent: string[] = [];
  const transfer = (amount: bigint) =>
    viaChainRpc(`sending a ${amount} base-unit transfer`, async () => {
      const tx = (await token.getFunction('transfer')(payment.destination, amount)) as ContractTransactionResponse;
      sent.push(tx.hash);
      const receipt = await tx.wait();
      return { hash: tx.hash, block: receipt!.blockNumber };
    });
  const half = due.amount / 2n;
  const afterHalf = await ctx.step('underpaymentProbe', async () => {
    const { block } = await transfer(half);
    await expect
      .poll(() => viaChainRpc('reading the block number', () => provider.getBlockNumber()), {
        timeout: 60_000,
        message: 'confirmations accrue',
      })
      .toBeGreaterThanOrEqual(block + payment.requiredConfirmations - 1);
    const checked = ok(await ctx.api.checkPayment(ctx.buyer.token, payment.id));
    judgeUnderpayment(ctx, due, checked.status, half);
    return checked;
  });
  if (afterHalf.status === 'pending')
    await ctx.step('unpaidAdvanceProbe', () => unpaidAdvanceProbe(ctx, due, `after ${half} of ${due.amount} arrived`));

  let restSentAt = 0;
  const seen = await ctx.step('scannerConfirm', async () => {
    restSentAt = now();
    const { hash } = await transfer(due.amount - half);
    ctx.recorder.ids.txHash = hash;
    return confirmByScanner(ctx, payment);
  });
  await ctx.step('evidenceProbe', async () => {
    const confirmed: Confirmed = seen.payment;
    const chain = await readChain(provider, [...sent, ...(confirmed.evidence ? [confirmed.evidence.txHash] : [])]);
    const verdict = judgeChainEvidence(due, chain, sent, confirmed);
    verdict.mismatches.push(...(await confirmedRecordMismatches(ctx, due, verdict.received)));
    recordVerdict(
      ctx,
      due,
      'chain-evidence',
      verdict,
      `${verdict.received} of token ${due.tokenAddress} to ${due.destination} on chain ${chain.chainId}, ${verdict.confirmations} confirmation(s)`,
    );
  });
  return confirmationMoment(seen.payment.confirmedAt, restSentAt, seen.seenAt);
}

async function payFixture(ctx: PaymentContext): Promise<number> {
  const { payment, due } = await intent(ctx);
  const half = due.amount / 2n;
  const deposits: FixtureDeposit[] = [];
  const afterHalf = await ctx.step('underpaymentProbe', async () => {
    const res = await ctx.api.fixtureDeposit(ctx.buyer.token, payment.id, half.toString());
    const answered = ok(res);
    deposits.push({ amount: half });
    judgeUnderpayment(ctx, due, answered.status, half);
    return answered;
  });
  if (afterHalf.status === 'pending')
    await ctx.step('unpaidAdvanceProbe', () => unpaidAdvanceProbe(ctx, due, `after a fixture deposit of ${half} of ${due.amount}`));

  const { confirmed, record } = await ctx.step('scannerConfirm', async () => {
    const res = await ctx.api.fixtureDeposit(ctx.buyer.token, payment.id, (due.amount - half).toString());
    const answered = ok(res);
    deposits.push({ amount: due.amount - half });
    return { confirmed: answered, record: res.record };
  });
  ctx.recorder.ids.txHash = confirmed.evidence?.txHash ?? null;
  if (confirmed.status !== 'confirmed')
    throw new Error(`payment ${payment.id} is ${confirmed.status} after fixture deposits of its full amount ${due.amount}`);
  await ctx.step('evidenceProbe', async () => {
    const verdict = judgeFixtureEvidence(due, deposits, confirmed);
    verdict.mismatches.push(...(await confirmedRecordMismatches(ctx, due, verdict.received)));
    recordVerdict(
      ctx,
      due,
      'fixture-evidence',
      verdict,
      `deposit ${confirmed.evidence?.txHash}: ${verdict.received} to ${due.destination}`,
    );
  });
  return confirmationMoment(confirmed.confirmedAt, record.startedAt, record.startedAt + record.durationMs);
}

async function payByStatus(ctx: PaymentContext): Promise<number> {
  await ctx.step('setStatusPayment', async () => ok(await ctx.api.setStatus(ctx.buyer.token, ctx.request.id, 'payment')));
  const res = await ctx.step('setStatusPaid', () => ctx.api.setStatus(ctx.buyer.token, ctx.request.id, 'paid'));
  const paid = ok(res);
  // The target's own time of the move (updatedAt) when it is plausible, else the moment its answer arrived.
  return confirmationMoment(paid.updatedAt, res.record.startedAt, res.record.startedAt + res.record.durationMs);
}

/** API only: the intent is created and timed; nothing pays it, so the request must stay where it is. */
async function payDry(ctx: PaymentContext): Promise<null> {
  const { due } = await intent(ctx);
  await ctx.step('unpaidAdvanceProbe', () => unpaidAdvanceProbe(ctx, due, 'with nothing paid (dry mode)'));
  return null;
}

/**
 * Pays per PAYMENT_MODE. Returns the epoch ms (runner clock) at which the target confirmed the payment —
 * payment_confirmed's trigger: the payment's confirmedAt (live, fixture) or the request's updatedAt (status) when it
 * falls between the last money sent and the answer that showed it confirmed, otherwise that answer's arrival. Null in
 * dry mode: the payment stays pending, no payment_confirmed is due, and the flow ends here (a contract target refuses
 * delivery before payment; the unpaid-advance probe has just checked that it does).
 */
export function payForOffer(ctx: PaymentContext): Promise<number | null> {
  switch (ctx.run.cfg.mode) {
    case 'live':
      return payLive(ctx);
    case 'fixture':
      return payFixture(ctx);
    case 'status':
      return payByStatus(ctx);
    case 'dry':
      return payDry(ctx);
  }
}

/**
 * @deprecated The flow's former entry point, kept until tests/escrow-flow.spec.ts calls payForOffer: in dry mode it
 * returns the current time although nothing was paid (the flow then fails at its delivery, as a dry target refuses it).
 */
export async function pay(ctx: PaymentContext): Promise<number> {
  return (await payForOffer(ctx)) ?? now();
}

/**
 * Payment intents a run leaves pending on purpose — a dry flow creates its intent and never pays it — out of
 * `results` (every stage so far: an intent outlives its stage). The gate's drain check allows this many in the
 * target's scanner backlog: they are not work the target failed to finish.
 */
export function intentsLeftPending(results: readonly Pick<WorkerResult, 'mode' | 'paymentId'>[]): number {
  return results.filter((r) => r.mode === 'dry' && r.paymentId !== null).length;
}
