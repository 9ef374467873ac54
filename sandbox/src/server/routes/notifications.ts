import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotificationType } from '../../../../contract/events.ts';
import { NOTIFICATION_COLUMNS, toNotificationDto, type NotificationRow } from '../../domain/notifications.ts';
import { authenticate, type Deps } from '../context.ts';
import { parse } from '../errors.ts';

const ListQuery = z.object({
  type: NotificationType.optional(),
  requestId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const notificationRoutes = (deps: Deps) => async (app: FastifyInstance) => {
  app.get('/notifications', async (req) => {
    const user = await authenticate(req);
    const q = parse(ListQuery, req.query, 'query');
    const rows = await deps.db.query<NotificationRow>(
      `SELECT ${NOTIFICATION_COLUMNS} FROM notifications
       WHERE recipient_id = $1 AND ($2::text IS NULL OR type = $2) AND ($3::uuid IS NULL OR request_id = $3)
       ORDER BY created_at, id LIMIT $4`,
      [user.id, q.type ?? null, q.requestId ?? null, q.limit],
    );
    return { notifications: rows.rows.map(toNotificationDto) };
  });
};
