// The payment as the system of record holds it: one row read from Postgres
// (PG_URL, or the sandbox's own database) beside what the API said, while the
// payment is pending (after the underpayment) and once it is confirmed. One
// query per read, on a pool of two clients per worker process: cheap next to
// the flow's own calls. A target whose schema is not the sandbox's supplies the
// query as a `-- name: paymentRecord` section of its PG_PROBE_SQL file; without
// one the read is not run, and says so.
import { existsSync } from 'node:fs';
import type { ProbeResult } from '../contract/worker-result.ts';
import { judgeTerms, type Due, type Mismatch } from './evidence.ts';
import { loadQueries } from './system-of-record.ts';

/** One payment row with its request's status, its escrow credits and its recorded deposits. */
export interface PaymentRecord {
  status: string;
  amount: string;
  destination: string;
  tokenAddress: string;
  chainId: number;
  requestStatus: string;
  credits: number;
  /** Sum of every deposit recorded for the payment (chain or fixture), base units. */
  deposited: string;
}

/** The sandbox schema's query ($1 = payment id); PG_PROBE_SQL's `paymentRecord` section must return the same columns. */
export const PAYMENT_RECORD_SQL = `
SELECT p.status, p.amount::text AS amount, p.destination, p.token_address AS "tokenAddress", p.chain_id AS "chainId",
       r.status AS "requestStatus",
       (SELECT count(*)::int FROM ledger_journals j WHERE j.payment_id = p.id AND j.kind = 'escrow_credit') AS credits,
       (SELECT COALESCE(sum(d.amount), 0)::text FROM deposits d WHERE d.payment_id = p.id) AS deposited
FROM payments p JOIN purchase_requests r ON r.id = p.request_id
WHERE p.id = $1`;

/** Request statuses past `payment`: a request in one of them acts as paid. */
export const ADVANCED_STATUSES: readonly string[] = ['paid', 'delivered', 'completed'];

type Pool = import('pg').Pool;
const pools = new Map<string, Pool>();
const CONNECT_TIMEOUT_MS = 60_000;

async function poolFor(pgUrl: string): Promise<Pool> {
  let pool = pools.get(pgUrl);
  if (!pool) {
    const { default: pg } = await import('pg'); // only when a system of record is probed
    pool = new pg.Pool({
      connectionString: pgUrl,
      max: 2,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: 5_000,
      allowExitOnIdle: true,
    });
    pools.set(pgUrl, pool);
  }
  return pool;
}

/** The query to run, or why none can run. */
export function paymentRecordQuery(pgUrl: string | undefined, sqlFile: string | undefined): { sql: string } | { notRun: string } {
  if (!pgUrl) return { notRun: 'PG_URL is not set' };
  if (!sqlFile) return { sql: PAYMENT_RECORD_SQL };
  if (!existsSync(sqlFile)) return { notRun: `PG_PROBE_SQL ${sqlFile} does not exist` };
  const sql = loadQueries(sqlFile).paymentRecord;
  return sql?.trim() ? { sql: sql.trim() } : { notRun: `PG_PROBE_SQL ${sqlFile} has no "-- name: paymentRecord" query` };
}

/** Reads the payment's record; null when the database has no such payment. */
export async function readPaymentRecord(pgUrl: string, sql: string, paymentId: string): Promise<PaymentRecord | null> {
  // The system of record not answering is infrastructure, not a product bug: the message says so (config/classify.ts).
  const client = await (await poolFor(pgUrl)).connect().catch((err: Error) => {
    throw new Error(`the Postgres system of record did not connect within ${CONNECT_TIMEOUT_MS} ms: ${err.message}`);
  });
  try {
    return (await client.query<PaymentRecord>(sql, [paymentId])).rows[0] ?? null;
  } finally {
    client.release();
  }
}

/** What the record says while the payment must still be pending: anything past pending is named. */
export interface PendingFindings {
  /** The request acts as paid (or further) while its payment is pending. */
  advanced: string[];
  /** The payment itself is no longer pending although only part of it was paid. */
  accepted: string[];
}

export function judgePendingRecord(due: Due, record: PaymentRecord | null, when: string): PendingFindings {
  const out: PendingFindings = { advanced: [], accepted: [] };
  if (!record) {
    out.accepted.push(`postgres has no payment ${due.paymentId}`);
    return out;
  }
  if (record.status !== 'pending') out.accepted.push(`postgres: payment ${due.paymentId} is ${record.status} ${when}`);
  if (ADVANCED_STATUSES.includes(record.requestStatus))
    out.advanced.push(
      `postgres: request ${due.requestId} is ${record.requestStatus} while payment ${due.paymentId} is ${record.status} ${when}`,
    );
  if (record.credits > 0)
    out.advanced.push(`postgres: payment ${due.paymentId} has ${record.credits} escrow credit(s) while ${record.status} ${when}`);
  return out;
}

/** The confirmed payment's record must agree with the API and with the truth (`received`: what the chain or the flow's deposits show). */
export function judgeConfirmedRecord(due: Due, record: PaymentRecord | null, received: bigint): Mismatch[] {
  if (!record) return [{ kind: 'claim', detail: `postgres has no payment ${due.paymentId}` }];
  const out = judgeTerms(due, record).map((m) => ({ ...m, detail: `postgres: ${m.detail}` }));
  if (record.status !== 'confirmed') out.push({ kind: 'claim', detail: `the API says confirmed, postgres says ${record.status}` });
  const deposited = BigInt(record.deposited);
  if (deposited < due.amount) out.push({ kind: 'amount', detail: `postgres: deposits sum to ${deposited} of ${due.amount}` });
  if (deposited > received) out.push({ kind: 'amount', detail: `postgres records ${deposited} deposited, the truth shows ${received}` });
  return out;
}

export const probeResult = (name: string, problems: readonly string[], passed: string): ProbeResult => ({
  name,
  status: problems.length ? 'fail' : 'pass',
  detail: problems.length ? problems.join('; ') : passed,
});
