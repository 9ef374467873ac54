// The HTTP driver against the sandbox and against loopback servers that misbehave:
// every call is recorded before anything is thrown, 4xx/5xx are values, no answer is a typed error.
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { HttpEscrowDriver, type HttpDriverOptions } from '../../adapters/sandbox/driver.ts';
import { ContractViolationError, TargetTimeoutError, TargetUnreachableError } from '../../driver/errors.ts';
import type { CallRecord } from '../../driver/types.ts';
import { expect, test } from './support/fixtures.ts';
import { data } from './support/flow.ts';

/** Runs `fn` against a loopback server answering with `handler`; the server is closed in finally. */
async function withServer<T>(handler: RequestListener, fn: (url: string) => Promise<T>): Promise<T> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Runs `fn` with a driver whose every call lands in `records`; the driver is closed in finally. */
async function withDriver<T>(
  url: string,
  options: HttpDriverOptions,
  fn: (driver: HttpEscrowDriver, records: CallRecord[]) => Promise<T>,
): Promise<T> {
  const records: CallRecord[] = [];
  const driver = new HttpEscrowDriver(url, { ...options, onCall: (record) => records.push(record) });
  try {
    return await fn(driver, records);
  } finally {
    await driver.close();
  }
}

const answer =
  (status: number, body: string, contentType = 'application/json'): RequestListener =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  };

test('records an ok call with its status, start time and a positive monotonic duration, in call order', async ({ stack }) => {
  await withDriver(stack.url, {}, async (driver, records) => {
    const wallBefore = Date.now();
    const t0 = performance.now();
    const health = await driver.health();
    const t1 = performance.now();
    const version = await driver.version();
    expect(health).toMatchObject({ ok: true, status: 200, data: { status: 'ok' } });
    expect(records).toEqual([health.record, version.record]);
    expect(health.record).toEqual({
      op: 'health',
      method: 'GET',
      path: '/health',
      status: 200,
      outcome: 'ok',
      startedAt: expect.any(Number),
      durationMs: expect.any(Number),
    });
    expect(health.record.durationMs).toBeGreaterThan(0);
    expect(health.record.durationMs).toBeLessThanOrEqual(t1 - t0);
    expect(Math.abs(health.record.startedAt - wallBefore)).toBeLessThan(1_000);
    expect(version.record).toMatchObject({ op: 'version', status: 200, outcome: 'ok' });
    expect(version.record.startedAt).toBeGreaterThanOrEqual(health.record.startedAt + health.record.durationMs);
  });
});

test('a 4xx is a value: ok false, the error from the body, and a fail record', async ({ stack, newUser }) => {
  const buyer = await newUser('buyer');
  await withDriver(stack.url, {}, async (driver, records) => {
    const res = await driver.login({ username: buyer.username, password: 'not the password' });
    expect(res).toMatchObject({ ok: false, status: 401, error: { error: 'unauthorized', message: 'username or password is wrong' } });
    expect(res.data).toBeUndefined();
    expect(records).toEqual([res.record]);
    expect(res.record).toMatchObject({
      op: 'login',
      method: 'POST',
      path: '/auth/login',
      status: 401,
      outcome: 'fail',
      error: '401 username or password is wrong',
    });
    expect(res.record.durationMs).toBeGreaterThan(0);
    const invalid = await driver.register({ username: 'ab', password: 'correct horse battery', role: 'buyer' });
    expect(invalid).toMatchObject({ ok: false, status: 400, error: { field: expect.stringContaining('username') } });
  });
});

test('a 5xx without a JSON body is a value whose message is the body text', async () => {
  await withServer(answer(502, 'Bad Gateway from the proxy', 'text/plain'), (url) =>
    withDriver(url, {}, async (driver, records) => {
      const res = await driver.chain();
      expect(res).toMatchObject({ ok: false, status: 502, error: { error: 'http_502', message: 'Bad Gateway from the proxy' } });
      expect(records).toEqual([
        expect.objectContaining({ op: 'chain', status: 502, outcome: 'fail', error: '502 Bad Gateway from the proxy' }),
      ]);
    }),
  );
});

