// A notification source over Socket.IO, for adapters: which path, how the session is presented, and per event
// name how its payload becomes the suite's Notification (or why it cannot).
import { io } from 'socket.io-client';
import type { Notification } from '../contract/events.ts';
import type { DeviceRequest, NotificationSource } from './types.ts';

export interface SocketIoSourceOptions {
  /** The Socket.IO path on the target's origin; default `/socket.io`. */
  path?: string;
  /** The handshake's `auth` object for a user's session token. */
  auth: (token: string) => Record<string, unknown>;
  /** Per event name: the payload as the suite's notification; throw (or return a string) to report it unmappable. */
  events: Record<string, (payload: unknown) => Notification | string>;
}

export function socketIoSource(options: SocketIoSourceOptions): NotificationSource {
  return {
    connect: ({ baseUrl, user, device, timeoutMs, deliver }: DeviceRequest) => {
      const socket = io(baseUrl, {
        path: options.path ?? '/socket.io',
        auth: options.auth(user.token),
        transports: ['websocket'],
        reconnection: true,
        forceNew: true,
        timeout: timeoutMs,
      });
      for (const [event, map] of Object.entries(options.events)) {
        socket.on(event, (payload: unknown) => {
          let mapped: Notification | string;
          try {
            mapped = map(payload);
          } catch (err) {
            mapped = (err as Error).message;
          }
          deliver(typeof mapped === 'string' ? { unmapped: payload, reason: `${event}: ${mapped}` } : mapped);
        });
      }
      const close = () => void socket.disconnect();
      return new Promise((resolve, reject) => {
        const fail = (error: Error) => {
          clearTimeout(timer);
          close();
          reject(error);
        };
        const timedOut = () => new Error(`socket of user ${user.id} (device ${device}) did not connect within ${timeoutMs} ms`);
        const timer = setTimeout(() => fail(timedOut()), timeoutMs);
        socket.once('connect', () => {
          clearTimeout(timer);
          resolve({ close });
        });
        socket.once('connect_error', (err) =>
          // The manager's own connect timeout (the same timeoutMs) usually fires first, as an error named "timeout".
          fail(
            err.message === 'timeout' ? timedOut() : new Error(`socket of user ${user.id} (device ${device}) was refused: ${err.message}`),
          ),
        );
      });
    },
  };
}
