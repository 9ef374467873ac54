// Paying for the accepted offer, per payment mode. Each mode returns when the
// target confirmed the payment (payment_confirmed's trigger), or null when the
// mode leaves it unpaid on purpose (dry).
//
// Business steps (timed in timingsMs): createPaymentIntent, scannerConfirm.
// Probes (PAYMENT_PROBE_OPS, each a step of its own, timed apart by the recorder
// and its calls tagged with its name): the underpayment, the unpaid-advance
// probe after it (or after the intent, in dry mode), and the evidence check.
import { expect } from '@playwright/test';
import type { ContractTransactionResponse } from 'ethers';
import type { Payment } from '../contract/http.ts';
import type { WorkerResult } from '../contract/worker-result.ts';
import { ERC20_ABI } from '../contract/erc20.ts';
import { offeredOp } from '../driver/capabilities.ts';
import { viaChainRpc } from '../driver/errors.ts';
import { readChain } from './chain-read.ts';
import { confirmationMoment, judgeChainEvidence, judgeFixtureEvidence, type Confirmed, type Due, type FixtureDeposit } from './evidence.ts';
import { confirmedRecordMismatches, judgeUnderpayment, recordVerdict, unpaidAdvanceProbe, type PaymentContext } from './payment-probes.ts';
import { now } from './recorder.ts';
import { ok } from './steps.ts';

export type { PaymentContext };

/**
 * The payment's probes: each a step of its own, never inside createPaymentIntent or scannerConfirm. The recorder
 * times a step whose name ends in Probe apart from the business timings and tags the calls made inside it.
 */
export const PAYMENT_PROBE_OPS = ['underpaymentProbe', 'unpaidAdvanceProbe', 'evidenceProbe'] as const;

/** Creates the intent and checks it describes what the flow owes. */
async function intent(ctx: PaymentContext): Promise<{ payment: Payment; due: Due }> {
  const payment = await ctx.step('createPaymentIntent', async () => ok(await ctx.api.createPaymentIntent(ctx.buyer.token, ctx.request.id)));
  ctx.recorder.ids.paymentId = payment.id;
  ctx.recorder.destination = payment.destination;
  expect(payment.amount, 'payment intent amount equals the accepted offer price').toBe(ctx.price.toString());
  // Against the chain facts the target states; a target that states none is checked by the evidence probe alone.
  if (ctx.run.chain) {
    expect(payment.chainId, 'payment intent chain').toBe(ctx.run.chain.chainId);
    expect(payment.tokenAddress.toLowerCase(), 'payment intent token').toBe(ctx.run.chain.tokenAddress.toLowerCase());
  }
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
  const fixtureDeposit = offeredOp(ctx.api, 'fixtureDeposit', 'fixtureDeposits');
  const { payment, due } = await intent(ctx);
  const half = due.amount / 2n;
  const deposits: FixtureDeposit[] = [];
  const afterHalf = await ctx.step('underpaymentProbe', async () => {
    const res = await fixtureDeposit(ctx.buyer.token, payment.id, half.toString());
    const answered = ok(res);
    deposits.push({ amount: half });
    judgeUnderpayment(ctx, due, answered.status, half);
    return answered;
  });
  if (afterHalf.status === 'pending')
    await ctx.step('unpaidAdvanceProbe', () => unpaidAdvanceProbe(ctx, due, `after a fixture deposit of ${half} of ${due.amount}`));

  const { confirmed, record } = await ctx.step('scannerConfirm', async () => {
    const res = await fixtureDeposit(ctx.buyer.token, payment.id, (due.amount - half).toString());
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
  const setStatus = offeredOp(ctx.api, 'setStatus', 'statusRoute');
  await ctx.step('setStatusPayment', async () => ok(await setStatus(ctx.buyer.token, ctx.request.id, 'payment')));
  const res = await ctx.step('setStatusPaid', () => setStatus(ctx.buyer.token, ctx.request.id, 'paid'));
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
 * Payment intents a run leaves pending on purpose — a dry flow creates its intent and never pays it — out of
 * `results` (every stage so far: an intent outlives its stage). The gate's drain check allows this many in the
 * target's scanner backlog: they are not work the target failed to finish.
 */
export function intentsLeftPending(results: readonly Pick<WorkerResult, 'mode' | 'paymentId'>[]): number {
  return results.filter((r) => r.mode === 'dry' && r.paymentId !== null).length;
}
