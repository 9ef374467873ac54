// Payment rows, their DTO, the one confirmation path shared by the
// scanner (chain deposits) and fixture deposits, and the Server-Timing of a
// payment intent's sub-steps.
import { performance } from 'node:perf_hooks';
import type { Faults } from '../faults.ts';
import type { Tx } from '../db/pool.ts';
import { creditEscrow } from './ledger.ts';
import { insertNotifications } from './notifications.ts';

export interface Evidence {
  txHash: string;
  logIndex: number;
  blockNumber: number;
  confirmations: number;
  amountReceived: string;
  source: 'chain' | 'fixture';
}

export interface PaymentRow {
  id: string;
  request_id: string;
  offer_id: string;
  buyer_id: string;
  seller_id: string;
  chain_id: number;
  token_address: string;
  destination: string;
  amount: string;
  status: 'pending' | 'confirmed' | 'expired';
  baseline_block: number;
  required_confirmations: number;
  expires_at: Date;
  created_at: Date;
  confirmed_at: Date | null;
  evidence: Evidence | null;
}

export function toPaymentDto(p: PaymentRow) {
  return {
    id: p.id,
    requestId: p.request_id,
    offerId: p.offer_id,
    buyerId: p.buyer_id,
    sellerId: p.seller_id,
    chainId: p.chain_id,
    tokenAddress: p.token_address,
    destination: p.destination,
    amount: p.amount,
    status: p.status,
    expiresAt: p.expires_at.toISOString(),
    createdAt: p.created_at.toISOString(),
    confirmedAt: p.confirmed_at ? p.confirmed_at.toISOString() : null,
    requiredConfirmations: p.required_confirmations,
    evidence: p.evidence,
  };
}

export interface ConfirmOutcome {
  confirmed: boolean;
  notifications: number;
}

/**
 * Marks a pending payment confirmed, credits escrow once, moves the request to
 * `paid` and notifies buyer and seller. A payment that is no longer pending is
 * left alone: concurrent confirmations of the same payment all end here and
 * only the first UPDATE matches.
 */
export async function confirmPayment(tx: Tx, payment: PaymentRow, evidence: Evidence, faults: Faults): Promise<ConfirmOutcome> {
  const updated = await tx.query(
    `UPDATE payments SET status = 'confirmed', confirmed_at = now(), evidence = $2 WHERE id = $1 AND status = 'pending'`,
    [payment.id, JSON.stringify(evidence)],
  );
  if (updated.rowCount === 0) return { confirmed: false, notifications: 0 };
  await creditEscrow(tx, payment, faults);
  await tx.query(`UPDATE purchase_requests SET status = 'paid', updated_at = now() WHERE id = $1 AND status = 'payment'`, [
    payment.request_id,
  ]);
  const notifications = await insertNotifications(
    tx,
    [payment.buyer_id, payment.seller_id].map((recipientId) => ({
      recipientId,
      type: 'payment_confirmed' as const,
      requestId: payment.request_id,
      offerId: payment.offer_id,
      paymentId: payment.id,
    })),
  );
  return { confirmed: true, notifications };
}

/**
 * A request's sub-steps for its `Server-Timing` header, each on its own clock: sub-steps run one after another add up
 * to about `total`, sub-steps run at once to more than it.
 */
export class ServerTiming {
  private readonly started = performance.now();
  private readonly steps: [name: string, ms: number][] = [];

  async step<T>(name: string, work: () => Promise<T> | T): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.steps.push([name, performance.now() - t0]);
    }
  }

  /** Starts a step; the function it returns ends it. Sub-steps timed meanwhile are not counted in it (a transaction's own time). */
  around(name: string): () => void {
    const [t0, timedBefore] = [performance.now(), this.timed()];
    return () => void this.steps.push([name, performance.now() - t0 - (this.timed() - timedBefore)]);
  }

  private timed(): number {
    return this.steps.reduce((sum, [, ms]) => sum + ms, 0);
  }

  /** `auth;dur=0.41, chain-block;dur=2.30, …, total;dur=9.87`: the steps so far and the time since the request began. */
  header(): string {
    const all = [...this.steps, ['total', performance.now() - this.started] as const];
    return all.map(([name, ms]) => `${name};dur=${ms.toFixed(2)}`).join(', ');
  }
}
