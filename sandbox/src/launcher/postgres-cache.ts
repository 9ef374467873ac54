// What Postgres startup reuses across runs, kept in <temp>/escrow-ramp-<uid>:
// a copy of the binaries that the service user can reach (root under a private
// folder), and an initialised cluster to copy instead of running initdb each time.
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { octal } from './reach.ts';
import { StartupError } from './startup-error.ts';

/** The cache folder, created 0755; refused when another user owns it or others may write to it. */
export function cacheRoot(temp: string): string {
  const uid = process.getuid!();
  const root = join(temp, `escrow-ramp-${uid}`);
  mkdirSync(root, { recursive: true, mode: 0o755 });
  const s = lstatSync(root);
  if (!s.isDirectory() || s.uid !== uid || (s.mode & 0o022) !== 0) {
    throw new StartupError({
      component: 'postgres',
      what: `the cache folder ${root} is not a folder owned by this user and writable only by it (mode ${octal(s.mode)}, uid ${s.uid})`,
      cause: 'another user created it, or its mode was changed; what runs from it could have been replaced',
      todo: `remove ${root} and run again`,
    });
  }
  return root;
}

/**
 * `root/name`, built once by `build` in a staging folder and renamed into place, so a reader
 * never sees a half-built entry and two launchers building at once both end up with one.
 */
export async function onceInCache(root: string, name: string, build: (staging: string) => Promise<void> | void): Promise<string> {
  const final = join(root, name);
  if (existsSync(join(final, '.complete'))) return final;
  rmSync(final, { recursive: true, force: true }); // an entry from an older layout, without its marker
  const staging = join(root, `.${name}.${process.pid}.tmp`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { mode: 0o755 });
  try {
    await build(staging);
    mkdirSync(join(staging, '.complete'));
    renameSync(staging, final);
  } catch (err) {
    if (!existsSync(join(final, '.complete'))) throw err;
    // another launcher finished the same entry first
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return final;
}

/** Folders 0755, files 0755 when executable else 0644: readable and runnable by everyone, writable by the owner only. */
export function openUp(path: string): void {
  const s = lstatSync(path);
  if (s.isSymbolicLink()) return;
  if (s.isDirectory()) {
    chmodSync(path, 0o755);
    for (const entry of readdirSync(path)) openUp(join(path, entry));
  } else chmodSync(path, s.mode & 0o111 ? 0o755 : 0o644);
}

export function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}

/** Copies a folder with its modes and relative symlinks. */
export function copyTree(from: string, to: string): void {
  cpSync(from, to, { recursive: true, verbatimSymlinks: true });
}

/** copyTree for a large folder on every run: the system's cp (a fraction of cpSync's CPU), cpSync where there is none. */
export async function copyTreeFast(from: string, to: string): Promise<void> {
  const code = await new Promise<number | null>((resolve) => {
    const cp = spawn('cp', ['-R', '-p', from, to], { stdio: 'ignore' });
    cp.once('error', () => resolve(null));
    cp.once('exit', resolve);
  });
  if (code !== 0) {
    rmSync(to, { recursive: true, force: true });
    copyTree(from, to);
  }
}
