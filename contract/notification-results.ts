// What a flow observed of its notifications, as rows of its worker result (contract/worker-result.ts): each expected
// copy on each device of its recipient, each expected notification in each browser tab, and each one that reached
// an inbox it was not meant for.
import { z } from 'zod';

export const NotificationResult = z.object({
  /** The notification type (the spec calls it step). */
  step: z.string(),
  /** Role of the expected recipient: buyer, seller-1 (selected), seller-2, ... */
  recipient: z.string(),
  recipientUserId: z.string().optional(),
  /**
   * The recipient's device (Socket.IO connection) this row is about, from 0: a notification is expected once on
   * every device of its recipient, so DEVICES_PER_USER=2 gives two rows per recipient. Absent in older results (one row
   * for all devices).
   */
  device: z.number().int().nonnegative().optional(),
  observed: z.boolean(),
  /** From the moment the trigger completed on the target to this device's first arrival. */
  latencyMs: z.number().nullable(),
  /** Extra copies on this device beyond the one expected. */
  duplicates: z.number().int().nonnegative().default(0),
  /** A missing copy an approved known gap covers (known-gaps.json): the gap, as the finding names it. */
  knownGap: z.string().optional(),
});
export type NotificationResult = z.infer<typeof NotificationResult>;

/**
 * Browser mode (BROWSER_TABS_PER_USER): one expected notification in one browser tab of its recipient, from the
 * trigger to the moment its element entered the page's DOM. Absent without browser mode.
 */
export const TabNotificationResult = z.object({
  /** The notification type. */
  step: z.string(),
  recipient: z.string(),
  /** The recipient's tab, from 0. */
  tab: z.number().int().nonnegative(),
  visible: z.boolean(),
  latencyMs: z.number().nullable(),
});
export type TabNotificationResult = z.infer<typeof TabNotificationResult>;

/** A notification that reached an inbox it was not meant for: attributed to its type, so the report can count it per step. */
export const Misdelivery = z.object({
  step: z.string(),
  /** Role of the user who got it in this flow (buyer, seller-2, outsider ...). */
  receivedBy: z.string(),
  /** wrong-recipient: this flow's notification in the wrong inbox; cross-worker-leak: another flow's. */
  kind: z.enum(['wrong-recipient', 'cross-worker-leak']),
});
export type Misdelivery = z.infer<typeof Misdelivery>;
