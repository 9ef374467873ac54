// Bazaar's live alerts: Socket.IO on /api/live. Each client connection is relayed by one connection of its
// own to the backend's Socket.IO, opened with the client's session (lib/relay.ts); each backend `notification`
// reaches the client as an event named by its topic (`bid.placed`) carrying the Alert.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { relayNotifications } from '../lib/relay.ts';
import type { Translate } from './translate.ts';

export const LIVE_PATH = '/api/live';
/** A backend payload the dialect could not translate goes out raw under this event: relayed, never dropped. */
export const MALFORMED_EVENT = 'alert.malformed';

export function attachLive(httpServer: HttpServer, backendUrl: string, t: Translate): { close: () => void } {
  const io = new Server(httpServer, { path: LIVE_PATH, serveClient: false });
  return relayNotifications(io, backendUrl, {
    token: (auth) => auth.session,
    deliver: async (socket, payload) => {
      const alert = await t.alert(payload).catch(() => undefined);
      if (alert) socket.emit(alert.topic, alert);
      else socket.emit(MALFORMED_EVENT, payload);
    },
  });
}
