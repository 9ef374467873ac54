// The coordinator over loopback HTTP (runner/coordinator.ts): the barrier, the funder and the stage board as
// the workers call them. The barrier itself, in-process: tests/unit/stage-barrier.spec.ts.
import { expect, test } from '@playwright/test';
import { stageBoard } from '../../flow/board.ts';
import { startCoordinator, type Coordinator } from '../../runner/coordinator.ts';

test.describe('coordinator over HTTP', () => {
  let coordinator: Coordinator | undefined;
  test.afterEach(async () => {
    await coordinator?.close();
    coordinator = undefined;
  });

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${coordinator!.url}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  test('listens on loopback and gives 4 concurrent barrier calls one releaseAt and slots 0..3', async () => {
    coordinator = await startCoordinator();
    expect(coordinator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const answers = await Promise.all(Array.from({ length: 4 }, () => post('/barrier', { stage: 'C4', parties: 4, timeoutMs: 10_000 })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(answers.map((a) => a.body.slot).sort()).toEqual([0, 1, 2, 3]);
    expect(new Set(answers.map((a) => a.body.releaseAt)).size).toBe(1);
    expect(answers[0]!.body.releaseAt).toEqual(expect.any(Number));
  });

  test('a barrier call whose party never comes is answered 408 with the count', async () => {
    coordinator = await startCoordinator();
    expect(await post('/barrier', { stage: 'C2', parties: 2, timeoutMs: 50 })).toEqual({
      status: 408,
      body: { error: 'barrier C2 round 1: 1 of 2 flows arrived within 50 ms' },
    });
  });

  test('barrier bodies without a string stage, an integer parties >= 1 or an integer timeoutMs are answered 400 naming the fields', async () => {
    coordinator = await startCoordinator();
    const bad = [
      {},
      { parties: 2, timeoutMs: 1_000 },
      { stage: 4, parties: 2, timeoutMs: 1_000 },
      { stage: 'C2', parties: 0, timeoutMs: 1_000 },
      { stage: 'C2', parties: 1.5, timeoutMs: 1_000 },
      { stage: 'C2', parties: '2', timeoutMs: 1_000 },
      { stage: 'C2', parties: 2 },
      { stage: 'C2', parties: 2, timeoutMs: '1000' },
    ];
    for (const body of bad) {
      expect(await post('/barrier', body), JSON.stringify(body)).toEqual({
        status: 400,
        body: { error: 'barrier needs { stage: string, parties: integer >= 1, timeoutMs: integer }' },
      });
    }
  });

  test('/fund answers 409 when the run has no funder', async () => {
    coordinator = await startCoordinator();
    expect(await post('/fund', { address: `0x${'1'.repeat(40)}` })).toEqual({
      status: 409,
      body: { error: 'funding is available in live mode only' },
    });
  });

  test('/fund passes the address to the funder and answers its tx hashes; no address is a 400', async () => {
    const funded: string[] = [];
    coordinator = await startCoordinator({
      fund: async (address) => {
        funded.push(address);
        return { txHashes: [`0x${'a'.repeat(64)}`] };
      },
    });
    const address = `0x${'2'.repeat(40)}`;
    expect(await post('/fund', { address })).toEqual({ status: 200, body: { txHashes: [`0x${'a'.repeat(64)}`] } });
    expect(await post('/fund', {})).toEqual({ status: 400, body: { error: 'fund needs { address }' } });
    expect(funded).toEqual([address]);
  });

  test("a funder's failure is answered 500 with its message", async () => {
    coordinator = await startCoordinator({ fund: () => Promise.reject(new Error('insufficient funds for gas')) });
    expect(await post('/fund', { address: `0x${'3'.repeat(40)}` })).toEqual({ status: 500, body: { error: 'insufficient funds for gas' } });
  });

  test('an unknown route is answered 404 naming the method and path', async () => {
    coordinator = await startCoordinator();
    expect(await post('/barrier/extra', {})).toEqual({ status: 404, body: { error: 'POST /barrier/extra is not a coordinator route' } });
  });

  test('close() ends a waiting barrier call and refuses new connections', async () => {
    const closing = await startCoordinator();
    coordinator = closing;
    const waiting = post('/barrier', { stage: 'C2', parties: 2, timeoutMs: 2_000 });
    // Read by the server yet or not, the waiting call must end rather than hang once the coordinator closes.
    expect((await post('/barrier', { stage: 'C1', parties: 1, timeoutMs: 2_000 })).status).toBe(200);
    await closing.close();
    coordinator = undefined;
    await expect(waiting).rejects.toThrow();
    await expect(fetch(`${closing.url}/barrier`, { method: 'POST', body: '{}' })).rejects.toMatchObject({
      cause: { code: 'ECONNREFUSED' },
    });
  });
});

test.describe('the stage board over HTTP', () => {
  let coordinator: Coordinator | undefined;
  test.afterEach(async () => {
    await coordinator?.close();
    coordinator = undefined;
  });

  test("a flow reads other flows' ids of its own stage only, the most recent first, never its own", async () => {
    coordinator = await startCoordinator();
    const a = stageBoard(coordinator.url, 'C4');
    await a.publish({ workerId: 'C4-W01', requestId: 'r1', paymentId: 'p1' });
    await a.publish({ workerId: 'C4-W02', requestId: 'r2', paymentId: null });
    await stageBoard(coordinator.url, 'C8').publish({ workerId: 'C8-W01', requestId: 'r9', paymentId: 'p9' });
    expect(await a.others('C4-W01')).toEqual([{ workerId: 'C4-W02', requestId: 'r2', paymentId: null }]);
    expect((await a.others('C4-W03')).map((f) => f.workerId)).toEqual(['C4-W02', 'C4-W01']);
  });

  test('the first P0 stops the stage: waiting flows learn it at once, later ones on asking, other stages not at all', async () => {
    coordinator = await startCoordinator();
    const board = stageBoard(coordinator.url, 'C4');
    const other = new AbortController();
    let otherStage: unknown = 'not stopped';
    void stageBoard(coordinator.url, 'C8')
      .stopped(other.signal)
      .then(
        (stop) => (otherStage = stop),
        () => (otherStage = 'aborted'),
      );
    const waiting = board.stopped(AbortSignal.timeout(5_000));
    await board.reportP0({ workerId: 'C4-W02', what: 'wrongRecipient: offer_accepted reached seller-2' });
    await board.reportP0({ workerId: 'C4-W03', what: 'duplicateCredits: later' });
    expect(await waiting).toEqual({ workerId: 'C4-W02', what: 'wrongRecipient: offer_accepted reached seller-2' });
    expect(await board.stopped(AbortSignal.timeout(5_000))).toEqual({
      workerId: 'C4-W02',
      what: 'wrongRecipient: offer_accepted reached seller-2',
    });
    other.abort();
    await expect.poll(() => otherStage).toBe('aborted');
  });
});
