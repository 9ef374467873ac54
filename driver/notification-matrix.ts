// Which moment of the flow notifies whom, as data. The default is the procedure's matrix (docs/contract.md); an
// adapter replaces a trigger's rows when its target notifies differently (another type name, nobody, or more).
import { NotificationType } from '../contract/events.ts';
import type { Audience, NotificationMatrix, Trigger } from './types.ts';

export const DEFAULT_NOTIFICATION_MATRIX: NotificationMatrix = {
  createRequest: [{ type: 'seller_request_invited', to: 'invitedSellers' }],
  createOffer: [{ type: 'seller_offer_created', to: 'buyer' }],
  acceptOffer: [
    { type: 'offer_accepted', to: 'selectedSeller' },
    { type: 'offer_rejected', to: 'otherInvitedSellers' },
  ],
  paymentConfirmed: [
    { type: 'payment_confirmed', to: 'buyer' },
    { type: 'payment_confirmed', to: 'selectedSeller' },
  ],
  sellerDelivery: [{ type: 'delivery_submitted', to: 'buyer' }],
  buyerConfirmDelivery: [{ type: 'delivery_confirmed', to: 'selectedSeller' }],
};

const TRIGGERS = Object.keys(DEFAULT_NOTIFICATION_MATRIX) as Trigger[];
const AUDIENCES: readonly Audience[] = ['invitedSellers', 'buyer', 'selectedSeller', 'otherInvitedSellers'];

/** The default matrix with an adapter's rows in place of the default's, each checked; throws naming what is wrong. */
export function notificationMatrix(overrides: Partial<NotificationMatrix> = {}): NotificationMatrix {
  for (const [trigger, rows] of Object.entries(overrides)) {
    if (!TRIGGERS.includes(trigger as Trigger))
      throw new Error(`notificationMatrix.${trigger}: not a trigger; triggers: ${TRIGGERS.join(', ')}`);
    if (!Array.isArray(rows)) throw new Error(`notificationMatrix.${trigger}: must be an array of { type, to }`);
    for (const [i, row] of (rows as { type?: unknown; to?: unknown }[]).entries()) {
      if (!NotificationType.safeParse(row?.type).success)
        throw new Error(
          `notificationMatrix.${trigger}[${i}].type=${JSON.stringify(row?.type)}: must be one of ${NotificationType.options.join(', ')}`,
        );
      if (!AUDIENCES.includes(row.to as Audience))
        throw new Error(`notificationMatrix.${trigger}[${i}].to=${JSON.stringify(row.to)}: must be one of ${AUDIENCES.join(', ')}`);
    }
  }
  return { ...DEFAULT_NOTIFICATION_MATRIX, ...overrides };
}
