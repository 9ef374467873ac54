// A sharded run's stage barrier must span every shard's workers, so it lives in Redis (BARRIER_REDIS_URL). Without
// it each shard would wait BARRIER_TIMEOUT_MS for flows running on other machines; an unreachable Redis would fail
// every flow at its barrier. Both are configuration, refused at once, before any flow.
import { ConfigError, maskValue } from '../config/env.ts';
import { BARRIER_LEAD_MS } from '../contract/coordinator.ts';

const PING_TIMEOUT_MS = 3_000;
/**
 * The last flow to arrive sets the release instant on its own clock, BARRIER_LEAD_MS ahead; every machine waits for
 * it on its own clock. Two machines whose clocks differ by more than the lead do not start together. Each shard is
 * held to half of it against the Redis server's clock, so any two shards are within the lead of each other.
 */
export const MAX_CLOCK_OFFSET_MS = BARRIER_LEAD_MS / 2;

/** This machine's clock against the Redis server's (TIME): the reading with the shortest round trip, ± half of it. */
export async function clockOffset(time: () => Promise<string[]>, tries = 5): Promise<{ offsetMs: number; uncertaintyMs: number }> {
  let best: { offsetMs: number; uncertaintyMs: number } | null = null;
  for (let i = 0; i < tries; i++) {
    const sent = performance.timeOrigin + performance.now();
    const [seconds, micros] = await time();
    const received = performance.timeOrigin + performance.now();
    const server = Number(seconds) * 1_000 + Number(micros) / 1_000;
    const reading = { offsetMs: server - (sent + received) / 2, uncertaintyMs: (received - sent) / 2 };
    if (best === null || reading.uncertaintyMs < best.uncertaintyMs) best = reading;
  }
  return best!;
}

/** Refuses a clock that is surely (beyond the reading's uncertainty) further from Redis's than MAX_CLOCK_OFFSET_MS. */
export function checkClockOffset(named: string, reading: { offsetMs: number; uncertaintyMs: number }): void {
  if (Math.abs(reading.offsetMs) - reading.uncertaintyMs <= MAX_CLOCK_OFFSET_MS) return;
  const ahead = reading.offsetMs < 0 ? 'ahead of' : 'behind';
  throw new ConfigError(
    `${named}: this machine's clock is ${Math.abs(Math.round(reading.offsetMs))} ms (± ${Math.ceil(reading.uncertaintyMs)} ms) ${ahead} the barrier Redis's clock, ` +
      `more than ${MAX_CLOCK_OFFSET_MS} ms: shards release their flows on their own clocks, so this one would not start with the others`,
    'synchronise the clocks of every shard machine (NTP: chrony or systemd-timesyncd), then run again',
  );
}

export async function checkShardBarrier(
  shard: { current: number; total: number } | null,
  redisUrl: string | undefined,
): Promise<{ offsetMs: number; uncertaintyMs: number } | null> {
  if (!shard || shard.total <= 1) return null;
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
    const reading = await Promise.race([
      client
        .connect()
        .then(() => client.ping())
        .then(() => clockOffset(() => client.sendCommand(['TIME']) as Promise<string[]>)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      }),
    ]);
    await client.quit();
    checkClockOffset(named, reading);
    return reading;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
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
