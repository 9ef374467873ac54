// Shared setup of the bazaar dialect's tests (sandbox/tests/dialect-*.spec.ts): one stack serving the dialect per
// test worker, a bazaar client, the status-and-no-UUID check every answer gets, members, live connections.
import { randomBytes } from 'node:crypto';
import { test as base, expect } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';
import { startSandbox, type Sandbox } from '../../src/launcher/sandbox.ts';

export { expect };

export const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export interface Answer {
  status: number;
  body: Record<string, unknown> & { problem?: string; detail?: string; field?: string };
}

/** A bazaar client: JSON in and out, the session in X-Bazaar-Session. */
export function bazaar(baseUrl: string) {
  return async (method: 'GET' | 'POST', path: string, options: { session?: string; body?: unknown } = {}): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (options.session) headers['x-bazaar-session'] = options.session;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(new URL(path, baseUrl), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
  };
}
export type Client = ReturnType<typeof bazaar>;

/** The answer's body when its status is `status`; the assertion names the call and what came back. */
export async function expectStatus(answer: Promise<Answer>, status: number, what: string) {
  const res = await answer;
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
  expect(JSON.stringify(res.body), `${what} has no UUID`).not.toMatch(UUID);
  return res.body;
}

export interface Member {
  no: number;
  handle: string;
  session: string;
}

export async function signup(api: Client, kind: 'customer' | 'merchant'): Promise<Member> {
  const handle = `${kind}-${randomBytes(4).toString('hex')}`;
  const body = await expectStatus(api('POST', '/api/signup', { body: { handle, secret: 'correct horse battery', kind } }), 201, 'signup');
  const member = body.member as { member_no: number; handle: string; kind: string };
  expect(member).toEqual({ member_no: expect.any(Number), handle, kind });
  expect(Number.isInteger(member.member_no) && member.member_no > 0).toBe(true);
  expect(body.session).toEqual(expect.any(String));
  return { no: member.member_no, handle, session: body.session as string };
}

/** A live connection on /api/live recording every event with its name. */
export async function live(
  baseUrl: string,
  session: unknown,
): Promise<{ socket: Socket; events: { event: string; alert: Record<string, unknown> }[] }> {
  const socket = io(baseUrl, { path: '/api/live', auth: { session }, transports: ['websocket'], reconnection: false, forceNew: true });
  const events: { event: string; alert: Record<string, unknown> }[] = [];
  socket.onAny((event: string, alert: Record<string, unknown>) => events.push({ event, alert }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
  return { socket, events };
}

/** socketio_connected_clients of the backend. */
export async function backendSockets(url: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  return Number(/^socketio_connected_clients(?:\{[^}]*\})? (\S+)$/m.exec(text)?.[1]);
}

/**
 * One stack per test worker, shared by the dialect-*.spec.ts files that run there. A file whose tests kill the
 * stack's components sets `test.use({ stackOfItsOwn: true })`: a worker option, so Playwright runs that file in
 * workers of its own and no other file sees the restarts.
 */
export const test = base.extend<object, { stack: Sandbox; stackOfItsOwn: boolean }>({
  stackOfItsOwn: [false, { scope: 'worker', option: true }],
  stack: [
    async ({}, use) => {
      const stack = await startSandbox({ dialect: 'bazaar', blockMs: 250, log: () => undefined });
      try {
        await use(stack);
      } finally {
        await stack.stop();
      }
    },
    { scope: 'worker', timeout: 90_000 },
  ],
});
