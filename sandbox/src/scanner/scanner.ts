// The chain scanner: finds tUSDT Transfer logs to pending payments'
// destinations, records them as deposits, and confirms a payment once its
// deposits reach the amount due with the required confirmations.
import { getAddress, id as keccakId, zeroPadValue, type JsonRpcProvider } from 'ethers';
import type { Db } from '../db/pool.ts';
import { inTx } from '../db/pool.ts';
import type { Faults } from '../faults.ts';
import { confirmPayment, type Evidence, type PaymentRow } from '../domain/payments.ts';

export const TRANSFER_TOPIC = keccakId('Transfer(address,address,uint256)');
const MAX_DESTINATIONS_PER_QUERY = 200;

export interface ScannerDeps {
  db: Db;
  provider: JsonRpcProvider;
  chainId: number;
  faults: Faults;
  onDeposit?: () => void;
  onConfirm?: (notifications: number) => void;
}

export interface ScanStats {
  latestBlock: number;
  backlog: number;
  lagBlocks: number;
}

export class Scanner {
  /** Highest block scanned per pending payment; a payment not here is scanned from its baseline. */
  private readonly scannedTo = new Map<string, number>();

  constructor(private readonly deps: ScannerDeps) {}

  /** One pass over every pending payment. */
  async scanOnce(): Promise<ScanStats> {
    const { db } = this.deps;
    await db.query(`UPDATE payments SET status = 'expired' WHERE status = 'pending' AND expires_at < now()`);
    const pending = (await db.query<PaymentRow>(`SELECT * FROM payments WHERE status = 'pending'`)).rows;
    const latest = await this.deps.provider.getBlockNumber();
    const live = new Set(pending.map((p) => p.id));
    for (const id of this.scannedTo.keys()) if (!live.has(id)) this.scannedTo.delete(id);
    const lag = pending.reduce((max, p) => Math.max(max, latest - (this.scannedTo.get(p.id) ?? p.baseline_block)), 0);
    for (let i = 0; i < pending.length; i += MAX_DESTINATIONS_PER_QUERY) {
      const batch = pending.slice(i, i + MAX_DESTINATIONS_PER_QUERY);
      const from = Math.min(...batch.map((p) => (this.scannedTo.get(p.id) ?? p.baseline_block - 1) + 1));
      if (from <= latest) await this.collect(batch, from, latest);
      for (const p of batch) {
        await this.evaluate(p, latest);
        this.scannedTo.set(p.id, latest);
      }
    }
    return { latestBlock: latest, backlog: pending.length, lagBlocks: lag };
  }

  /** The on-demand "scanner balance check" of one payment. */
  async check(paymentId: string): Promise<PaymentRow | undefined> {
    const payment = (await this.deps.db.query<PaymentRow>('SELECT * FROM payments WHERE id = $1', [paymentId])).rows[0];
    if (!payment || payment.status !== 'pending') return payment;
    const latest = await this.deps.provider.getBlockNumber();
    await this.collect([payment], payment.baseline_block, latest);
    await this.evaluate(payment, latest);
    return (await this.deps.db.query<PaymentRow>('SELECT * FROM payments WHERE id = $1', [paymentId])).rows[0];
  }

  private async collect(payments: PaymentRow[], fromBlock: number, toBlock: number): Promise<void> {
    const byDestination = new Map(payments.map((p) => [p.destination.toLowerCase(), p]));
    const logs = await this.deps.provider.getLogs({
      // Fault underpaid-accepted: any token's Transfer counts, not only the payment's token.
      address: this.deps.faults.underpaidAccepted ? undefined : payments[0]!.token_address,
      topics: [TRANSFER_TOPIC, null, payments.map((p) => zeroPadValue(p.destination, 32))],
      fromBlock,
      toBlock,
    });
    for (const log of logs) {
      const destination = topicAddress(log.topics[2]!).toLowerCase();
      const payment = byDestination.get(destination);
      if (!payment) continue;
      const inserted = await this.deps.db.query(
        `INSERT INTO deposits (payment_id, chain_id, token_address, destination, tx_hash, log_index, block_number, from_address, amount, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'chain') ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING`,
        [
          payment.id,
          this.deps.chainId,
          log.address,
          destination,
          log.transactionHash,
          log.index,
          log.blockNumber,
          topicAddress(log.topics[1]!),
          BigInt(log.data).toString(),
        ],
      );
      if (inserted.rowCount) this.deps.onDeposit?.();
    }
  }

  /** Confirms the payment when its confirmed deposits of the right token cover the amount due. */
  private async evaluate(payment: PaymentRow, latest: number): Promise<void> {
    const { faults } = this.deps;
    const deposits = (
      await this.deps.db.query<{
        tx_hash: string;
        log_index: number;
        block_number: number;
        amount: string;
        token_address: string;
        chain_id: number;
      }>(
        `SELECT tx_hash, log_index, block_number, amount, token_address, chain_id FROM deposits
         WHERE payment_id = $1 AND source = 'chain' ORDER BY block_number, log_index`,
        [payment.id],
      )
    ).rows.filter(
      (d) =>
        faults.underpaidAccepted ||
        (d.chain_id === payment.chain_id && d.token_address.toLowerCase() === payment.token_address.toLowerCase()),
    );
    let received = 0n;
    for (const d of deposits) {
      const confirmations = latest - d.block_number + 1;
      if (confirmations < payment.required_confirmations) break;
      received += BigInt(d.amount);
      // Fault underpaid-accepted: the first confirmed transfer counts as payment, whatever its amount.
      if (received >= BigInt(payment.amount) || faults.underpaidAccepted) {
        const evidence: Evidence = {
          txHash: d.tx_hash,
          logIndex: d.log_index,
          blockNumber: d.block_number,
          confirmations,
          amountReceived: received.toString(),
          source: 'chain',
        };
        const outcome = await inTx(this.deps.db, (tx) => confirmPayment(tx, payment, evidence, faults));
        if (outcome.confirmed) this.deps.onConfirm?.(outcome.notifications);
        return;
      }
    }
  }
}

function topicAddress(topic: string): string {
  return getAddress(`0x${topic.slice(-40)}`);
}
