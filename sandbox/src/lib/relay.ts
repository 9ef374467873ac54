// One client connection relayed by one connection of its own to the backend's Socket.IO, opened with the
// client's token: the dialect's live alerts (dialect/live.ts) and the web front end's notifications (web/relay.ts).
// A client the backend refuses is refused with the backend's reason; each backend `notification` reaches
// `deliver` in the backend's order, once the client's connection is complete. Closing either side closes the other.
import type { Server, Socket } from 'socket.io';
import { io as connect, type Socket as Upstream } from 'socket.io-client';
import { SOCKET_EVENTS, type Notification } from '../../../contract/events.ts';

export interface RelayHooks {
  /** The backend session token in a client's handshake `auth`. */
  token: (auth: Record<string, unknown>) => unknown;
  /** One backend notification for this client; the next waits for it. */
  deliver: (socket: Socket, notification: Notification) => void | Promise<void>;
  /** The client's connection is complete; called before any notification is delivered. */
  opened?: (socket: Socket) => void;
}

export function relayNotifications(io: Server, backendUrl: string, hooks: RelayHooks): { close: () => void } {
  const upstreams = new Set<Upstream>();

  io.use((socket, next) => {
    const upstream = connect(backendUrl, {
      auth: { token: hooks.token((socket.handshake.auth ?? {}) as Record<string, unknown>) },
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

    let opened!: () => void;
    let queue = new Promise<void>((resolve) => (opened = resolve));
    upstream.on(SOCKET_EVENTS.notification, (notification: Notification) => {
      queue = queue
        .then(() => hooks.deliver(socket, notification))
        .catch((err: Error) => console.error(`relaying a notification failed: ${err.message}`));
    });

    upstream.once('connect', () => {
      upstream.off('connect_error');
      Object.assign(socket.data, { upstream, opened });
      next();
    });
    upstream.once('connect_error', (err) => {
      close();
      next(new Error(err.message));
    });
  });

  io.on('connection', (socket) => {
    const { upstream, opened } = socket.data as { upstream: Upstream; opened: () => void };
    hooks.opened?.(socket);
    opened();
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
