// Issue 11: every startup failure of the ramp's preflight ends in one clear message - what failed,
// the value, the likely cause, what to do - with no stack trace and no code frame. These cases run the
// real `npx playwright test --project=C1` against a BASE_URL, so the sandbox never starts. How each
// error becomes that message: tests/unit/preflight-errors.spec.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { checkShardBarrier } from '../../runner/shard-barrier.ts';
import { rampCli, type Run } from './support/ramp-cli.ts';

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
const CODE_FRAME = /^\s*>?\s*\d+ \|/m;

/** The ramp's CLI (`--project=C1`) with `env` on top of a clean environment; every file it writes goes to a temp dir. */
async function ramp(env: Record<string, string>, args: string[] = []): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-errors-'));
  try {
    return await rampCli(dir, { RUN_ID: `preflight-${process.pid}-${Date.now().toString(36)}`, ...env }, ['--project=C1', ...args], 20_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A loopback port nothing listens on: the OS picks a free one, which is closed again. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function expectOneMessage(run: Run): void {
  expect(run.code, run.output).not.toBe(0);
  expect(run.code, run.output).not.toBeNull();
  expect(run.output, 'no stack trace').not.toMatch(STACK_LINE);
  expect(run.output, 'no code frame').not.toMatch(CODE_FRAME);
  expect(run.output.match(/PreflightError: /g), run.output).toHaveLength(1);
}

test.describe('the ramp CLI', () => {
  test.describe.configure({ timeout: 30_000 });

  test('an invalid PAYMENT_MODE prints the variable, its value and what to do, and exits 2', async () => {
    const run = await ramp({ BASE_URL: `http://127.0.0.1:${await refusedPort()}`, PAYMENT_MODE: 'bogus' });
    expectOneMessage(run);
    expect(run.code, run.output).toBe(2);
    expect(run.output).toContain('PreflightError: preflight check "configuration" failed, no flow ran');
    expect(run.output).toContain('PAYMENT_MODE="bogus" Invalid option: expected one of "live"|"status"|"fixture"|"dry"');
    expect(run.output).toContain('what to do: set each variable named above to an allowed value');
    expect(run.output).not.toContain('ConfigError');
  });

  test('a BASE_URL on a refused loopback port names the URL and asks whether the backend runs there', async () => {
    const url = `http://127.0.0.1:${await refusedPort()}`;
    const run = await ramp({ BASE_URL: url, PAYMENT_MODE: 'status' });
    expectOneMessage(run);
    expect(run.output).toContain('PreflightError: preflight check "target health" failed, no flow ran');
    expect(run.output).toContain(`cannot reach BASE_URL=${url}: connect ECONNREFUSED`);
    expect(run.output).toContain(`likely cause: nothing is listening at ${url}`);
    expect(run.output).toContain(`what to do: is the backend running at ${url}? start it, or check BASE_URL`);
    expect(run.output).not.toContain('TargetUnreachableError');
  });
});

test('a sharded run without a shared barrier, or with an unreachable one, is refused in seconds, not after a barrier timeout', async () => {
  const target = { BASE_URL: `http://127.0.0.1:${await refusedPort()}`, PAYMENT_MODE: 'status' };
  let t0 = Date.now();
  const unset = await ramp(target, ['--shard=1/2']);
  // Far below the 120 s barrier timeout a shard would otherwise wait (the CLI's own start included; the check alone is timed below).
  expect(Date.now() - t0).toBeLessThan(60_000);
  expectOneMessage(unset);
  expect(unset.output).toContain('--shard=1/2 needs BARRIER_REDIS_URL=(unset)');
  t0 = Date.now();
  const unreachable = await ramp({ ...target, BARRIER_REDIS_URL: `redis://127.0.0.1:${await refusedPort()}` }, ['--shard=2/2']);
  expect(Date.now() - t0).toBeLessThan(60_000);
  expectOneMessage(unreachable);
  expect(unreachable.output).toMatch(/--shard=2\/2: BARRIER_REDIS_URL=redis:\/\/127\.0\.0\.1:\d+ did not answer PING/);
});

test('the shard barrier check itself answers within 5 s, for a Redis that refuses and one that never answers', async () => {
  const silent = createServer(() => undefined); // accepts, never speaks RESP
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    for (const url of [`redis://127.0.0.1:${await refusedPort()}`, `redis://127.0.0.1:${(silent.address() as { port: number }).port}`]) {
      const t0 = Date.now();
      await expect(checkShardBarrier({ current: 1, total: 2 }, url)).rejects.toThrow(/did not answer PING/);
      expect(Date.now() - t0, url).toBeLessThan(5_000);
    }
    await expect(checkShardBarrier({ current: 1, total: 1 }, undefined)).resolves.toBeNull();
  } finally {
    silent.close();
  }
});
