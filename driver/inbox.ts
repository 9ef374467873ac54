// A user's devices: connections of the adapter's notification source that record every notification they
// receive, with the time of arrival, and every payload the adapter could not map.
import { performance } from 'node:perf_hooks';
import type { Notification } from '../contract/events.ts';
import type { NotificationSource, Unmapped } from './types.ts';

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
  private readonly connections: { close(): void }[] = [];
  private readonly listeners = new Set<() => void>();
  private opened = 0;

  private constructor(readonly userId: string) {}

  /** Connects `devices` devices of the user through `source`; resolves when all are connected. */
  static async connect(
    source: NotificationSource,
    baseUrl: string,
    user: { id: string; token: string },
    devices = 1,
    timeoutMs = 10_000,
  ): Promise<Inbox> {
    const inbox = new Inbox(user.id);
    const results = await Promise.allSettled(
      Array.from({ length: devices }, async (_, device) => {
        inbox.opened += 1;
        const connection = await source.connect({
          baseUrl,
          user,
          device,
          timeoutMs,
          deliver: (payload) => inbox.arrived(payload, device),
        });
        inbox.connections.push(connection);
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      // The caller never gets the inbox: stop the devices that did connect or would keep reconnecting.
      inbox.close();
      throw failed.reason;
    }
    return inbox;
  }

  private arrived(payload: Notification | Unmapped, device: number): void {
    const at = performance.timeOrigin + performance.now();
    if ('unmapped' in payload) this.malformed.push(payload.unmapped);
    else this.received.push({ notification: payload, device, at });
    for (const listener of this.listeners) listener();
  }

  get devices(): number {
    return this.opened;
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
    for (const connection of this.connections.splice(0)) connection.close();
    this.listeners.clear();
  }
}
