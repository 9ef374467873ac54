// A sharded run's stage barrier must span every shard's workers, so it lives in Redis (BARRIER_REDIS_URL). Without
// it each shard would wait BARRIER_TIMEOUT_MS for flows running on other machines; an unreachable Redis would fail
// every flow at its barrier. Both are configuration, refused at once, before any flow.
import { ConfigError, maskValue } from '../config/env.ts';

const PING_TIMEOUT_MS = 3_000;

export async function checkShardBarrier(shard: { current: number; total: number } | null, redisUrl: string | undefined): Promise<void> {
  if (!shard || shard.total <= 1) return;
  const named = `--shard=${shard.current}/${shard.total}`;
  if (!redisUrl)
    throw new ConfigError(
      `${named} needs BARRIER_REDIS_URL=(unset): a stage's barrier must span the workers of every shard, and each shard alone would wait BARRIER_TIMEOUT_MS for flows that run on other machines`,
      'set BARRIER_REDIS_URL to a Redis every shard reaches (the same for all shards), or run without --shard',
    );
  const { createClient } = await import('redis');
  const client = createClient({ url: redisUrl, socket: { connectTimeout: PING_TIMEOUT_MS, reconnectStrategy: false } });
  client.on('error', () => undefined); // surfaced by connect/ping below
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      }),
    ]);
    await client.quit();
  } catch (err) {
    // A half-open connection is dropped, not quit politely: quit would wait for an answer that is not coming.
    client.destroy();
    throw new ConfigError(
      `${named}: BARRIER_REDIS_URL=${maskValue('BARRIER_REDIS_URL', redisUrl)} did not answer PING: ${(err as Error).message}`,
      'start that Redis or fix the URL; every shard must reach the same one',
    );
  } finally {
    clearTimeout(timer);
  }
}
