// npm run doctor (scripts/doctor.ts) run as a user runs it, as a child process: against the embedded sandbox it
// passes every step and prints both tables; against a plain HTTP server that answers 404 to everything it fails
// within 10 s with one message and no stack; a bad TARGET_ADAPTER is a usage error (exit 2) naming the variable.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { EnvSchema } from '../../config/env.ts';
import { cmdline, descendants, exists } from '../../sandbox/tests/support/cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STACK_FRAME = /^ {4}at /m;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From spawn to exit. */
  ms: number;
  /** Every process below the doctor while it ran (the sandbox's components, tsx's esbuild): pid -> command line. */
  tree: Map<number, string>;
}

/** Doctors still running: stopped after each test, passed or failed. */
const running = new Set<ChildProcess>();

/** The environment of this runner without the suite's configuration or Playwright's own variables, plus `env`. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !(key in EnvSchema.shape) && !/^(TEST_|PW_|PLAYWRIGHT_|ESCROW_|SANDBOX_|FORCE_COLOR$|CI$)/.test(key),
    ),
  );
  return { ...base, FORCE_COLOR: '0', ...env };
}

/** Runs the doctor in the repository with `env`; SIGKILL after `killAfterMs` (the test then fails on the code). */
function doctor(env: Record<string, string>, killAfterMs: number): Promise<Run> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/doctor.ts'], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const run: Run = { code: null, stdout: '', stderr: '', ms: 0, tree: new Map() };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (run.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk));
  // What the doctor starts (the sandbox's components run in their own process groups), to check it stopped them.
  const watch = setInterval(() => {
    for (const pid of descendants(child.pid!)) if (!run.tree.has(pid)) run.tree.set(pid, cmdline(pid));
  }, 250);
  const kill = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearInterval(watch);
      clearTimeout(kill);
      running.delete(child);
      resolve({ ...run, code, ms: performance.now() - t0 });
    });
  });
}

/** SIGTERM (the doctor stops its sandbox), SIGKILL if it is still there after 30 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise((resolve) => child.once('close', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await closed;
  clearTimeout(timer);
}

/** The rows of the Steps table: [step, result] per row. */
function stepRows(stdout: string): { step: string; result: string }[] {
  const table = stdout.split('\nSteps\n\n')[1] ?? '';
  return table
    .split('\n')
    .slice(2) // the header and its rule
    .filter((line) => line.trim() && !line.startsWith('doctor:'))
    .map((line) => {
      const [step = '', result = ''] = line.split(/ {2,}/);
      return { step, result };
    });
}

/** The sandbox's components among what the doctor started. */
const sandboxProcesses = (run: Run) => [...run.tree.values()].filter((cmd) => cmd.includes('/sandbox/src/'));

test.afterEach(async () => {
  await Promise.all([...running].map(stop));
});

test.describe('npm run doctor', () => {
  test('against the embedded sandbox in fixture mode: every step ok, both tables, exit 0, the sandbox stopped', async () => {
    test.setTimeout(240_000);
    const run = await doctor({}, 200_000);
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.code, output).toBe(0);
    expect(run.stdout).toContain('PAYMENT_MODE=fixture');
    expect(run.stdout).toMatch(/^Capabilities\n\ncapability +offered +needed$/m);
    expect(run.stdout).toMatch(/^fixture deposits +offered +by PAYMENT_MODE=fixture$/m);
    expect(run.stdout).toMatch(/^self-registration of test users +offered +by the doctor$/m);
    const rows = stepRows(run.stdout);
    expect(rows.map((r) => r.step)).toEqual([
      'health',
      'version',
      'chain',
      'register',
      'login',
      'sockets',
      'createRequest',
      'createOffer seller-1',
      'createOffer seller-2',
      'acceptOffer',
      'createPaymentIntent',
      'fixtureDeposit',
      'deliver',
      'confirmDelivery',
      'notify createRequest',
      'notify createOffer',
      'notify acceptOffer',
      'notify paymentConfirmed',
      'notify sellerDelivery',
      'notify buyerConfirmDelivery',
      'getRequest',
      'listRequests',
      'getPayment',
      'paymentLedger',
      'listNotifications',
    ]);
    expect(
      rows.filter((r) => r.result !== 'ok'),
      output,
    ).toEqual([]);
    expect(run.stdout).toContain('doctor: every step of PAYMENT_MODE=fixture passed');
    expect(output).not.toMatch(STACK_FRAME);
    // Its generated passwords and session tokens never reach the terminal.
    expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}\./);
    // The sandbox it started is gone with it.
    expect(sandboxProcesses(run).length, 'the doctor started the sandbox').toBeGreaterThan(0);
    await expect.poll(() => [...run.tree.keys()].filter(exists), { timeout: 10_000 }).toEqual([]);
  });

  test.describe('against a plain HTTP server that answers 404 to everything', () => {
    let server: Server | undefined;

    test.afterEach(async () => {
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
      server = undefined;
    });

    test('fails within 10 s with one message naming the first request, no stack, exit 1', async () => {
      server = createServer((_req, res) => {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('Not Found');
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      const url = `http://127.0.0.1:${port}`;
      const run = await doctor({ BASE_URL: url, PAYMENT_MODE: 'fixture' }, 20_000);
      const output = `${run.stdout}\n${run.stderr}`;
      expect(run.code, output).toBe(1);
      expect(run.ms, output).toBeLessThan(10_000);
      expect(output).not.toMatch(STACK_FRAME);
      // One message, on stderr: its first line says what is wrong, the lines below it say what was sent and seen.
      expect(run.stderr.match(/^doctor: /gm), run.stderr).toHaveLength(1);
      expect(run.stderr).toContain(`doctor: the target BASE_URL=${url} does not look like an escrow API for adapter "sandbox"`);
      expect(run.stderr).toContain('its first failing request, GET /health (step health)');
      expect(run.stderr).toMatch(/^ {2}sent: +GET \/health$/m);
      expect(run.stderr).toMatch(/^ {2}got: +HTTP 404: Not Found$/m);
      expect(run.stderr).toMatch(/^ {2}expected: +a 2xx health answer/m);
      // The tables so far: the failed step, and capabilities not yet determined.
      expect(stepRows(run.stdout)).toEqual([{ step: 'health', result: 'failed' }]);
      expect(run.stdout).toContain('(not determined: the doctor stopped at "health"');
    });
  });

  test('a TARGET_ADAPTER that names no file, or no adapter, exits 2 with the variable named and nothing started', async () => {
    const missing = await doctor({ TARGET_ADAPTER: './no/such-adapter.ts' }, 20_000);
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr.trim().split('\n')).toEqual([
      'doctor: invalid configuration: TARGET_ADAPTER="./no/such-adapter.ts" names no file: ' +
        'give the path of an adapter module (e.g. examples/adapters/bazaar.ts) or a package name',
    ]);
    expect(sandboxProcesses(missing), 'no sandbox started').toEqual([]);

    const notAdapter = await doctor({ TARGET_ADAPTER: 'lib/redact.ts', BASE_URL: 'http://127.0.0.1:9', PAYMENT_MODE: 'status' }, 20_000);
    expect(notAdapter.code, notAdapter.stderr).toBe(2);
    expect(notAdapter.stderr.trim().split('\n')).toEqual([
      'doctor: TARGET_ADAPTER="lib/redact.ts" is not a target adapter: its default export is not an object (export default defineAdapter({...}))',
    ]);
    expect(`${missing.stderr}${notAdapter.stderr}`).not.toMatch(STACK_FRAME);
  });
});
