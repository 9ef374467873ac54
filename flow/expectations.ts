// Which notifications the flow expects, from the notification matrix (driver/notification-matrix.ts, which an
// adapter may override), and how to wait for them without sleeping: on every arrival, until all are in or time is up.
import type { Notification } from '../contract/events.ts';
import type { Audience, NotificationMatrix, Trigger } from '../driver/types.ts';
import type { Inbox } from '../driver/inbox.ts';
import type { Actor } from './kit.ts';
import type { ExpectedNotification, FlowRecorder } from './recorder.ts';

/** The flow's roles at the moment of a trigger: who each audience of the matrix is. */
export type Audiences = Partial<Record<Audience, readonly Actor[]>>;

/** Records every notification the matrix says `trigger` causes, one per recipient, at `triggeredAt`. */
export function expectFrom(
  recorder: FlowRecorder,
  matrix: NotificationMatrix,
  trigger: Trigger,
  audiences: Audiences,
  triggeredAt: number,
  offerId?: string,
): void {
  for (const row of matrix[trigger]) {
    const recipients = audiences[row.to];
    if (!recipients) throw new Error(`notification matrix: ${trigger} notifies ${row.to}, who is not known at that step`);
    for (const who of recipients)
      recorder.expectNotification({
        type: row.type,
        recipient: who.label,
        recipientUserId: who.id,
        triggeredAt,
        ...(offerId ? { offerId } : {}),
      });
  }
}

/** Whether a received notification is the expected one (same type, recipient, request and offer). */
export function matches(n: Notification, e: ExpectedNotification, requestId: string): boolean {
  return n.type === e.type && n.recipientId === e.recipientUserId && n.requestId === requestId && (!e.offerId || n.offerId === e.offerId);
}

/** Resolves true once `done()` holds, checked at every arrival on any of `inboxes`; false after timeoutMs. */
export function allArrived(inboxes: Iterable<Inbox>, done: () => boolean, timeoutMs: number): Promise<boolean> {
  if (done()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (value: boolean) => {
      clearTimeout(timer);
      for (const off of offs) off();
      resolve(value);
    };
    const offs = [...inboxes].map((inbox) => inbox.onArrival(() => done() && finish(true)));
    const timer = setTimeout(() => finish(done()), timeoutMs);
  });
}
