// Which folder keeps an unprivileged user from a path: the check that decides
// whether Postgres's binaries must be copied where the service user reaches them.
import type { Stats } from 'node:fs';
import { expect, test } from '@playwright/test';
import { blockingFolder, octal } from '../src/launcher/reach.ts';
import { scramVerifier } from '../src/launcher/postgres.ts';

const POSTGRES = { uid: 101, gids: [104] };

/** A file system of folders given as path -> [mode, owner uid, group gid]. */
function fakeStat(tree: Record<string, [number, number, number]>) {
  return (path: string) => {
    const entry = tree[path];
    if (!entry) throw new Error(`no ${path}`);
    return { mode: 0o040000 | entry[0], uid: entry[1], gid: entry[2] } as Stats;
  };
}

test('a 0700 folder owned by root blocks another user, and is named with its mode and owner', () => {
  const stat = fakeStat({ '/': [0o755, 0, 0], '/root': [0o700, 0, 0], '/root/p': [0o755, 0, 0], '/root/p/bin': [0o755, 0, 0] });
  expect(blockingFolder('/root/p/bin', POSTGRES, stat)).toEqual({ folder: '/root', mode: 0o700, owner: 0 });
  expect(octal(0o700)).toBe('0700');
});

test('a folder is entered through the owner, group or other execute bit that applies to the user', () => {
  const stat = fakeStat({ '/': [0o755, 0, 0], '/a': [0o710, 0, 104], '/a/b': [0o700, 101, 0], '/a/b/c': [0o751, 0, 0] });
  expect(blockingFolder('/a/b/c', POSTGRES, stat)).toBeUndefined();
  // The group bit does not apply to a user outside the group; the other bit does not apply to the group.
  expect(blockingFolder('/a/b/c', { uid: 102, gids: [105] }, stat)).toEqual({ folder: '/a', mode: 0o710, owner: 0 });
  const groupOnly = fakeStat({ '/': [0o755, 0, 0], '/g': [0o701, 0, 104] });
  expect(blockingFolder('/g', POSTGRES, groupOnly)).toEqual({ folder: '/g', mode: 0o701, owner: 0 });
});

test('root is never blocked, and the check starts at / itself', () => {
  const stat = fakeStat({ '/': [0o700, 0, 0], '/x': [0o700, 5, 5] });
  expect(blockingFolder('/x', { uid: 0, gids: [0] }, stat)).toBeUndefined();
  expect(blockingFolder('/x', POSTGRES, stat)).toEqual({ folder: '/', mode: 0o700, owner: 0 });
});

test('the SCRAM verifier has the form Postgres stores, and differs per salt', () => {
  const salt = Buffer.alloc(16, 7);
  const verifier = scramVerifier('pencil', salt, 4096);
  expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/);
  expect(verifier).toBe(scramVerifier('pencil', salt, 4096));
  expect(verifier).not.toBe(scramVerifier('pencil', Buffer.alloc(16, 8), 4096));
  expect(verifier).not.toContain('pencil');
});
