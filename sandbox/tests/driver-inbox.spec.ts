// The Socket.IO inbox against the sandbox: one copy per device, waitFor for past and
// future arrivals, refusal of a bad token, and disconnection on close().
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { Inbox } from '../../driver/inbox.ts';
import { expect, test, type Actor } from './support/fixtures.ts';
import { data, PRICE } from './support/flow.ts';
import type { HttpEscrowDriver } from '../../adapters/sandbox/driver.ts';
import sandboxAdapter from '../../adapters/sandbox/index.ts';

/** Connected Socket.IO clients of the stack's backend, read from /metrics. */
async function connectedSockets(baseUrl: string): Promise<number> {
  const res = await fetch(new URL('/metrics', baseUrl), { signal: AbortSignal.timeout(5_000) });
  const match = /^socketio_connected_clients(?:\{[^}]*\})? (\S+)$/m.exec(await res.text());
  return match ? Number(match[1]) : Number.NaN;
}

/** The buyer opens a request inviting the sellers: each gets seller_request_invited. */
const invite = async (api: HttpEscrowDriver, buyer: Actor, sellers: Actor[]) =>
  data(await api.createRequest(buyer.token, { title: 'inbox test', budget: PRICE.toString(), invitedSellerIds: sellers.map((s) => s.id) }));

test('each of 3 devices receives exactly one copy of a notification for its user', async ({ api, stack, newUser, inbox }) => {
  const [buyer, seller] = [await newUser('buyer'), await newUser('seller')];
  const box = await inbox(stack.url, seller, 3);
  expect(box.devices).toBe(3);

  const copies = (requestId: string) => box.received.filter((r) => r.notification.requestId === requestId);
  const first = await invite(api, buyer, [seller]);
  await expect.poll(() => copies(first.id).length).toBe(3);
  // A second notification, created only now, is the fence: a stray extra copy of the first would show by the time it is in.
  const second = await invite(api, buyer, [seller]);
  await expect.poll(() => copies(second.id).length).toBe(3);

  const received = copies(first.id);
  expect(received.map((r) => r.device).sort()).toEqual([0, 1, 2]);
  expect(new Set(received.map((r) => r.notification.id)).size).toBe(1);
  expect(received[0]!.notification).toMatchObject({
    type: 'seller_request_invited',
    recipientId: seller.id,
    requestId: first.id,
    readAt: null,
  });
  expect(
    copies(second.id)
      .map((r) => r.device)
      .sort(),
  ).toEqual([0, 1, 2]);
  expect(box.received).toHaveLength(6);
  expect(box.malformed).toEqual([]);
  for (const r of box.received) expect(r.at).toBeLessThanOrEqual(performance.timeOrigin + performance.now());
});

test('waitFor resolves with an arrival already received and with one that comes later', async ({ api, stack, newUser, inbox }) => {
  const [buyer, seller] = [await newUser('buyer'), await newUser('seller')];
  const [buyerBox, sellerBox] = [await inbox(stack.url, buyer), await inbox(stack.url, seller)];
  const request = await invite(api, buyer, [seller]);
  const invited = await sellerBox.waitFor((n) => n.type === 'seller_request_invited' && n.requestId === request.id, 10_000);

  // Already there: the same arrival again, at once.
  const again = await sellerBox.waitFor((n) => n.id === invited.notification.id, 10_000);
  expect(again).toBe(invited);

  const offerCreated = buyerBox.waitFor((n) => n.type === 'seller_offer_created' && n.requestId === request.id, 10_000);
  const offer = data(await api.createOffer(seller.token, request.id, PRICE.toString()));
  const arrival = await offerCreated;
  expect(arrival.notification).toMatchObject({
    type: 'seller_offer_created',
    recipientId: buyer.id,
    requestId: request.id,
    offerId: offer.id,
  });
  expect(arrival.device).toBe(0);
});

test('waitFor rejects after its timeout, naming the user', async ({ stack, newUser, inbox }) => {
  const seller = await newUser('seller');
  const box = await inbox(stack.url, seller);
  const t0 = performance.now();
  await expect(box.waitFor((n) => n.type === 'delivery_confirmed', 200)).rejects.toThrow(
    `no matching notification for user ${seller.id} within 200 ms`,
  );
  expect(performance.now() - t0).toBeGreaterThanOrEqual(195);
});

test('a token the backend did not issue is refused with a message naming the user and the device', async ({ stack, newUser }) => {
  const buyer = await newUser('buyer');
  await expect(
    Inbox.connect(sandboxAdapter.notifications, stack.url, { id: buyer.id, token: 'not-a-session-token' }, 2, 5_000),
  ).rejects.toThrow(
    new RegExp(
      `^socket of user ${buyer.id} \\(device [01]\\) was refused: unauthorized: handshake auth.token must be a valid session token$`,
    ),
  );
});

test('close() disconnects every device: the backend counts them gone and nothing more arrives', async ({ api, stack, newUser, inbox }) => {
  const [buyer, seller] = [await newUser('buyer'), await newUser('seller')];
  // Sockets of earlier tests in this worker are closed by their fixtures; wait until the backend has seen them go.
  await expect.poll(() => connectedSockets(stack.url)).toBe(0);

  const box = await Inbox.connect(sandboxAdapter.notifications, stack.url, seller, 3);
  await expect.poll(() => connectedSockets(stack.url)).toBe(3);
  box.close();
  await expect.poll(() => connectedSockets(stack.url)).toBe(0);

  // A device still open for the same user gets the next notification; the closed inbox does not.
  const open = await inbox(stack.url, seller);
  const request = await invite(api, buyer, [seller]);
  await open.waitFor((n) => n.requestId === request.id, 10_000);
  expect(box.received).toEqual([]);
});

test('a failed connect closes the devices that did connect', async ({ stack, newUser }) => {
  const seller = await newUser('seller');
  await expect.poll(() => connectedSockets(stack.url)).toBe(0);
  // A loopback proxy that passes the first device's websocket through to the backend and never answers the others.
  const upstream = new URL(stack.url);
  const held: Duplex[] = [];
  let switched = false;
  const proxy = createServer();
  proxy.on('upgrade', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    held.push(client);
    if (held.length > 1) return;
    const backend = connect(Number(upstream.port), upstream.hostname, () => {
      const headers = req.rawHeaders.map((v, i) => (i % 2 ? `${v}\r\n` : `${v}: `)).join('');
      backend.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers}\r\n`);
      backend.write(head);
      client.pipe(backend).pipe(client);
    });
    backend.once('data', (chunk: Buffer) => (switched = chunk.toString().startsWith('HTTP/1.1 101')));
    held.push(backend);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    await expect(Inbox.connect(sandboxAdapter.notifications, url, seller, 2, 2_000)).rejects.toThrow(
      /\(device [01]\) did not connect within 2000 ms$/,
    );
    expect(held.length).toBeGreaterThanOrEqual(3);
    expect(switched, 'the backend accepted the websocket passed through').toBe(true);
    // The device that got through was connected; the rejected connect must not leave it behind.
    await expect.poll(() => connectedSockets(stack.url)).toBe(0);
  } finally {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => proxy.close(resolve));
  }
});
