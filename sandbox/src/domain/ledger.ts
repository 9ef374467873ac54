// Double-entry escrow ledger. A journal per business event, keyed by an
// idempotency key that the database keeps unique: a payment is credited to
// escrow once and released once, however many processes race to do it.
import type { Faults } from '../faults.ts';
import type { Tx } from '../db/pool.ts';

export interface LedgerPayment {
  id: string;
  destination: string;
  seller_id: string;
  amount: string;
}

async function book(tx: Tx, paymentId: string, kind: string, key: string, postings: [string, bigint][]): Promise<boolean> {
  const journal = await tx.query<{ id: number }>(
    `INSERT INTO ledger_journals (payment_id, kind, idempotency_key) VALUES ($1, $2, $3)
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [paymentId, kind, key],
  );
  const id = journal.rows[0]?.id;
  if (id === undefined) return false;
  for (const [account, amount] of postings) {
    await tx.query('INSERT INTO ledger_postings (journal_id, account, amount) VALUES ($1, $2, $3)', [id, account, amount.toString()]);
  }
  return true;
}

/** Moves the payment's amount from its deposit address into escrow. Returns true if this call booked it. */
export async function creditEscrow(tx: Tx, payment: LedgerPayment, faults: Pick<Faults, 'duplicateCredit'>): Promise<boolean> {
  const amount = BigInt(payment.amount);
  const postings: [string, bigint][] = [
    [`deposit:${payment.destination.toLowerCase()}`, -amount],
    [`escrow:${payment.id}`, amount],
  ];
  const booked = await book(tx, payment.id, 'escrow_credit', `escrow_credit:${payment.id}`, postings);
  // Fault duplicate-credit: the retry path keys its journal by attempt, so the database cannot dedupe it.
  if (booked && faults.duplicateCredit) await book(tx, payment.id, 'escrow_credit', `escrow_credit:${payment.id}:attempt-2`, postings);
  return booked;
}

/** Releases escrow to the selected seller on buyer confirmation. */
export async function releaseEscrow(tx: Tx, payment: LedgerPayment, faults: Pick<Faults, 'ledgerImbalance'>): Promise<boolean> {
  const amount = BigInt(payment.amount);
  // Fault ledger-imbalance: a fee is skimmed from the seller's posting without a posting of its own.
  const toSeller = faults.ledgerImbalance ? amount - 1n : amount;
  return book(tx, payment.id, 'escrow_release', `escrow_release:${payment.id}`, [
    [`escrow:${payment.id}`, -amount],
    [`seller:${payment.seller_id}`, toSeller],
  ]);
}
