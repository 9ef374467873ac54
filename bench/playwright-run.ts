// Spawns one Playwright Test run (its CLI directly, no npx in the tree) and
// watches its process tree from /proc while it runs. The run is stopped on a
// timeout or when the bench is interrupted; every descendant still alive after
// the runner exits (a sandbox component, a worker) is killed by its pid.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { log, onInterrupt } from './cleanup.ts';
import { reapedChildrenCpuS, TreeWatcher } from './proc.ts';

export { log };

const PLAYWRIGHT_CLI = createRequire(import.meta.url).resolve('@playwright/test/cli');

export interface RunSpec {
  label: string;
  /** Arguments after `playwright test`. */
  args: string[];
  env: Record<string, string>;
  /** Folder of this run's files (log, output, reports). */
  dir: string;
  timeoutMs: number;
}

export interface RunResult {
  label: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Epoch ms just before spawn and at exit. */
  spawnedAt: number;
  exitedAt: number;
  watcher: TreeWatcher;
  /** CPU seconds of every descendant the runner tree reaped (the bench's cutime + cstime growth): the exact total. */
  reapedCpuS: number;
  logFile: string;
  /** Descendants that outlived the runner (and a grace period) and were killed. */
  leftovers: string[];
}

/** SIGKILL every watched descendant that is still alive (checked by a fresh tick: same pid, same start time). */
function killLeftovers(watcher: TreeWatcher, rootPid: number): string[] {
  watcher.tick();
  const killed: string[] = [];
  for (const proc of watcher.procs.values()) {
    if (proc.pid === rootPid || proc.lastSeen !== watcher.lastTick) continue;
    try {
      process.kill(proc.pid, 'SIGKILL');
      killed.push(`${proc.pid} ${proc.cmd.slice(0, 120)}`);
    } catch {
      /* gone meanwhile */
    }
  }
  return killed;
}

/** Resolves when no watched descendant is alive any more, or after `maxMs`; checks on the watcher's own ticks. */
async function untilTreeGone(watcher: TreeWatcher, rootPid: number, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  const anyAlive = () => [...watcher.procs.values()].some((p) => p.pid !== rootPid && p.lastSeen === watcher.lastTick);
  while (anyAlive() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, watcher.intervalMs));
}

export async function runPlaywright(spec: RunSpec): Promise<RunResult> {
  mkdirSync(spec.dir, { recursive: true });
  const logFile = join(spec.dir, 'run.log');
  const out = createWriteStream(logFile);
  const reapedBefore = reapedChildrenCpuS();
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [PLAYWRIGHT_CLI, 'test', ...spec.args], {
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: workers share it; Playwright starts the webServer in a group of its own.
    detached: true,
  });
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  const watcher = new TreeWatcher(child.pid!, 250);
  watcher.start();
  let timedOut = false;

  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const leftovers: string[] = [];
  const stop = async () => {
    // SIGINT first: Playwright stops its webServer (the sandbox) gracefully on it.
    try {
      process.kill(-child.pid!, 'SIGINT');
    } catch {
      /* already gone */
    }
    const grace = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 20_000);
    await exited;
    clearTimeout(grace);
    await untilTreeGone(watcher, child.pid!, 15_000);
    leftovers.push(...killLeftovers(watcher, child.pid!));
  };
  const forget = onInterrupt(stop);
  const deadline = setTimeout(() => {
    timedOut = true;
    log(`${spec.label}: no exit after ${Math.round(spec.timeoutMs / 1000)} s, stopping it`);
    void stop();
  }, spec.timeoutMs);

  try {
    const { code, signal } = await exited;
    const exitedAt = Date.now();
    await new Promise((resolve) => out.end(resolve));
    // Descendants get a bounded grace to finish stopping on their own (the sandbox may still be shutting down).
    await untilTreeGone(watcher, child.pid!, 15_000);
    leftovers.push(...killLeftovers(watcher, child.pid!));
    if (leftovers.length) log(`${spec.label}: killed ${leftovers.length} process(es) that outlived the runner`);
    return {
      label: spec.label,
      exitCode: code,
      signal,
      timedOut,
      spawnedAt,
      exitedAt,
      watcher,
      reapedCpuS: reapedChildrenCpuS() - reapedBefore,
      logFile,
      leftovers,
    };
  } finally {
    clearTimeout(deadline);
    watcher.stop();
    forget();
  }
}
