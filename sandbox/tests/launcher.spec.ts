// npm run sandbox as a user runs it: a foreground process that prints its
// URLs (secrets masked), answers /health, and takes every component down on Ctrl-C.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { FAULT_NAMES } from '../src/faults.ts';
import { descendants, exists, launch, printed, stopLaunched, watchTree } from './support/cli.ts';
import { health } from './support/flow.ts';
import { expect, test } from './support/fixtures.ts';

const READY_TIMEOUT_MS = 60_000;

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
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as {
      url: string;
      webUrl: string;
      pgUrl: string;
      funderPrivateKey: string;
      pid: number;
    };
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(state).toMatchObject({ url, pid: launched.child.pid });
    // The web front end, its own component on its own port.
    expect(state.webUrl).toBe(await printed(launched, 'SANDBOX_WEB_URL', 5_000));
    expect(new URL(state.webUrl).hostname).toBe('127.0.0.1');
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
    const web = (await health(state.webUrl)).components;
    expect(web).toEqual([{ name: 'web', state: 'up', restarts: 0, pid: expect.any(Number) }]);
    pids.add(web[0]!.pid!);
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
    await stopLaunched(launched);
    for (const pid of pids) if (exists(pid)) process.kill(pid, 'SIGKILL');
  }
});

test('an unknown SANDBOX_FAULTS switch makes the CLI exit non-zero, listing the valid switches, before it starts anything', async ({}, testInfo) => {
  const stateFile = testInfo.outputPath('state.json');
  const launched = launch({ SANDBOX_STATE_FILE: stateFile, SANDBOX_FAULTS: 'list-leak,no-such-switch' });
  // Watch the launcher's process tree until it exits: no component may be spawned.
  const spawned = await watchTree(launched);
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
