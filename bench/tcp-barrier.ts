// The bare workers' barrier: releases every connection once `parties` are
// connected, and records when. Loopback, port 0.
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpBarrier {
  port: number;
  /** Epoch ms the last party arrived and all were released; null until then. */
  releasedAt: () => number | null;
  close: () => Promise<void>;
}

export async function tcpBarrier(parties: number): Promise<TcpBarrier> {
  const waiting: Socket[] = [];
  let releasedAt: number | null = null;
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    waiting.push(socket);
    if (waiting.length === parties) {
      releasedAt = Date.now();
      for (const s of waiting.splice(0)) s.end('go');
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    releasedAt: () => releasedAt,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
