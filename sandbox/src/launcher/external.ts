// A Postgres or chain the user points the sandbox at (PG_URL, RPC_URL) is
// checked before anything starts, and a failure in the launcher's own steps
// is said in terms of the component it concerns.
import pg from 'pg';
import { StartupError, errnoCode, maskUrl, type ComponentName } from './startup-error.ts';

const CHECK_TIMEOUT_MS = 5_000;

const reasons: Record<string, string> = {
  ECONNREFUSED: 'nothing listens on that host and port',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve (DNS not answering)',
  ETIMEDOUT: 'the host does not answer (a firewall, or the wrong address)',
  ECONNRESET: 'the server closed the connection',
  EHOSTUNREACH: 'the host is unreachable',
};

/** Why a connection failed, in words, from an error's code. */
export function why(err: unknown): string {
  const code = errnoCode(err);
  if (code) return `${code}: ${reasons[code] ?? 'the connection failed'}`;
  const pgCode = (err as { code?: string })?.code;
  if (pgCode === '28P01' || pgCode === '28000') return 'the server refused the user name or password';
  if (pgCode === '3D000') return 'the database does not exist';
  const cause = (err as { cause?: { message?: string } })?.cause?.message;
  return `${(err as Error)?.message ?? String(err)}${cause ? `: ${cause}` : ''}`;
}

export async function checkExternalPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CHECK_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new StartupError({
      component: 'postgres',
      what: `could not connect to PG_URL=${maskUrl(url)} (${why(err)})`,
      cause: 'PG_URL names a Postgres the sandbox should use instead of starting its own, and it is not reachable with these credentials',
      todo: 'start that Postgres or correct PG_URL; unset PG_URL to let the sandbox start its own',
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** An external chain must answer eth_chainId with CHAIN_ID, and come with a token or a funder key. */
export async function checkExternalChain(url: string, chainId: number, hasTokenOrFunder: boolean): Promise<void> {
  const fail = (what: string, cause: string, todo: string) => new StartupError({ component: 'chain', what, cause, todo });
  if (!hasTokenOrFunder) {
    throw fail(
      `RPC_URL=${maskUrl(url)} is set without TOKEN_ADDRESS or FUNDER_PRIVATE_KEY`,
      'on an external chain the sandbox cannot use its own development accounts to deploy and fund tUSDT',
      'set FUNDER_PRIVATE_KEY (a funded test account) and TOKEN_ADDRESS, or unset RPC_URL to let the sandbox start its own chain',
    );
  }
  let answer: { result?: string; error?: { message?: string } };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    answer = (await response.json()) as typeof answer;
  } catch (err) {
    const timedOut = (err as Error)?.name === 'TimeoutError';
    throw fail(
      `could not reach RPC_URL=${maskUrl(url)} (${timedOut ? `no answer within ${CHECK_TIMEOUT_MS / 1000} s` : why(err)})`,
      'RPC_URL names a chain the sandbox should use instead of starting its own, and no JSON-RPC node answers there',
      'start that node or correct RPC_URL; unset RPC_URL to let the sandbox start its own chain',
    );
  }
  const actual = answer.result === undefined ? NaN : Number(answer.result);
  if (actual !== chainId) {
    throw fail(
      `RPC_URL=${maskUrl(url)} answered eth_chainId with ${answer.result ?? answer.error?.message ?? 'nothing'}, but CHAIN_ID is ${chainId}`,
      'RPC_URL and CHAIN_ID name different chains',
      'set CHAIN_ID to the chain RPC_URL serves, or correct RPC_URL',
    );
  }
}

/** For `.catch()` on a launcher step: its error, said as a failure of `component`. */
export function asStartupError(component: ComponentName, step: string, url: string): (err: unknown) => never {
  return (err) => {
    if (err instanceof StartupError) throw err;
    throw new StartupError({
      component,
      what: `${step} at ${maskUrl(url)}: ${why(err)}`,
      cause:
        component === 'chain'
          ? 'the chain stopped answering or rejected the transaction'
          : 'Postgres stopped answering or refused the statement',
      todo: 'read the log lines named below and run again',
    });
  };
}
