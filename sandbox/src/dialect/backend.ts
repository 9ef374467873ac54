// The backend's own HTTP API as the dialect calls it: the session forwarded as its bearer token, an error
// answer turned into a Problem (same status, same code), a lost connection into BackendGone.
import { Problem, BackendGone, bazaarField } from './problem.ts';

export interface Call {
  /** X-Bazaar-Session, forwarded as `Authorization: Bearer`. */
  session?: string;
  body?: unknown;
  query?: Record<string, string | undefined>;
  /** What `params.id` is called in bazaar's words for this route (order_no, invoice_no). */
  paramsId?: string;
}

export interface Answer<T> {
  status: number;
  data: T;
}

export class Backend {
  constructor(readonly url: string) {}

  async call<T>(method: 'GET' | 'POST', path: string, call: Call = {}): Promise<Answer<T>> {
    const url = new URL(path, this.url);
    for (const [key, value] of Object.entries(call.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
    const headers: Record<string, string> = {};
    if (call.session !== undefined) headers.authorization = `Bearer ${call.session}`;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, { method, headers, body: call.body === undefined ? undefined : JSON.stringify(call.body) });
      text = await res.text();
    } catch (err) {
      throw new BackendGone(`${method} ${url.pathname}: ${(err as Error).message}`, { cause: err });
    }
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (res.ok) return { status: res.status, data: data as T };
    const error = (data ?? {}) as { error?: unknown; message?: unknown; field?: unknown };
    throw new Problem(
      res.status,
      typeof error.error === 'string' ? error.error : `http_${res.status}`,
      typeof error.message === 'string' ? error.message : text.slice(0, 500),
      bazaarField(typeof error.field === 'string' ? error.field : undefined, call.paramsId ?? 'id'),
    );
  }
}
