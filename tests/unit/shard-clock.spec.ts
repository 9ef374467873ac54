// A shard's clock against the barrier Redis's (runner/shard-barrier.ts): the reading with the shortest round trip
// is kept, and only a clock surely off by more than the limit is refused (the reading's uncertainty counts for it).
import { expect, test } from '@playwright/test';
import { ConfigError } from '../../config/env.ts';
import { checkClockOffset, clockOffset, MAX_CLOCK_OFFSET_MS } from '../../runner/shard-barrier.ts';

/** A Redis TIME answer `offsetMs` ahead of this machine's clock, answered after `delays` ms in turn. */
function redisTime(offsetMs: number, delays: number[]): () => Promise<string[]> {
  let call = 0;
  return async () => {
    const delay = delays[call++ % delays.length]!;
    await new Promise((resolve) => setTimeout(resolve, delay));
    const now = performance.timeOrigin + performance.now() + offsetMs - delay / 2;
    return [String(Math.floor(now / 1_000)), String(Math.round((now % 1_000) * 1_000))];
  };
}

test('the offset is read from the fastest answer, with half its round trip as uncertainty', async () => {
  const reading = await clockOffset(redisTime(400, [60, 2, 60]), 3);
  expect(reading.uncertaintyMs).toBeLessThan(20);
  expect(Math.abs(reading.offsetMs - 400)).toBeLessThan(reading.uncertaintyMs + 5);
});

test('a clock within the limit passes; one surely beyond it is refused with how far, which way, and what to do', () => {
  expect(() => checkClockOffset('--shard=1/2', { offsetMs: MAX_CLOCK_OFFSET_MS - 1, uncertaintyMs: 1 })).not.toThrow();
  // Beyond the limit by less than the uncertainty: not surely off, so not refused.
  expect(() => checkClockOffset('--shard=1/2', { offsetMs: MAX_CLOCK_OFFSET_MS + 10, uncertaintyMs: 20 })).not.toThrow();
  let error: unknown;
  try {
    checkClockOffset('--shard=2/4', { offsetMs: -400, uncertaintyMs: 1 });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).message).toBe(
    `--shard=2/4: this machine's clock is 400 ms (± 1 ms) ahead of the barrier Redis's clock, more than ${MAX_CLOCK_OFFSET_MS} ms: shards release their flows on their own clocks, so this one would not start with the others`,
  );
  expect((error as ConfigError).action).toMatch(/NTP/);
});
