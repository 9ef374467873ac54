// Socket.IO on the API's HTTP server: a JWT in the handshake, one room per
// user so every device of a recipient gets its notifications and nobody else.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { userRoom } from '../../../contract/events.ts';
import type { AuthUser } from './context.ts';
import type { Metrics } from './metrics.ts';

export async function attachSockets(
  httpServer: HttpServer,
  verify: (token: string) => AuthUser,
  metrics: Metrics,
  redisUrl?: string,
): Promise<{ io: Server; close: () => Promise<void> }> {
  const io = new Server(httpServer, { serveClient: false });
  let closeAdapter = async () => undefined as void;
  if (redisUrl) {
    const { createClient } = await import('redis');
    const { createAdapter } = await import('@socket.io/redis-adapter');
    const pub = createClient({ url: redisUrl });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub));
    closeAdapter = async () => {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    };
  }
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    try {
      if (typeof token !== 'string') throw new Error('missing');
      socket.data.user = verify(token);
      next();
    } catch {
      next(new Error('unauthorized: handshake auth.token must be a valid session token'));
    }
  });
  io.on('connection', (socket) => {
    metrics.sockets.inc();
    void socket.join(userRoom((socket.data.user as AuthUser).id));
    socket.on('disconnect', () => metrics.sockets.dec());
  });
  return {
    io,
    close: async () => {
      io.disconnectSockets(true);
      await closeAdapter();
    },
  };
}
