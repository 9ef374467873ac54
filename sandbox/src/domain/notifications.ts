// Notifications are rows first (the outbox); the backend's dispatcher emits
// them over Socket.IO once committed. Types and recipients must match the
// notification matrix in contract/events.ts and docs/contract.md.
import type { NotificationType } from '../../../contract/events.ts';
import type { Tx } from '../db/pool.ts';

export interface NewNotification {
  recipientId: string;
  type: NotificationType;
  requestId: string;
  offerId?: string | null;
  paymentId?: string | null;
}

export interface NotificationRow {
  id: string;
  recipient_id: string;
  type: NotificationType;
  request_id: string;
  offer_id: string | null;
  payment_id: string | null;
  created_at: Date;
  read_at: Date | null;
}

export const NOTIFICATION_COLUMNS = 'id, recipient_id, type, request_id, offer_id, payment_id, created_at, read_at';

/** Inserts in one statement; returns the number of rows written. */
export async function insertNotifications(tx: Tx, items: NewNotification[]): Promise<number> {
  if (items.length === 0) return 0;
  const values: unknown[] = [];
  const tuples = items.map((n, i) => {
    values.push(n.recipientId, n.type, n.requestId, n.offerId ?? null, n.paymentId ?? null);
    const b = i * 5;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5})`;
  });
  const res = await tx.query(
    `INSERT INTO notifications (recipient_id, type, request_id, offer_id, payment_id) VALUES ${tuples.join(', ')}`,
    values,
  );
  return res.rowCount ?? 0;
}

export function toNotificationDto(row: NotificationRow) {
  return {
    id: row.id,
    type: row.type,
    recipientId: row.recipient_id,
    requestId: row.request_id,
    offerId: row.offer_id,
    paymentId: row.payment_id,
    createdAt: row.created_at.toISOString(),
    readAt: row.read_at ? row.read_at.toISOString() : null,
  };
}