test('a 2xx body that violates the contract throws ContractViolationError after recording a fail', async () => {
  await withServer(answer(200, JSON.stringify({ status: 'fine', components: [] })), (url) =>
    withDriver(url, {}, async (driver, records) => {
      const error = await driver.health().catch((err: unknown) => err);
      expect(error).toBeInstanceOf(ContractViolationError);
      expect(error).toMatchObject({ op: 'health', detail: expect.stringMatching(/^status: /) });
      expect((error as Error).message).toMatch(/^health: response does not match the contract: status: /);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        op: 'health',
        status: 200,
        outcome: 'fail',
        error: expect.stringMatching(/^contract violation: status: /),
      });
      expect(records[0]!.durationMs).toBeGreaterThan(0);
    }),
  );
});

test('a server that never answers gives TargetTimeoutError and an info record once the timeout passes', async () => {
  const timeoutMs = 400;
  let arrived = 0;
  await withServer(
    () => arrived++,
    (url) =>
      withDriver(url, { timeoutMs }, async (driver, records) => {
        const t0 = performance.now();
        const error = await driver.listRequests('token').catch((err: unknown) => err);
        const elapsed = performance.now() - t0;
        expect(arrived).toBe(1);
        expect(error).toBeInstanceOf(TargetTimeoutError);
        expect((error as Error).message).toBe(`GET /requests did not answer within ${timeoutMs} ms (outcome unknown)`);
        expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 5);
        expect(elapsed).toBeLessThan(timeoutMs + 1_500);
        expect(records).toEqual([
          expect.objectContaining({ op: 'listRequests', status: null, outcome: 'info', error: `timeout after ${timeoutMs} ms` }),
        ]);
        expect(records[0]!.durationMs).toBeGreaterThanOrEqual(timeoutMs - 5);
      }),
  );
});

test('a refused port gives TargetUnreachableError naming the origin, and an info record', async () => {
  // A port that was just free: bind it, note it, release it.
  const url = await withServer(answer(200, '{}'), async (u) => u);
  await withDriver(url, { timeoutMs: 5_000 }, async (driver, records) => {
    const error = await driver.version().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TargetUnreachableError);
    expect(error).toMatchObject({ url, message: expect.stringMatching(new RegExp(`^cannot reach ${url}: .*ECONNREFUSED`)) });
    expect(records).toEqual([
      expect.objectContaining({ op: 'version', status: null, outcome: 'info', error: expect.stringContaining('ECONNREFUSED') }),
    ]);
  });
});

test('keepBodies records request and response bodies redacted, and nothing is kept without it', async ({ stack }) => {
  const username = `keep-${test.info().workerIndex}-${Date.now()}`;
  const password = 'correct horse battery staple';
  await withDriver(stack.url, { keepBodies: true }, async (driver, records) => {
    const res = await driver.register({ username, password, role: 'seller' });
    const session = data(res);
    expect(res.record.requestBody).toEqual({ username, password: '***', role: 'seller' });
    expect(res.record.responseBody).toEqual({ user: { id: session.user.id, username, role: 'seller' }, token: '***' });
    const denied = await driver.login({ username, password: 'wrong password!' });
    expect(denied.record.responseBody).toEqual({ error: 'unauthorized', message: 'username or password is wrong' });
    expect(JSON.stringify(records)).not.toContain(password);
    expect(JSON.stringify(records)).not.toContain(session.token);
  });
  await withDriver(stack.url, {}, async (driver) => {
    const res = await driver.login({ username, password });
    expect(res.ok).toBe(true);
    expect(res.record.requestBody).toBeUndefined();
    expect(res.record.responseBody).toBeUndefined();
  });
});
