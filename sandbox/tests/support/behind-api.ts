// Faults from outside the project, behind the API: changes made directly in the sandbox's Postgres,
// as a buggy job, a manual fix or another service sharing the database would make them. The API then
// reports whatever the rows say; the suite must notice from what it reads.
import pg from 'pg';

/**
 * Moves request `requestId` to `paid` directly in the sandbox's Postgres while its payment intent is
 * still pending: no deposit, no payment confirmation, no escrow credit, no notification. Only the
 * request row changes (status `paid`, `updated_at` now); the payment stays `pending`.
 *
 * - `pgUrl`: the sandbox database holding the request, with its password: `Sandbox.pgUrl` (the `stack`
 *   fixture, or a `withFaults()` sandbox), or `pgUrl` in the sandbox's state file (`SANDBOX_STATE_FILE`).
 * - `requestId`: a request in status `payment` with a pending payment intent, e.g. after the flow's
 *   underpayment (half paid).
 *
 * Resolves with the id of the pending payment. Rejects, changing nothing, when the request does not
 * exist, is not in status `payment`, or has no pending payment intent: a fault that was not injected
 * must not pass for one that was.
 */
export async function markPaidBehindApi(pgUrl: string, requestId: string): Promise<{ paymentId: string }> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    const request = (await client.query<{ status: string }>('SELECT status FROM purchase_requests WHERE id = $1 FOR UPDATE', [requestId]))
      .rows[0];
    if (!request) throw new Error(`markPaidBehindApi: request ${requestId} does not exist in this database`);
    const pending = (
      await client.query<{ id: string }>(
        `SELECT id FROM payments WHERE request_id = $1 AND status = 'pending' ORDER BY created_at LIMIT 1`,
        [requestId],
      )
    ).rows[0];
    if (request.status !== 'payment' || !pending) {
      throw new Error(
        `markPaidBehindApi: request ${requestId} is ${request.status} ${pending ? `with pending payment ${pending.id}` : 'without a pending payment intent'}; ` +
          'it needs status payment and a pending payment intent (create the intent, pay less than its amount or nothing, then call this)',
      );
    }
    await client.query(`UPDATE purchase_requests SET status = 'paid', updated_at = now() WHERE id = $1`, [requestId]);
    await client.query('COMMIT');
    return { paymentId: pending.id };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
