// A user's devices: Socket.IO connections that record every notification
// they receive, with the monotonic time of arrival.
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { Notification, SOCKET_EVENTS } from '../contract/events.ts';

export interface Received {
  notification: Notification;
  device: number;
  /** Epoch ms of arrival. */
  at: number;
}

export class Inbox {
  readonly received: Received[] = [];
  /** Payloads that did not match the contract: a bug of the target, counted and sampled in the worker result. */
  readonly malformed: unknown[] = [];
  private readonly sockets: Socket[] = [];
  private readonly listeners = new Set<() => void>();

  private constructor(readonly userId: string) {}

  /** Connects `devices` sockets for the user; resolves when all are connected. */
  static async connect(baseUrl: string, userId: string, token: string, devices = 1, timeoutMs = 10_000): Promise<Inbox> {
    const inbox = new Inbox(userId);
    try {
      await Promise.all(Array.from({ length: devices }, (_, device) => inbox.open(baseUrl, token, device, timeoutMs)));
    } catch (err) {
      // The caller never gets the inbox: stop the sockets that did connect or would keep reconnecting.
      inbox.close();
      throw err;
    }
    return inbox;
  }

  private open(baseUrl: string, token: string, device: number, timeoutMs: number): Promise<void> {
    const socket = io(baseUrl, { auth: { token }, transports: ['websocket'], reconnection: true, forceNew: true, timeout: timeoutMs });
    this.sockets.push(socket);
    socket.on(SOCKET_EVENTS.notification, (payload: unknown) => {
      const at = performance.timeOrigin + performance.now();
      const parsed = Notification.safeParse(payload);
      if (parsed.success) this.received.push({ notification: parsed.data, device, at });
      else this.malformed.push(payload);
      for (const listener of this.listeners) listener();
    });
    return new Promise((resolve, reject) => {
      const timedOut = () => new Error(`socket of user ${this.userId} (device ${device}) did not connect within ${timeoutMs} ms`);
      const timer = setTimeout(() => reject(timedOut()), timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('connect_error', (err) => {
        clearTimeout(timer);
        // The manager's own connect timeout (the same timeoutMs) usually fires first, as an error named "timeout".
        reject(
          err.message === 'timeout'
            ? timedOut()
            : new Error(`socket of user ${this.userId} (device ${device}) was refused: ${err.message}`),
        );
      });
    });
  }

  get devices(): number {
    return this.sockets.length;
  }

  /** Calls `listener` after every payload this user's devices receive; returns the function that removes it. */
  onArrival(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first arrival matching `match` (already received or future); rejects after timeoutMs. */
  waitFor(match: (n: Notification) => boolean, timeoutMs: number): Promise<Received> {
    const found = () => this.received.find((r) => match(r.notification));
    const now = found();
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const listener = () => {
        const hit = found();
        if (!hit) return;
        cleanup();
        resolve(hit);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching notification for user ${this.userId} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  close(): void {
    for (const socket of this.sockets) socket.disconnect();
    this.listeners.clear();
  }
}
