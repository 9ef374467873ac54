// Paying for the accepted offer, per payment mode. Each mode ends with the
// request paid and returns what triggered payment_confirmed.
import { expect } from '@playwright/test';
import type { ContractTransactionResponse, Wallet } from 'ethers';
import type { Payment, PurchaseRequest } from '../contract/http.ts';
import { viaChainRpc } from '../driver/errors.ts';
import type { HttpEscrowDriver } from '../driver/http-driver.ts';
import type { FlowRecorder } from '../helpers/flow-recorder.ts';
import { now } from '../helpers/flow-recorder.ts';
import type { Actor } from '../fixtures/flow.ts';
import type { Run } from '../fixtures/run.ts';
import { ok } from './steps.ts';
import { verifyEvidence } from './probes.ts';

const TRANSFER_ABI = ['function transfer(address to, uint256 amount) returns (bool)'];

export interface PaymentContext {
  run: Run;
  api: HttpEscrowDriver;
  recorder: FlowRecorder;
  buyer: Actor;
  request: PurchaseRequest;
  price: bigint;
  wallet: Wallet | null;
  step: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
}

/** Creates the intent and checks it describes what the flow owes. */
async function intent(ctx: PaymentContext): Promise<Payment> {
  const payment = await ctx.step('createPaymentIntent', async () => ok(await ctx.api.createPaymentIntent(ctx.buyer.token, ctx.request.id)));
  ctx.recorder.ids.paymentId = payment.id;
  ctx.recorder.destination = payment.destination;
  expect(payment.amount, 'payment intent amount equals the accepted offer price').toBe(ctx.price.toString());
  expect(payment.chainId, 'payment intent chain').toBe(ctx.run.chain.chainId);
  expect(payment.tokenAddress.toLowerCase(), 'payment intent token').toBe(ctx.run.chain.tokenAddress.toLowerCase());
  return payment;
}

/** Polls the scanner check until the payment is confirmed; every check is a timed sample. */
async function confirmByScanner(ctx: PaymentContext, payment: Payment): Promise<Payment> {
  let last = payment;
  let lastAnswer = 'no check answered';
  const check = async () => {
    const res = await ctx.api.checkPayment(ctx.buyer.token, payment.id);
    if (!res.ok) {
      lastAnswer = `answered ${res.status}: ${res.error?.message ?? ''}`;
      return 'unanswered';
    }
    last = res.data!;
    lastAnswer = `answered ${res.status}: payment ${last.status}`;
    return last.status;
  };
  const timeout = ctx.run.cfg.SCANNER_CONFIRM_TIMEOUT_MS;
  try {
    await expect.poll(check, { timeout, intervals: [250] }).toBe('confirmed');
  } catch {
    // The last answer says why (a 504 from a stalled scanner is infrastructure, a pending payment is the product's).
    throw new Error(`scanner did not confirm payment ${payment.id} within ${timeout} ms; last check ${lastAnswer}`);
  }
  return last;
}

/** An underpayment must not confirm: pay half, let it reach the required confirmations, check. */
function underpaymentProbe(ctx: PaymentContext, payment: Payment, status: string): void {
  if (status !== 'pending')
    ctx.recorder.count('underOverpayments', `payment ${payment.id} was ${status} after half of ${payment.amount} arrived`);
}

async function payLive(ctx: PaymentContext): Promise<number> {
  const payment = await intent(ctx);
  const wallet = ctx.wallet!;
  const { Contract } = await import('ethers');
  const token = new Contract(payment.tokenAddress, TRANSFER_ABI, wallet);
  const transfer = (amount: bigint) =>
    viaChainRpc(`sending a ${amount} base-unit transfer`, async () => {
      const tx = (await token.getFunction('transfer')(payment.destination, amount)) as ContractTransactionResponse;
      const receipt = await tx.wait();
      return { hash: tx.hash, block: receipt!.blockNumber };
    });
  const half = BigInt(payment.amount) / 2n;
  await ctx.step('underpaymentProbe', async () => {
    const { block } = await transfer(half);
    await expect
      .poll(() => viaChainRpc('reading the block number', () => wallet.provider!.getBlockNumber()), {
        timeout: 60_000,
        message: 'confirmations accrue',
      })
      .toBeGreaterThanOrEqual(block + payment.requiredConfirmations - 1);
    underpaymentProbe(ctx, payment, ok(await ctx.api.checkPayment(ctx.buyer.token, payment.id)).status);
  });
  const triggeredAt = now();
  const confirmed = await ctx.step('scannerConfirm', async () => {
    const { hash } = await transfer(BigInt(payment.amount) - half);
    ctx.recorder.ids.txHash = hash;
    return confirmByScanner(ctx, payment);
  });
  await ctx.step('verifyEvidence', () => verifyEvidence(ctx.recorder, wallet.provider!, confirmed, ctx.run.chain.chainId));
  return triggeredAt;
}

async function payFixture(ctx: PaymentContext): Promise<number> {
  const payment = await intent(ctx);
  const half = BigInt(payment.amount) / 2n;
  await ctx.step('underpaymentProbe', async () => {
    underpaymentProbe(ctx, payment, ok(await ctx.api.fixtureDeposit(ctx.buyer.token, payment.id, half.toString())).status);
  });
  const triggeredAt = now();
  const confirmed = await ctx.step('scannerConfirm', async () =>
    ok(await ctx.api.fixtureDeposit(ctx.buyer.token, payment.id, (BigInt(payment.amount) - half).toString())),
  );
  ctx.recorder.ids.txHash = confirmed.evidence?.txHash ?? null;
  if (confirmed.status !== 'confirmed')
    ctx.recorder.count('evidenceMismatches', `payment ${payment.id} is ${confirmed.status} after full fixture deposit`);
  return triggeredAt;
}

async function payByStatus(ctx: PaymentContext, withIntent: boolean): Promise<number> {
  if (withIntent) await intent(ctx);
  else await ctx.step('setStatusPayment', async () => ok(await ctx.api.setStatus(ctx.buyer.token, ctx.request.id, 'payment')));
  const triggeredAt = now();
  await ctx.step('setStatusPaid', async () => ok(await ctx.api.setStatus(ctx.buyer.token, ctx.request.id, 'paid')));
  return triggeredAt;
}

/** Pays per PAYMENT_MODE; returns the epoch ms of the call that triggered payment_confirmed. */
export function pay(ctx: PaymentContext): Promise<number> {
  switch (ctx.run.cfg.mode) {
    case 'live':
      return payLive(ctx);
    case 'fixture':
      return payFixture(ctx);
    case 'status':
      return payByStatus(ctx, false);
    case 'dry':
      // API-only: the intent is created and measured, finalisation is a status jump.
      return payByStatus(ctx, true);
  }
}
