// Chain RPC latency: one timed eth_blockNumber per sample. A failed call is a
// reading (error 1), not a failed source: the aggregate turns it into an error
// rate. Only the RPC's origin ever appears in output, since provider URLs often
// carry an API key in their path.
import { performance } from 'node:perf_hooks';
import { request } from '../http.ts';
import { naField, type Source, type SourceResult } from '../types.ts';

export function rpcSource(rpcUrl: string | undefined): Source {
  if (!rpcUrl) return { sample: async () => ({ na: 'no RPC URL (--rpc or RPC_URL)' }) };
  const url = new URL(rpcUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { sample: async () => ({ na: `RPC URL scheme ${url.protocol} is not timed: give an http(s) URL` }) };
  }
  let id = 0;
  return {
    async sample(): Promise<SourceResult> {
      const t0 = performance.now();
      try {
        const init = { method: 'POST', headers: { 'content-type': 'application/json' } };
        const body = JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'eth_blockNumber', params: [] });
        const res = await request(url, { ...init, body }, url.origin);
        const answer = (await res.json().catch(() => ({}))) as { result?: unknown; error?: { message?: string } };
        if (!res.ok || typeof answer.result !== 'string') {
          throw new Error(`POST ${url.origin} answered ${res.status} ${answer.error?.message ?? 'without a result'}`);
        }
        return { latencyMs: Math.round((performance.now() - t0) * 10) / 10, error: 0, blockNumber: Number(BigInt(answer.result)) };
      } catch (err) {
        return { latencyMs: naField(`eth_blockNumber failed: ${(err as Error).message}`), error: 1 };
      }
    },
  };
}
