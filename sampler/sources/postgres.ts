// Postgres activity: client connections by state, locks (and how many wait),
// and statements active for longer than SLOW_STATEMENT_MS. The sampler's own
// connection is left out of every count. CPU and memory come from the
// postmaster's process tree (processes source), not from here.
import pg from 'pg';
import { ANSWER_TIMEOUT_MS, SLOW_STATEMENT_MS, type Fields, type Source } from '../types.ts';

const QUERY = `
SELECT
  (SELECT coalesce(json_object_agg(state, n), '{}')
     FROM (SELECT coalesce(state, 'unknown') AS state, count(*)::int AS n
             FROM pg_stat_activity
            WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
            GROUP BY 1) s) AS by_state,
  (SELECT count(*)::int FROM pg_locks WHERE pid IS DISTINCT FROM pg_backend_pid()) AS locks,
  (SELECT count(*)::int FROM pg_locks WHERE NOT granted) AS waiting,
  (SELECT count(*)::int FROM pg_stat_activity
    WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()
      AND now() - query_start > make_interval(secs => $1)) AS slow`;

interface Row {
  by_state: Record<string, number>;
  locks: number;
  waiting: number;
  slow: number;
}

export function postgresSource(pgUrl: string | undefined): Source {
  if (!pgUrl) return { sample: async () => ({ na: 'no Postgres URL (PG_URL or --pg-url-file)' }) };
  const pool = new pg.Pool({
    connectionString: pgUrl,
    max: 1,
    connectionTimeoutMillis: ANSWER_TIMEOUT_MS,
    statement_timeout: ANSWER_TIMEOUT_MS,
    application_name: 'escrow-ramp-sampler',
  });
  // A dropped idle connection is reported by the next query; it must not crash the sampler.
  pool.on('error', () => undefined);
  return {
    async sample() {
      const { rows } = await pool.query<Row>(QUERY, [SLOW_STATEMENT_MS / 1_000]);
      const row = rows[0]!;
      const fields: Fields = { connections: Object.values(row.by_state).reduce((a, b) => a + b, 0) };
      for (const [state, n] of Object.entries(row.by_state)) fields[`connections.${state.replace(/[^a-z]+/g, '_')}`] = n;
      return { ...fields, locks: row.locks, locksWaiting: row.waiting, slowStatements: row.slow };
    },
    close: () => pool.end(),
  };
}
