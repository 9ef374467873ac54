// Bazaar's live alerts: Socket.IO on /api/live. Each client connection is relayed by one connection of its
// own to the backend's Socket.IO, opened with the client's session; each backend `notification` reaches the
// client as an event named by its topic (`bid.placed`) carrying the Alert. Closing either side closes the other.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { io as connect, type Socket as Upstream } from 'socket.io-client';
import { SOCKET_EVENTS, type Notification } from '../../../contract/events.ts';
import type { Translate } from './translate.ts';

export const LIVE_PATH = '/api/live';
/** A backend payload the dialect could not translate goes out raw under this event: relayed, never dropped. */
export const MALFORMED_EVENT = 'alert.malformed';

export function attachLive(httpServer: HttpServer, backendUrl: string, t: Translate): { close: () => void } {
  const io = new Server(httpServer, { path: LIVE_PATH, serveClient: false });
  const upstreams = new Set<Upstream>();

  io.use((socket, next) => {
    const session = (socket.handshake.auth as { session?: unknown } | undefined)?.session;
    const upstream = connect(backendUrl, {
      auth: { token: session },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 10_000,
    });
    upstreams.add(upstream);
    const close = () => {
      upstream.close();
      upstreams.delete(upstream);
    };
    // The client may leave while the backend still answers the handshake.
    socket.conn.once('close', close);

    // Alerts are sent in the backend's order, and only once the client's connection is complete.
    let connected!: () => void;
    let queue = new Promise<void>((resolve) => (connected = resolve));
    upstream.on(SOCKET_EVENTS.notification, (payload: Notification) => {
      queue = queue
        .then(async () => {
          const alert = await t.alert(payload).catch(() => undefined);
          if (alert) socket.emit(alert.topic, alert);
          else socket.emit(MALFORMED_EVENT, payload);
        })
        .catch((err: Error) => console.error(`live: relaying a notification failed: ${err.message}`));
    });

    upstream.once('connect', () => {
      upstream.off('connect_error');
      socket.data.opened = connected;
      socket.data.upstream = upstream;
      next();
    });
    upstream.once('connect_error', (err) => {
      close();
      // Refused upstream: the client's connection is refused, with the backend's reason.
      next(new Error(err.message));
    });
  });

  io.on('connection', (socket) => {
    const upstream = socket.data.upstream as Upstream;
    (socket.data.opened as () => void)();
    socket.on('disconnect', () => {
      upstream.close();
      upstreams.delete(upstream);
    });
    upstream.on('disconnect', () => socket.disconnect(true));
    if (!upstream.connected) socket.disconnect(true);
  });

  return {
    close: () => {
      io.disconnectSockets(true);
      for (const upstream of upstreams) upstream.close();
      upstreams.clear();
    },
  };
}
