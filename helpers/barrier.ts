// Where a flow waits for the rest of its stage. By default the run's local
// coordinator; with BARRIER_REDIS_URL, Redis, so that `--shard=i/n` runs on
// several machines start a stage together (they must share RUN_ID).
import type { BarrierArrival } from './coordinator.ts';
import { redactText } from './redact.ts';

export interface BarrierRequest {
  runId: string;
  stage: string;
  parties: number;
  timeoutMs: number;
  /** This flow will not run (its setup failed): count it, answer at once, let the others go. */
  abandoned?: boolean;
}

export type Barrier = (req: BarrierRequest) => Promise<BarrierArrival>;

/** Release a moment after the last arrival so every party can schedule the same instant. */
const LEAD_MS = 150;

export function coordinatorBarrier(coordinatorUrl: string): Barrier {
  return async ({ stage, parties, timeoutMs, abandoned }) => {
    const res = await fetch(`${coordinatorUrl}/barrier`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stage, parties, timeoutMs, abandoned }),
      signal: AbortSignal.timeout(timeoutMs + 5_000),
    });
    const body = (await res.json()) as BarrierArrival & { error?: string };
    if (!res.ok) throw new Error(`setup: ${body.error ?? `barrier answered ${res.status}`}`);
    return body;
  };
}

/**
 * INCR hands out arrival numbers; the last party of a generation pushes one
 * release time per party onto the generation's list; the others block on it.
 */
export function redisBarrier(redisUrl: string): Barrier {
  return async ({ runId, stage, parties, timeoutMs, abandoned }) => {
    const { createClient } = await import('redis');
    const client = createClient({ url: redisUrl, socket: { connectTimeout: 10_000, reconnectStrategy: false } });
    client.on('error', () => undefined); // surfaced by the awaited commands below
    try {
      await client.connect();
      const key = `escrow-ramp:barrier:${runId}:${stage}`;
      const n = (await client.incr(key)) - 1;
      await client.expire(key, 24 * 3600);
      const generation = Math.floor(n / parties);
      const slot = n % parties;
      const list = `${key}:${generation}`;
      if (slot === parties - 1) {
        const releaseAt = Date.now() + LEAD_MS;
        await client.rPush(
          list,
          Array.from({ length: parties }, () => String(releaseAt)),
        );
        await client.expire(list, 24 * 3600);
      }
      if (abandoned) return { slot, generation, releaseAt: Date.now() };
      const popped = await client.blPop(list, Math.ceil(timeoutMs / 1000));
      if (!popped) {
        const arrived = Number(await client.get(key)) - generation * parties;
        throw new Error(
          `setup: barrier ${stage} round ${generation + 1} (redis): ${Math.min(arrived, parties)} of ${parties} flows arrived within ${timeoutMs} ms`,
        );
      }
      return { slot, generation, releaseAt: Number(popped.element) };
    } catch (err) {
      throw new Error(redactText((err as Error).message));
    } finally {
      if (client.isOpen) await client.quit().catch(() => undefined);
    }
  };
}
