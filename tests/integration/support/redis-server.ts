// A real redis-server on a free loopback port, for the tests of the cross-shard barrier and of merged shards.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from '../../../sandbox/src/launcher/ports.ts';

export const REDIS_SERVER = '/usr/bin/redis-server';
export const REDIS_MISSING = 'redis-server is not installed (.ci/run installs it: apt-get install redis-server)';
export const hasRedisServer = (): boolean => existsSync(REDIS_SERVER);

/** Starts redis-server (no persistence) and resolves once it accepts connections; `stop` ends it by its PID. */
export async function startRedisServer(): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const server = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Ready to accept connections') && resolve());
    server.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, stop: () => void server.kill('SIGTERM') };
}
