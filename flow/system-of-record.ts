// System-of-record probes: after the flow, ask the databases themselves
// whether the payment was credited once, the ledger balances, and every stored
// notification about this flow's request is addressed to this flow's users.
// A probe that cannot run says so (status not-run with the reason); it never passes silently.
import { readFileSync } from 'node:fs';
import type { ProbeResult } from '../contract/worker-result.ts';
import type { FlowRecorder } from './recorder.ts';

export interface ProbeSubject {
  paymentId: string | null;
  requestId: string;
  userIds: string[];
}

const DEFAULT_SQL = new URL('./sql/sandbox-postgres.sql', import.meta.url);

/** Named queries from a file of `-- name: x` sections. */
export function loadQueries(file: URL | string): Record<string, string> {
  const queries: Record<string, string> = {};
  let name: string | undefined;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const header = /^--\s*name:\s*(\w+)/.exec(line);
    if (header) name = header[1]!;
    else if (name && !line.startsWith('--')) queries[name] = `${queries[name] ?? ''}${line}\n`;
  }
  for (const required of ['credits', 'unbalanced', 'foreignRecipients']) {
    if (!queries[required]?.trim())
      throw new Error(`${String(file)}: query "${required}" is missing (sections start with "-- name: ${required}")`);
  }
  return queries;
}

type Pool = import('pg').Pool;
const POOL_SIZE = 4;
const CONNECT_TIMEOUT_MS = 60_000;
const pools = new Map<string, Pool>();

/**
 * One small pool per database per worker process, shared by the flows it runs (several at once with
 * FLOWS_PER_WORKER): a C256 stage must not open 256 connections for its probes. Idle clients let the worker exit.
 */
async function poolFor(pgUrl: string): Promise<Pool> {
  let pool = pools.get(pgUrl);
  if (!pool) {
    const { default: pg } = await import('pg');
    pool = new pg.Pool({
      connectionString: pgUrl,
      max: POOL_SIZE,
      // Includes the wait for a free client: 16 flows of a worker may queue behind its few connections.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: 5_000,
      allowExitOnIdle: true,
    });
    pools.set(pgUrl, pool);
  }
  return pool;
}

export async function postgresProbe(
  recorder: FlowRecorder,
  pgUrl: string | undefined,
  subject: ProbeSubject,
  sqlFile?: string,
): Promise<ProbeResult> {
  if (!pgUrl) return { name: 'postgres', status: 'not-run', detail: 'PG_URL is not set' };
  const queries = loadQueries(sqlFile ?? DEFAULT_SQL);
  // The system of record not answering is infrastructure, not a product bug: the message says so (config/classify.ts).
  const client = await (await poolFor(pgUrl)).connect().catch((err: Error) => {
    throw new Error(`the Postgres system of record did not connect within ${CONNECT_TIMEOUT_MS} ms: ${err.message}`);
  });
  try {
    const before = recorder.evidence.length;
    const corroborate = (metric: 'duplicateCredits' | 'ledgerInconsistencies', evidence: string, n: number) => {
      const counted = recorder.correctness[metric];
      if (n > counted) recorder.count(metric, evidence, n - counted);
      else recorder.evidence.push(`${metric}: ${evidence}`);
    };
    if (subject.paymentId) {
      const credits = (await client.query<{ n: number }>(queries.credits!, [subject.paymentId])).rows[0]?.n ?? 0;
      // The API's ledger probe may have counted the same violation: the database corroborates, it does not count it twice.
      if (credits > 1) corroborate('duplicateCredits', `postgres: payment ${subject.paymentId} has ${credits} escrow credits`, credits - 1);
      const unbalanced = (await client.query<{ journal: string; sum: string }>(queries.unbalanced!, [subject.paymentId])).rows;
      const sums = unbalanced.map((r) => `journal ${r.journal} sums to ${r.sum}`).join(', ');
      if (unbalanced.length) corroborate('ledgerInconsistencies', `postgres: payment ${subject.paymentId} ${sums}`, unbalanced.length);
    }
    for (const row of (
      await client.query<{ id: string; recipient: string; type: string }>(queries.foreignRecipients!, [subject.requestId, subject.userIds])
    ).rows) {
      recorder.count(
        'wrongRecipient',
        `postgres: ${row.type} ${row.id} about request ${subject.requestId} is addressed to ${row.recipient}, not a user of this flow`,
      );
    }
    const found = recorder.evidence.length - before;
    return {
      name: 'postgres',
      status: found ? 'fail' : 'pass',
      detail: found ? `${found} violation(s)` : 'credits, ledger and notification recipients agree',
    };
  } finally {
    client.release();
  }
}

/** The user's stack keeps notifications in MongoDB: the same recipient check there. */
export async function mongoProbe(
  recorder: FlowRecorder,
  mongoUrl: string | undefined,
  subject: ProbeSubject,
  collection = 'notifications',
): Promise<ProbeResult> {
  if (!mongoUrl) return { name: 'mongodb', status: 'not-run', detail: 'MONGO_URL is not set' };
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  try {
    const foreign = await client
      .db()
      .collection(collection)
      .find({ requestId: subject.requestId, recipientId: { $nin: subject.userIds } }, { projection: { _id: 1, recipientId: 1, type: 1 } })
      .toArray();
    for (const doc of foreign)
      recorder.count('wrongRecipient', `mongodb: ${String(doc.type)} ${String(doc._id)} is addressed to ${String(doc.recipientId)}`);
    return { name: 'mongodb', status: foreign.length ? 'fail' : 'pass', detail: `${foreign.length} foreign recipient(s) in ${collection}` };
  } finally {
    await client.close();
  }
}
