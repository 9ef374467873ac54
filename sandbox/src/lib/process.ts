// Shared plumbing of the sandbox's component processes.
import type { Server } from 'node:http';

/** Tells the launcher (over IPC) or the terminal that this component is ready. */
export function announceReady(component: string, url: string): void {
  if (process.send) process.send({ type: 'ready', component, url });
  else console.log(`${component.toUpperCase()}_URL=${url}`);
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
