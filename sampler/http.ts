// fetch with a timeout, and errors that name the request and the cause
// (undici's own message is only "fetch failed").
import { ANSWER_TIMEOUT_MS } from './types.ts';

/** `label` names the endpoint in errors: the full URL for the target, only the origin for an RPC whose path may hold a key. */
export async function request(url: URL, init: RequestInit = {}, label = url.href): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) });
  } catch (err) {
    const e = err as Error & { cause?: Error };
    const why = e.name === 'TimeoutError' ? `no answer within ${ANSWER_TIMEOUT_MS} ms` : (e.cause?.message ?? e.message);
    throw new Error(`${init.method ?? 'GET'} ${label}: ${why}`);
  }
}
