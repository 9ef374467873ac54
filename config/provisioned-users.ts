// Pre-provisioned test users (TARGET_USERS_FILE), for a target that offers no self-registration: a JSON file
// `{ "buyer": [{ "username", "password" }], "seller": [...] }` or a CSV with the header `role,username,password`.
// Each flow running at once gets users of its own (two buyers: the buyer and the outsider; SELLERS_PER_WORKER
// sellers); rounds and stages reuse them, one after the other.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ConfigError } from './env.ts';

export interface ProvisionedUser {
  username: string;
  password: string;
}
export type ProvisionedUsers = Record<'buyer' | 'seller', ProvisionedUser[]>;

const ROLES = ['buyer', 'seller'] as const;

function parseCsv(text: string, file: string): ProvisionedUsers {
  const users: ProvisionedUsers = { buyer: [], seller: [] };
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines[0]?.replace(/\s/g, '') !== 'role,username,password')
    throw new ConfigError(`TARGET_USERS_FILE=${file}: line 1 must be the header role,username,password`);
  lines.slice(1).forEach((line, i) => {
    if (!line || line.startsWith('#')) return;
    const [role, username, ...rest] = line.split(',');
    const password = rest.join(',');
    if (!ROLES.includes(role as 'buyer'))
      throw new ConfigError(`TARGET_USERS_FILE=${file}: line ${i + 2}: role "${role}" must be buyer or seller`);
    if (!username || !password) throw new ConfigError(`TARGET_USERS_FILE=${file}: line ${i + 2}: needs a username and a password`);
    users[role as 'buyer'].push({ username, password });
  });
  return users;
}

function parseJson(text: string, file: string): ProvisionedUsers {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`TARGET_USERS_FILE=${file} is not JSON: ${(err as Error).message}`);
  }
  const users: ProvisionedUsers = { buyer: [], seller: [] };
  for (const role of ROLES) {
    const list = (data as Record<string, unknown> | null)?.[role];
    if (!Array.isArray(list)) throw new ConfigError(`TARGET_USERS_FILE=${file}: "${role}" must be an array of { username, password }`);
    list.forEach((u: { username?: unknown; password?: unknown }, i) => {
      if (typeof u?.username !== 'string' || !u.username || typeof u.password !== 'string' || !u.password)
        throw new ConfigError(`TARGET_USERS_FILE=${file}: ${role}[${i}] needs a non-empty username and password`);
      users[role].push({ username: u.username, password: u.password });
    });
  }
  return users;
}

export function loadProvisionedUsers(file: string): ProvisionedUsers {
  const text = readFileSync(file, 'utf8');
  return extname(file).toLowerCase() === '.csv' ? parseCsv(text, file) : parseJson(text, file);
}

/** Refuses a file with too few users for `level` flows at once, naming what it has and what the stage needs. */
export function checkEnoughUsers(users: ProvisionedUsers, level: number, sellersPerFlow: number, file: string): void {
  const need = { buyer: 2 * level, seller: sellersPerFlow * level };
  const short = ROLES.filter((role) => users[role].length < need[role]);
  if (short.length)
    throw new ConfigError(
      `TARGET_USERS_FILE=${file} has ${short.map((r) => `${users[r].length} ${r}(s)`).join(' and ')}; ` +
        `C${level} needs ${short.map((r) => `${need[r]} ${r}s`).join(' and ')} (each flow at once: 2 buyers, ${sellersPerFlow} sellers)`,
      'add users to the file, or run lower levels (CONCURRENCY_LEVELS)',
    );
}

/** The users of the flow running at position `index` of its stage (0 .. level-1). */
export function usersOfFlow(users: ProvisionedUsers, index: number, sellersPerFlow: number) {
  const buyers = users.buyer.slice(2 * index, 2 * index + 2);
  const sellers = users.seller.slice(sellersPerFlow * index, sellersPerFlow * (index + 1));
  if (buyers.length < 2 || sellers.length < sellersPerFlow) throw new Error(`TARGET_USERS_FILE has too few users for flow ${index + 1}`);
  return { buyer: buyers[0]!, outsider: buyers[1]!, sellers };
}
