// The load generator's saturation readings (issue 12, item 10): the runner's CPU share of the host from /proc and
// the workers' event-loop delay, on hand-made inputs and on this process. The per-stage verdict: load-generator.spec.ts.
import { expect, test } from '@playwright/test';
import { eventLoopDelayOf, monitorEventLoop } from '../../sampler/event-loop.ts';
import type { PidStat } from '../../sampler/proc.ts';
import { runnerCpuShare, runnerReading, runnerSource } from '../../sampler/sources/runner.ts';

test("the runner's processes are the runner and its workers' trees; the sandbox and the sampler under it are not", () => {
  const stat = (pid: number, ppid: number, ticks: number): [number, PidStat] => [pid, { pid, ppid, ticks }];
  // 100 runner; 101 and 105 workers (106 a child of 105); 102 the sandbox's shell, 103 its backend; 104 the sampler.
  const table = new Map([
    stat(1, 0, 5),
    stat(100, 1, 1_000),
    stat(101, 100, 300),
    stat(102, 100, 1),
    stat(103, 102, 5_000),
    stat(104, 100, 50),
    stat(105, 100, 200),
    stat(106, 105, 7),
  ]);
  const reading = runnerReading(100, table, (pid) => pid === 101 || pid === 105, 40_000)!;
  expect(reading.workers).toEqual([101, 105]);
  expect(reading.pids.sort()).toEqual([100, 101, 105, 106]);
  expect(reading.ticks).toBe(1_000 + 300 + 200 + 7);
  expect(runnerReading(999, table, () => false, 40_000)).toBeUndefined();
});

test("the runner's CPU share is its ticks over every core's jiffies between two readings", () => {
  const at = (ticks: number, hostTotal: number) => ({ ticks, hostTotal, workers: [], pids: [] });
  // 150 of 200 host jiffies (2 cores x 1 s at USER_HZ 100): 75% of the host.
  expect(runnerCpuShare(at(1_000, 10_000), at(1_150, 10_200))).toBe(0.75);
  expect(runnerCpuShare(undefined, at(1_150, 10_200))).toBe('n/a: first reading of the runner, no CPU delta yet');
  expect(runnerCpuShare(at(1_000, 10_000), at(1_100, 10_000))).toMatch(/^n\/a: no CPU time passed/);
  expect(runnerCpuShare(at(1_000, 10_000), at(900, 10_200))).toMatch(/^n\/a: the runner's CPU time went down/);
});

test('the runner source reads this process from /proc: a CPU share after a busy spell, and no workers', async () => {
  const source = runnerSource(process.pid);
  const first = await source.sample();
  expect(first).toMatchObject({ pid: process.pid, workers: 0, cpuFraction: 'n/a: first reading of the runner, no CPU delta yet' });
  const until = performance.now() + 300;
  while (performance.now() < until); // keep one core busy
  const second = (await source.sample()) as Record<string, unknown>;
  expect(second.cpuFraction).toBeGreaterThan(0);
  expect(second.cpuPct).toBeGreaterThan(0);
  expect(second.rssMb).toBeGreaterThan(0);
  expect(await runnerSource(undefined).sample()).toEqual({
    na: 'no runner pid (--runner-pid): the sampler was not started by a Playwright run',
  });
});

test('event-loop delay: histogram nanoseconds become ms; a blocked loop shows in p99 and max', () => {
  const histogram = { count: 40, mean: 12_500_000, max: 130_000_000, percentile: (p: number) => (p === 99 ? 120_000_000 : 10_400_000) };
  expect(eventLoopDelayOf(histogram, { stage: 8, pid: 7, startedAt: 1, endedAt: 2 })).toEqual({
    stage: 8,
    pid: 7,
    startedAt: 1,
    endedAt: 2,
    samples: 40,
    meanMs: 12.5,
    p50Ms: 10.4,
    p99Ms: 120,
    maxMs: 130,
  });
  const empty = eventLoopDelayOf({ count: 0, mean: NaN, max: 0, percentile: () => 0 }, { stage: 8, pid: 7, startedAt: 1, endedAt: 2 });
  expect(empty).toMatchObject({ samples: 0, meanMs: null, p99Ms: null, maxMs: null });
});

test('a real monitor sees a loop blocked for 150 ms', async () => {
  const monitor = monitorEventLoop();
  await new Promise((r) => setTimeout(r, 50));
  const until = performance.now() + 150;
  while (performance.now() < until); // block the event loop
  await new Promise((r) => setTimeout(r, 50));
  const seen = monitor.stop(4);
  expect(seen.stage).toBe(4);
  expect(seen.pid).toBe(process.pid);
  expect(seen.maxMs).toBeGreaterThanOrEqual(140);
});
