// The sandbox's CLI (npm run sandbox) run as a user runs it, and the processes it leaves.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { processTree } from '../../../sampler/proc.ts';
import { procTable } from '../../../sampler/sources/processes.ts';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Variables of the caller's environment that would change what the sandbox starts. */
const SANDBOX_INPUTS = [
  'PG_URL',
  'RPC_URL',
  'TOKEN_ADDRESS',
  'FUNDER_PRIVATE_KEY',
  'CHAIN_ID',
  'SANDBOX_FIXTURES',
  'CONFIRMATIONS',
  'REDIS_URL',
  'SANDBOX_FAULTS',
  'SANDBOX_PORT',
  'SANDBOX_DIALECT',
];

/** True while `pid` exists; false only on ESRCH (EPERM would mean it exists). */
export function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** Every process below `root` (Linux /proc), `root` excluded. */
export function descendants(root: number): number[] {
  const parents = new Map([...procTable()].map(([pid, stat]) => [pid, stat.ppid]));
  return processTree(root, parents).filter((pid) => pid !== root);
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '(exited)';
  }
}

export interface Launched {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the CLI in `cwd` (the repository by default) with a clean sandbox environment plus `env`. */
export function launch(env: NodeJS.ProcessEnv, cwd = ROOT): Launched {
  const clean = { ...process.env };
  for (const key of SANDBOX_INPUTS) delete clean[key];
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/src/launcher/cli.ts'], {
    cwd,
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

/** Every process the launcher's tree held while it ran, sampled until it exits (PID -> command line). */
export async function watchTree(launched: Launched): Promise<Map<number, string>> {
  const seen = new Map<number, string>();
  let running = true;
  void launched.exited.then(() => (running = false));
  while (running) {
    for (const pid of descendants(launched.child.pid!)) if (!seen.has(pid)) seen.set(pid, cmdline(pid));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return seen;
}

/** SIGINT, then SIGKILL after 20 s; for finally blocks. */
export async function stopLaunched(launched: Launched): Promise<void> {
  if (launched.child.exitCode !== null || launched.child.signalCode !== null) return;
  launched.child.kill('SIGINT');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, 20_000, 'timeout').unref());
  if ((await Promise.race([launched.exited, timeout])) === 'timeout') launched.child.kill('SIGKILL');
}
/** Resolves with the value of the first stdout line `KEY=value`; rejects if the process exits first or on timeout. */
export function printed(launched: Launched, key: string, timeoutMs: number): Promise<string> {
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
