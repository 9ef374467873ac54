// npm run sandbox as a user runs it: a foreground process that prints its
// URLs (secrets masked), answers /health, and takes every component down on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { FAULT_NAMES } from '../src/faults.ts';
import { health } from './support/flow.ts';
import { expect, test } from './support/fixtures.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_TIMEOUT_MS = 60_000;

/** True while `pid` exists; false only on ESRCH (EPERM would mean it exists). */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** Every process below `root`, from /proc (Linux). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited while we looked
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    for (const [child, ppid] of parent) {
      if (ppid !== pid) continue;
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '(exited)';
  }
}

interface Launched {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function launch(env: NodeJS.ProcessEnv): Launched {
  const clean = { ...process.env };
  for (const key of [
    'PG_URL',
    'RPC_URL',
    'TOKEN_ADDRESS',
    'FUNDER_PRIVATE_KEY',
    'CHAIN_ID',
    'SANDBOX_FIXTURES',
    'CONFIRMATIONS',
    'REDIS_URL',
    'SANDBOX_FAULTS',
  ])
    delete clean[key];
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/src/launcher/cli.ts'], {
    cwd: ROOT,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const launched: Launched = {
    child,
    stdout: [],
    stderr: [],
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  for (const [stream, lines] of [
    [child.stdout!, launched.stdout],
    [child.stderr!, launched.stderr],
  ] as const) {
    let buffer = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (buffer + chunk).split('\n');
      buffer = parts.pop()!;
      lines.push(...parts);
    });
  }
  return launched;
}

/** Resolves with the value of the first stdout line `KEY=value`; rejects if the process exits first or on timeout. */
function printed(launched: Launched, key: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const find = () => launched.stdout.find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);
    const timer = setTimeout(
      () => done(new Error(`no ${key}= line within ${timeoutMs} ms; stderr:\n${launched.stderr.join('\n')}`)),
      timeoutMs,
    );
    const check = () => {
      const value = find();
      if (value !== undefined) done(undefined, value);
    };
    // The line splitter of launch() runs first on each chunk; look after it.
    const onData = () => setImmediate(check);
    const onExit = (code: number | null) =>
      done(new Error(`launcher exited (${code}) before printing ${key}; stderr:\n${launched.stderr.join('\n')}`));
    const done = (err?: Error, value?: string) => {
      clearTimeout(timer);
      launched.child.stdout!.off('data', onData);
      launched.child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value!);
    };
    launched.child.stdout!.on('data', onData);
    launched.child.once('exit', onExit);
    check();
  });
}

test('npm run sandbox prints its URLs with the password masked, serves /health and stops every process on SIGINT', async ({}, testInfo) => {
  test.setTimeout(READY_TIMEOUT_MS + 60_000);
  const stateFile = testInfo.outputPath('state.json');
  const started = performance.now();
  const launched = launch({ SANDBOX_STATE_FILE: stateFile });
  const pids = new Set<number>();
  try {
    const url = await printed(launched, 'SANDBOX_URL', READY_TIMEOUT_MS);
    const startupSeconds = ((performance.now() - started) / 1000).toFixed(1);
    testInfo.annotations.push({ type: 'startup', description: `SANDBOX_URL printed after ${startupSeconds} s` });
    expect(new URL(url).hostname).toBe('127.0.0.1');

    // The password and the funder key live in the 0600 state file, never on the terminal.
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { url: string; pgUrl: string; funderPrivateKey: string; pid: number };
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(state).toMatchObject({ url, pid: launched.child.pid });
    const password = new URL(state.pgUrl).password;
    expect(password.length).toBeGreaterThanOrEqual(8);
    const pgLine = await printed(launched, 'PG_URL', 5_000);
    expect(pgLine).toMatch(/^postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/escrow$/);
    const terminal = [...launched.stdout, ...launched.stderr].join('\n');
    expect(terminal).not.toContain(password);
    expect(terminal).not.toContain(state.funderPrivateKey.slice(2));

    const report = await health(url);
    expect(report).toMatchObject({ httpStatus: 200, status: 'ok' });
    expect(report.components.map((c) => c.name).sort()).toEqual(['backend', 'chain', 'postgres', 'scanner']);
    for (const c of report.components) {
      expect(c.state, c.name).toBe('up');
      expect(c.pid, c.name).toEqual(expect.any(Number));
      pids.add(c.pid!);
    }
    // Every process of the launcher's tree: component wrappers, the postmaster and its backends, hardhat.
    const tree = descendants(launched.child.pid!);
    for (const pid of tree) pids.add(pid);
    const postmaster = report.components.find((c) => c.name === 'postgres')!.pid!;
    expect(tree, 'the postgres postmaster runs below the launcher').toContain(postmaster);
    testInfo.annotations.push({ type: 'processes', description: `${pids.size} processes below launcher pid ${launched.child.pid}` });
    for (const pid of pids) expect(exists(pid), `pid ${pid} is running`).toBe(true);

    expect(launched.child.kill('SIGINT')).toBe(true);
    expect(await launched.exited).toEqual({ code: 0, signal: null });
    await expect.poll(() => [...pids].filter(exists), { message: 'processes left after SIGINT', timeout: 15_000 }).toEqual([]);
    expect(existsSync(stateFile), 'the state file is removed on shutdown').toBe(false);
    await expect(fetch(new URL('/health', url))).rejects.toThrow();
  } finally {
    if (launched.child.exitCode === null && launched.child.signalCode === null) {
      launched.child.kill('SIGINT');
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, 20_000, 'timeout').unref());
      if ((await Promise.race([launched.exited, timeout])) === 'timeout') launched.child.kill('SIGKILL');
    }
    for (const pid of pids) if (exists(pid)) process.kill(pid, 'SIGKILL');
  }
});

test('an unknown SANDBOX_FAULTS switch makes the CLI exit non-zero, listing the valid switches, before it starts anything', async ({}, testInfo) => {
  const stateFile = testInfo.outputPath('state.json');
  const launched = launch({ SANDBOX_STATE_FILE: stateFile, SANDBOX_FAULTS: 'list-leak,no-such-switch' });
  // Watch the launcher's process tree until it exits: no component may be spawned.
  const spawned = new Map<number, string>();
  let running = true;
  void launched.exited.then(() => (running = false));
  while (running) {
    for (const pid of descendants(launched.child.pid!)) spawned.set(pid, cmdline(pid));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const { code } = await launched.exited;
  expect(code).not.toBe(0);
  expect(code).not.toBeNull();
  const stderr = launched.stderr.join('\n');
  expect(stderr).toContain('"no-such-switch" is not a fault switch');
  for (const name of FAULT_NAMES) expect(stderr).toContain(name);
  expect(launched.stdout.filter((l) => l.startsWith('SANDBOX_URL='))).toEqual([]);
  expect(existsSync(stateFile)).toBe(false);
  const components = [...spawned.values()].filter((cmd) => /sandbox\/src\/|postgres|hardhat/.test(cmd));
  expect(components, 'component processes spawned by the launcher').toEqual([]);
  testInfo.annotations.push({ type: 'children', description: [...spawned.values()].join(' | ') || 'none' });
});
