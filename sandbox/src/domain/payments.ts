// Payment rows, their DTO, and the one confirmation path shared by the
// scanner (chain deposits) and fixture deposits.
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
