import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { Credentials, RegisterBody } from '../../../../contract/http.ts';
import { authenticate, type AuthUser, type Deps } from '../context.ts';
import { conflict, HttpError, parse } from '../errors.ts';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;
// Cheap parameters: a sandbox logs in hundreds of test users per stage on two cores.
const SCRYPT = { N: 1024, r: 8, p: 1 };

async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, SCRYPT);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [, salt, hash] = stored.split('$');
  const actual = await scrypt(password, Buffer.from(salt!, 'base64'), 32, SCRYPT);
  return timingSafeEqual(actual, Buffer.from(hash!, 'base64'));
}

export const authRoutes = (deps: Deps) => async (app: FastifyInstance) => {
  const session = (user: AuthUser) => ({ user: { id: user.id, username: user.username, role: user.role }, token: app.jwt.sign(user) });

  app.post('/auth/register', async (req, reply) => {
    const body = parse(RegisterBody, req.body, 'body');
    const res = await deps.db.query<AuthUser>(
      `INSERT INTO users (username, password_hash, role) VALUES ($1, $2, $3)
       ON CONFLICT (username) DO NOTHING RETURNING id, username, role`,
      [body.username, await hashPassword(body.password), body.role],
    );
    const user = res.rows[0];
    if (!user) throw conflict(`username "${body.username}" is taken`);
    return reply.status(201).send(session(user));
  });

  app.post('/auth/login', async (req) => {
    const body = parse(Credentials, req.body, 'body');
    const row = (
      await deps.db.query<AuthUser & { password_hash: string }>('SELECT id, username, role, password_hash FROM users WHERE username = $1', [
        body.username,
      ])
    ).rows[0];
    if (!row || !(await verifyPassword(body.password, row.password_hash))) {
      throw new HttpError(401, 'unauthorized', 'username or password is wrong');
    }
    return session(row);
  });

  app.get('/me', async (req) => {
    const user = await authenticate(req);
    return { id: user.id, username: user.username, role: user.role };
  });
};
