// The stage barrier in-process (runner/coordinator.ts): releases, generations, timeouts. The coordinator that
// serves it over loopback HTTP: tests/integration/coordinator.spec.ts.
import { expect, test } from '@playwright/test';
import type { BarrierArrival } from '../../contract/coordinator.ts';
import { StageBarrier } from '../../runner/coordinator.ts';

interface Answer {
  status: number;
  body: BarrierArrival & { error?: string };
}

/** Arrives at the barrier; `answers` counts every respond call, so a second answer would show. */
function arrive(barrier: StageBarrier, stage: string, parties: number, timeoutMs: number) {
  const answers: Answer[] = [];
  const answered = new Promise<Answer>((resolve) =>
    barrier.arrive(stage, parties, timeoutMs, (status, body) => {
      answers.push({ status, body: body as Answer['body'] });
      resolve(answers[0]!);
    }),
  );
  return { answered, answers };
}

test.describe('StageBarrier', () => {
  test('releases N parties together, only when the last arrives, with one releaseAt and slots 0..N-1', async () => {
    const barrier = new StageBarrier(100);
    const first = [0, 1, 2].map(() => arrive(barrier, 'C4', 4, 5_000));
    // respond runs synchronously on the last arrival, so nobody has an answer yet.
    expect(first.map((a) => a.answers.length)).toEqual([0, 0, 0]);
    const before = Date.now();
    const last = arrive(barrier, 'C4', 4, 5_000);
    const after = Date.now();
    const answers = await Promise.all([...first, last].map((a) => a.answered));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(answers.map((a) => a.body.slot)).toEqual([0, 1, 2, 3]);
    expect(new Set(answers.map((a) => a.body.generation))).toEqual(new Set([0]));
    expect(new Set(answers.map((a) => a.body.releaseAt)).size).toBe(1);
    expect(answers[0]!.body.releaseAt).toBeGreaterThanOrEqual(before + 100);
    expect(answers[0]!.body.releaseAt).toBeLessThanOrEqual(after + 100);
  });

  test('the (N+1)th arrival starts generation 1 at slot 0', async () => {
    const barrier = new StageBarrier(0);
    const round1 = await Promise.all([arrive(barrier, 'C2', 2, 5_000), arrive(barrier, 'C2', 2, 5_000)].map((a) => a.answered));
    expect(round1.map((a) => [a.body.generation, a.body.slot])).toEqual([
      [0, 0],
      [0, 1],
    ]);
    const third = arrive(barrier, 'C2', 2, 5_000);
    expect(third.answers).toEqual([]);
    const round2 = await Promise.all([third, arrive(barrier, 'C2', 2, 5_000)].map((a) => a.answered));
    expect(round2.map((a) => [a.status, a.body.generation, a.body.slot])).toEqual([
      [200, 1, 0],
      [200, 1, 1],
    ]);
  });

  test('counts each stage on its own', async () => {
    const barrier = new StageBarrier(0);
    const c2 = arrive(barrier, 'C2', 2, 5_000);
    const c1 = await arrive(barrier, 'C1', 1, 5_000).answered;
    expect(c1.body).toMatchObject({ slot: 0, generation: 0 });
    expect(c2.answers).toEqual([]);
    expect((await Promise.all([c2, arrive(barrier, 'C2', 2, 5_000)].map((a) => a.answered))).map((a) => a.body.slot)).toEqual([0, 1]);
  });

  test('waiters fail after timeoutMs with how many of N flows arrived when a party is missing', async () => {
    const barrier = new StageBarrier();
    const started = performance.now();
    const answers = await Promise.all([arrive(barrier, 'C3', 3, 50), arrive(barrier, 'C3', 3, 50)].map((a) => a.answered));
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    for (const answer of answers) {
      expect(answer).toEqual({ status: 408, body: { error: 'barrier C3 round 1: 2 of 3 flows arrived within 50 ms' } });
    }
  });

  test('a released waiter is answered once: its timeout no longer fires', async () => {
    const barrier = new StageBarrier(0);
    const released = [arrive(barrier, 'C2', 2, 60), arrive(barrier, 'C2', 2, 60)];
    await Promise.all(released.map((a) => a.answered));
    // Arrived later with the same timeout: once it has timed out, the released ones' timers are past too.
    const late = await arrive(barrier, 'C2', 2, 60).answered;
    expect(late).toEqual({ status: 408, body: { error: 'barrier C2 round 2: 1 of 2 flows arrived within 60 ms' } });
    expect(released.map((a) => a.answers.map((x) => x.status))).toEqual([[200], [200]]);
  });
});
