// The page's live notifications: Socket.IO on the front end's own origin, which also serves the client
// (/socket.io/socket.io.js). Each tab's connection is relayed by one of its own to the backend's Socket.IO,
// opened with the tab's token (lib/relay.ts); the backend's `notification` events reach the tab unchanged.
// After a backend restart the tab is told `io server disconnect` and reconnects itself (public/app.js).
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { SOCKET_EVENTS, type Notification } from '../../../contract/events.ts';
import type { Faults } from '../faults.ts';
import { relayNotifications } from '../lib/relay.ts';

/** The user id in a session token the backend has just accepted (its signature is the backend's business). */
function userIdOf(token: unknown): string | undefined {
  try {
    const payload = String(token).split('.')[1] ?? '';
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { id?: string }).id;
  } catch {
    return undefined;
  }
}

export function attachRelay(httpServer: HttpServer, backendUrl: string, faults: Faults): { close: () => void } {
  // Replayed to a tab that reconnects (its handshake says `reconnect: true`), so its bell is current before its
  // list has reloaded; the page drops one it already shows. Fault ui-wrong-user keeps one for the whole process
  // instead of one per user.
  const lastOf = new Map<string, Notification>();
  let lastOfAnyone: Notification | undefined;
  return relayNotifications(new Server(httpServer, { serveClient: true }), backendUrl, {
    token: (auth) => auth.token,
    deliver: (socket, notification) => {
      lastOf.set(notification.recipientId, notification);
      lastOfAnyone = notification;
      socket.emit(SOCKET_EVENTS.notification, notification);
    },
    opened: (socket) => {
      const { token, reconnect } = socket.handshake.auth as { token?: unknown; reconnect?: unknown };
      if (reconnect !== true) return;
      const userId = userIdOf(token);
      const replay = faults.uiWrongUser ? lastOfAnyone : userId && lastOf.get(userId);
      if (replay) socket.emit(SOCKET_EVENTS.notification, replay);
    },
  });
}
