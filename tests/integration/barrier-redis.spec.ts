// The cross-shard barrier against a real redis-server on a loopback port.
import { expect, test as base } from '@playwright/test';
import { redisBarrier } from '../../fixtures/barrier-client.ts';
import { checkShardBarrier } from '../../runner/shard-barrier.ts';
import { hasRedisServer, REDIS_MISSING, startRedisServer } from './support/redis-server.ts';
import { freePort } from '../../sandbox/src/launcher/ports.ts';

const test = base.extend<object, { redisUrl: string }>({
  redisUrl: [
    async ({}, use) => {
      const redis = await startRedisServer();
      try {
        await use(redis.url);
      } finally {
        redis.stop();
      }
    },
    { scope: 'worker' },
  ],
});

test.skip(!hasRedisServer(), REDIS_MISSING);

test('parties of two shards arriving at different times get one release time and distinct slots', async ({ redisUrl }) => {
  const barrier = redisBarrier(redisUrl);
  const req = { runId: `t-${Date.now()}`, stage: 'C4', parties: 4, timeoutMs: 10_000 };
  const arrivals = await Promise.all([0, 1, 2, 3].map(async (i) => barrier(req).then((a) => ({ ...a, i }))));
  expect(new Set(arrivals.map((a) => a.releaseAt)).size).toBe(1);
  expect(arrivals.map((a) => a.slot).sort()).toEqual([0, 1, 2, 3]);
  expect(arrivals.every((a) => a.generation === 0)).toBe(true);
  // The next arrivals of the same stage form round 2.
  const round2 = await Promise.all([0, 1, 2, 3].map(() => barrier(req)));
  expect(round2.every((a) => a.generation === 1)).toBe(true);
});

test('a party that waits past its timeout fails naming how many of the stage arrived', async ({ redisUrl }) => {
  const barrier = redisBarrier(redisUrl);
  const req = { runId: `t-${Date.now()}`, stage: 'C3', parties: 3, timeoutMs: 1_000 };
  const results = await Promise.allSettled([barrier(req), barrier(req)]);
  for (const r of results) {
    expect(r.status).toBe('rejected');
    expect((r as PromiseRejectedResult).reason.message).toMatch(/barrier C3 round 1 \(redis\): 2 of 3 flows arrived within 1000 ms/);
  }
});

test('an unreachable Redis is a clear setup error', async () => {
  const port = await freePort();
  await expect(redisBarrier(`redis://127.0.0.1:${port}`)({ runId: 'x', stage: 'C1', parties: 1, timeoutMs: 1_000 })).rejects.toThrow(
    /ECONNREFUSED|connect/,
  );
});

test('a shard on the machine of the Redis server reads its clock offset as about zero, and is let through', async ({ redisUrl }) => {
  const reading = await checkShardBarrier({ current: 1, total: 2 }, redisUrl);
  expect(reading).not.toBeNull();
  // Same host, same clock: the offset is within the reading's own uncertainty (plus TIME's microsecond rounding).
  expect(Math.abs(reading!.offsetMs)).toBeLessThanOrEqual(reading!.uncertaintyMs + 1);
  expect(reading!.uncertaintyMs).toBeLessThan(50);
});
