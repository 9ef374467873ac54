// Whether another user can reach a path: Postgres refuses to run as root, so
// as root it runs as an unprivileged user, who must be able to traverse every
// folder down to its binaries and its data. A clone under a private (0700)
// folder such as /root is the common case where it cannot.
import { execFileSync } from 'node:child_process';
import { statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface Identity {
  name: string;
  uid: number;
  gid: number;
  /** Every group the user is in, its primary group included. */
  gids: number[];
}

export interface Blocked {
  folder: string;
  /** Permission bits, e.g. 0o700. */
  mode: number;
  owner: number;
}

/** The first folder on the way down to `path` (itself included) that `who` may not enter, or undefined. */
export function blockingFolder(
  path: string,
  who: Pick<Identity, 'uid' | 'gids'>,
  stat: (p: string) => Stats = statSync,
): Blocked | undefined {
  const chain: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    chain.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const folder of chain) {
    const s = stat(folder);
    if (who.uid === 0) continue;
    const bits = s.uid === who.uid ? s.mode >> 6 : who.gids.includes(s.gid) ? s.mode >> 3 : s.mode;
    if ((bits & 0o1) === 0) return { folder, mode: s.mode & 0o7777, owner: s.uid };
  }
  return undefined;
}

export const octal = (mode: number): string => `0${(mode & 0o7777).toString(8)}`;

/** The user and groups of `name` from the system's user database, or undefined when there is no such user. */
export function lookupUser(name: string): Identity | undefined {
  try {
    const id = (flag: string) => execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { name, uid: Number(id('-u')), gid: Number(id('-g')), gids: id('-G').split(/\s+/).map(Number) };
  } catch {
    return undefined;
  }
}
