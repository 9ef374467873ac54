// Issue 11: every startup failure of the ramp's preflight ends in one clear message - what failed,
// the value, the likely cause, what to do - with no stack trace and no code frame. The CLI cases
// run the real `npx playwright test --project=C1` against a BASE_URL, so the sandbox never starts.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ContractViolationError, TargetTimeoutError, TargetUnreachableError } from '../../driver/errors.ts';
import { ConfigError, EnvSchema } from '../../config/env.ts';
import { PreflightError, answeredWithError, toPreflightError } from '../../runner/preflight.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
const CODE_FRAME = /^\s*>?\s*\d+ \|/m;

interface Run {
  code: number | null;
  output: string;
}

/** The ramp's CLI in the repo root with `env` on top of a clean environment; every file it writes goes to a temp dir. */
async function ramp(env: Record<string, string>): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-errors-'));
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      // Neither this test runner's own variables nor the suite's configuration leak into the child.
      ([key]) => !(key in EnvSchema.shape) && !/^(TEST_|PW_|PLAYWRIGHT_|ESCROW_|SANDBOX_|ALLURE_|REPORTS_DIR$|FORCE_COLOR$|CI$)/.test(key),
    ),
  );
  try {
    return await new Promise<Run>((resolve, reject) => {
      const child = spawn('npx', ['playwright', 'test', '--project=C1', '--output', join(dir, 'test-results')], {
        cwd: ROOT,
        env: {
          ...base,
          RUN_ID: `preflight-${process.pid}-${Date.now().toString(36)}`,
          REPORTS_DIR: join(dir, 'reports'),
          PLAYWRIGHT_HTML_OUTPUT_DIR: join(dir, 'html'),
          PLAYWRIGHT_BLOB_OUTPUT_DIR: join(dir, 'blob'),
          ALLURE_RESULTS_DIR: join(dir, 'allure'),
          FORCE_COLOR: '0',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
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

test.describe('toPreflightError', () => {
  const ctx = { target: { url: 'https://ops:hunter22@qa.example.com', from: 'BASE_URL' as const } };

  test('a PreflightError prints as its message alone: its stack has no frames', () => {
    const err = new PreflightError('coordinator', 'listen EACCES 127.0.0.1');
    expect(err.stack).toBe(`PreflightError: ${err.message}`);
    expect(err.message.split('\n')).toEqual([
      'preflight check "coordinator" failed, no flow ran',
      '  listen EACCES 127.0.0.1',
      '  likely cause: the runner could not listen on a loopback port for the stage barrier and the funder',
      '  what to do: check that this machine allows listening on 127.0.0.1, then run again',
    ]);
  });

  test("a ConfigError's own action replaces the check's default advice", () => {
    const err = toPreflightError('funder', new ConfigError('funder 0xabc cannot fund 4 flows', 'top it up'));
    expect(err).toBeInstanceOf(PreflightError);
    expect((err as PreflightError).message).toBe(
      'preflight check "funder" failed, no flow ran\n  funder 0xabc cannot fund 4 flows\n  what to do: top it up',
    );
  });

  test('the driver errors name the target with its credentials masked', () => {
    const unreachable = new TargetUnreachableError(
      'https://qa.example.com',
      Object.assign(new Error('getaddrinfo ENOTFOUND qa'), { code: 'ENOTFOUND' }),
    );
    const timeout = new TargetTimeoutError('GET /health', 10_000);
    const contract = new ContractViolationError('health', 'status: Invalid input');
    for (const err of [unreachable, timeout, contract]) {
      const out = toPreflightError('target health', err, ctx) as PreflightError;
      expect(out, err.name).toBeInstanceOf(PreflightError);
      expect(out.message, err.name).toContain('BASE_URL=https://ops:***@qa.example.com');
      expect(out.message, err.name).not.toContain('hunter22');
    }
    expect((toPreflightError('target health', unreachable, ctx) as PreflightError).advice.cause).toContain('does not resolve');
  });

  test('a chain RPC failure of the funder names RPC_URL masked, and a private key never shows', () => {
    const key = `0x${'cd'.repeat(32)}`;
    const rpc = Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:8545 privateKey=${key}`), {
      code: 'ECONNREFUSED',
      syscall: 'connect',
    });
    const out = toPreflightError('funder', rpc, { rpc: { url: 'http://u:pw-secret@127.0.0.1:8545', from: 'RPC_URL' }, secrets: [key] });
    expect(out).toBeInstanceOf(PreflightError);
    expect((out as PreflightError).message).toContain('RPC_URL=http://u:***@127.0.0.1:8545 failed: connect ECONNREFUSED');
    expect((out as PreflightError).message).not.toContain('pw-secret');
    expect((out as PreflightError).message).not.toContain(key);
  });

  test('an HTTP error answer says which cause its status points to, on one short line', () => {
    const notFound = answeredWithError('target health', ctx, 'GET /health', 404, '<html>\n<body>Not Found</body>\n</html>');
    expect(notFound.problem).toBe(
      'BASE_URL=https://ops:***@qa.example.com answered GET /health with HTTP 404: <html> <body>Not Found</body> </html>',
    );
    expect(notFound.advice.cause).toContain('another service');
    expect(answeredWithError('target health', ctx, 'GET /health', 503, 'db down').advice.cause).toContain('unhealthy');
  });

  test('an unexpected error is a bug: it comes back as it is, stack included', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'rpcUrl')");
    expect(toPreflightError('chain', bug, ctx)).toBe(bug);
  });
});
