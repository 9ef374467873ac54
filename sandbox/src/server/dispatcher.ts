// The outbox dispatcher: Postgres NOTIFY wakes it for each new notification
// row; it claims the row (exactly one backend wins) and emits it to the
// recipient's room. A periodic sweep picks up rows whose signal was missed.
import pg from 'pg';
import type { Server } from 'socket.io';
import { SOCKET_EVENTS, userRoom } from '../../../contract/events.ts';
import type { Db } from '../db/pool.ts';
import { NOTIFICATION_COLUMNS, toNotificationDto, type NotificationRow } from '../domain/notifications.ts';
import type { Metrics } from './metrics.ts';

const SWEEP_MS = 1_000;

export class Dispatcher {
  private listener?: pg.Client;
  private sweepTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly pgUrl: string,
    private readonly io: Server,
    private readonly metrics: Metrics,
  ) {}

  async start(): Promise<void> {
    await this.listen();
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_MS);
    await this.sweep();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    await this.listener?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.pgUrl });
    client.on('notification', (msg) => {
      if (msg.payload) void this.claim(`id = $1`, [msg.payload]);
    });
    client.on('error', (err) => {
      console.error(`notification listener lost its connection: ${err.message}`);
      if (!this.stopped) setTimeout(() => void this.listen().catch(() => undefined), 1_000);
    });
    await client.connect();
    await client.query('LISTEN notification_created');
    this.listener = client;
  }

  private async sweep(): Promise<void> {
    await this.claim(
      `id IN (SELECT id FROM notifications WHERE emitted_at IS NULL ORDER BY created_at LIMIT 500 FOR UPDATE SKIP LOCKED)`,
      [],
    );
  }

  private async claim(where: string, params: unknown[]): Promise<void> {
    try {
      const rows = await this.db.query<NotificationRow>(
        `UPDATE notifications SET emitted_at = now() WHERE ${where} AND emitted_at IS NULL RETURNING ${NOTIFICATION_COLUMNS}`,
        params,
      );
      for (const row of rows.rows) {
        this.io.to(userRoom(row.recipient_id)).emit(SOCKET_EVENTS.notification, toNotificationDto(row));
        this.metrics.emitted.inc({ event: SOCKET_EVENTS.notification });
      }
    } catch (err) {
      if (this.stopped) return;
      this.metrics.errors.inc({ stage: 'emit' });
      console.error(`notification dispatch failed: ${(err as Error).message}`);
    }
  }
}
