-- System-of-record queries of the Postgres probe (flow/system-of-record.ts).
-- Point PG_PROBE_SQL at a copy of this file to probe another schema: keep the
-- query names, their parameters and the result columns.
-- credits and unbalanced: $1 = payment id. foreignRecipients: $1 = request id,
-- $2 = the flow's user ids (uuid[]).

-- name: credits
SELECT count(*)::int AS n FROM ledger_journals WHERE payment_id = $1 AND kind = 'escrow_credit';

-- name: unbalanced
SELECT j.id::text AS journal, sum(p.amount)::text AS sum
FROM ledger_journals j JOIN ledger_postings p ON p.journal_id = j.id
WHERE j.payment_id = $1 GROUP BY j.id HAVING sum(p.amount) <> 0;

-- name: foreignRecipients
SELECT id::text AS id, recipient_id::text AS recipient, type FROM notifications
WHERE request_id = $1 AND NOT (recipient_id = ANY($2::uuid[]));
