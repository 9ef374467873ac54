// Shared plumbing of the sandbox's component processes.
import type { Server } from 'node:http';
import { StartupError, errnoCode, type ComponentName, type StartupFailure } from '../launcher/startup-error.ts';

/** Tells the launcher (over IPC) or the terminal that this component is ready. */
export function announceReady(component: string, url: string, pid?: number): void {
  if (startupGuard) process.off('uncaughtException', startupGuard);
  process.off('disconnect', launcherGoneDuringStartup);
  if (process.send) process.send({ type: 'ready', component, url, pid });
  else console.log(`${component.toUpperCase()}_URL=${url}`);
}

/**
 * A component's startup failed: tells the launcher (over IPC) what failed, in a person's terms, and exits;
 * the launcher prints it once. Outside the launcher, prints it.
 */
function failStartup(component: ComponentName, err: unknown): void {
  const failure: StartupFailure =
    err instanceof StartupError
      ? err.failure
      : {
          component,
          what: (err as Error)?.message ?? String(err),
          cause: errnoCode(err) ? `a system call failed with ${errnoCode(err)}` : 'an unexpected error in the component',
          todo: 'read the log lines named below',
        };
  // The component's own log (its stderr) gets the message and, for an unexpected error, the stack.
  console.error(new StartupError(failure).describe());
  if (!(err instanceof StartupError) && err instanceof Error) console.error(err.stack);
  if (process.send) process.send({ type: 'failed', failure }, () => process.exit(1));
  else process.exit(1);
}

let startupGuard: ((err: unknown) => void) | undefined;

/**
 * Call first in a component's entry, after its imports. Until announceReady, any error that escapes
 * becomes a StartupError for the launcher (not a stack trace on a terminal). A prewarmed component
 * (SANDBOX_ENV_VIA_IPC=1) has loaded its modules before the launcher knew its configuration: this
 * waits for the launcher's environment and applies it.
 */
export async function startingComponent(component: ComponentName): Promise<void> {
  startupGuard = (err) => failStartup(component, err);
  process.on('uncaughtException', startupGuard);
  // The launcher died before we were ready: take down our process group (what we started, a postmaster too).
  process.once('disconnect', launcherGoneDuringStartup);
  if (process.env.SANDBOX_ENV_VIA_IPC !== '1' || !process.send) return;
  const env = await new Promise<NodeJS.ProcessEnv>((resolve) => {
    const onMessage = (msg: { type?: string; env?: NodeJS.ProcessEnv }) => {
      if (msg?.type !== 'env' || !msg.env) return;
      process.off('message', onMessage);
      resolve(msg.env);
    };
    process.on('message', onMessage);
  });
  delete process.env.SANDBOX_ENV_VIA_IPC;
  Object.assign(process.env, env);
}

function launcherGoneDuringStartup(): void {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } finally {
    process.exit(1);
  }
}

/** Stops on SIGTERM/SIGINT, and when the launcher dies (the IPC channel closes). */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const run = async () => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(1), 5_000);
    timer.unref();
    try {
      await stop();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', run);
  process.on('SIGINT', run);
  process.on('disconnect', run);
}

export function listenLoopback(server: Server, port = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') return reject(new Error('server has no TCP address'));
      resolve(`http://127.0.0.1:${address.port}`);
    });
  });
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; the launcher passes it to every component`);
  return value;
}

export function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}="${raw}" is not an integer in ${min}..${max}`);
  return n;
}
