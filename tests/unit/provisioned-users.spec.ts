// Pre-provisioned users (TARGET_USERS_FILE): both formats read the same, a bad file is named with its line and
// field (never its passwords), and each flow running at once gets users of its own.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { checkEnoughUsers, loadProvisionedUsers, usersOfFlow } from '../../config/provisioned-users.ts';

const dir = mkdtempSync(join(tmpdir(), 'users-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

test('JSON and CSV give the same users, per role, in file order', () => {
  const json = file(
    'u.json',
    JSON.stringify({ buyer: [{ username: 'b1', password: 'pw-b1' }], seller: [{ username: 's1', password: 'p,w' }] }),
  );
  const csv = file('u.csv', 'role,username,password\nbuyer,b1,pw-b1\n# a comment\nseller,s1,p,w\n');
  expect(loadProvisionedUsers(csv)).toEqual(loadProvisionedUsers(json));
});

test('a bad file is refused naming the file, the line or entry and what is wrong, without a password', () => {
  expect(() => loadProvisionedUsers(file('h.csv', 'user,pass\n'))).toThrow(/h\.csv: line 1 must be the header role,username,password/);
  expect(() => loadProvisionedUsers(file('r.csv', 'role,username,password\nadmin,a,secret-pw\n'))).toThrow(
    /line 2: role "admin" must be buyer or seller/,
  );
  const noPassword = file('p.json', JSON.stringify({ buyer: [{ username: 'b1' }], seller: [] }));
  expect(() => loadProvisionedUsers(noPassword)).toThrow(/buyer\[0\] needs a non-empty username and password/);
  try {
    loadProvisionedUsers(file('r2.csv', 'role,username,password\nadmin,a,secret-pw\n'));
  } catch (err) {
    expect((err as Error).message).not.toContain('secret-pw');
  }
});

test('every flow at once has users of its own; too few users for a stage is refused with what it needs', () => {
  const users = {
    buyer: Array.from({ length: 4 }, (_, i) => ({ username: `b${i}`, password: 'x' })),
    seller: Array.from({ length: 6 }, (_, i) => ({ username: `s${i}`, password: 'x' })),
  };
  const flows = [0, 1].map((i) => usersOfFlow(users, i, 3));
  const names = flows.flatMap((f) => [f.buyer, f.outsider, ...f.sellers].map((u) => u.username));
  expect(new Set(names).size).toBe(names.length);
  expect(() => checkEnoughUsers(users, 2, 3, 'u.json')).not.toThrow();
  expect(() => checkEnoughUsers(users, 4, 3, 'u.json')).toThrow('u.json has 4 buyer(s) and 6 seller(s); C4 needs 8 buyers and 12 sellers');
});
