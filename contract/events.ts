// Notifications: persisted by the backend, emitted over Socket.IO to the
// room of their recipient (`user:<id>`) as the `notification` event.
import { z } from 'zod';
import { Id, IsoDate } from './http.ts';

export const NotificationType = z.enum([
  'seller_request_invited',
  'seller_offer_created',
  'offer_accepted',
  'offer_rejected',
  'payment_confirmed',
  'delivery_submitted',
  'delivery_confirmed',
]);
export type NotificationType = z.infer<typeof NotificationType>;

/** Who receives each type. Must match the notification matrix in docs/contract.md. */
export const NOTIFICATION_MATRIX: Record<NotificationType, { step: string; recipient: string }> = {
  seller_request_invited: { step: 'create request', recipient: 'each invited seller' },
  seller_offer_created: { step: 'create offer', recipient: 'buyer' },
  offer_accepted: { step: 'accept offer', recipient: 'selected seller' },
  offer_rejected: { step: 'accept offer', recipient: 'each other invited seller' },
  payment_confirmed: { step: 'payment confirmed', recipient: 'buyer and selected seller' },
  delivery_submitted: { step: 'seller delivery', recipient: 'buyer' },
  delivery_confirmed: { step: 'buyer confirmation', recipient: 'selected seller' },
};

export const Notification = z.object({
  id: Id,
  type: NotificationType,
  recipientId: Id,
  requestId: Id,
  offerId: Id.nullable(),
  paymentId: Id.nullable(),
  createdAt: IsoDate,
  readAt: IsoDate.nullable(),
});
export type Notification = z.infer<typeof Notification>;
export const NotificationList = z.object({ notifications: z.array(Notification) });
export type NotificationList = z.infer<typeof NotificationList>;

/** Socket.IO: the client authenticates with `auth: { token }`; the server joins it to `user:<id>`. */
export const SOCKET_EVENTS = { notification: 'notification' } as const;
export const userRoom = (userId: string): string => `user:${userId}`;
