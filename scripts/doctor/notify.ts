// The flow's notifications: one socket per user through the adapter's notification source, the copies the
// adapter's matrix says each trigger causes, and the wait for them: on arrival, bounded, never a sleep.
import type { Notification } from '../../contract/events.ts';
import { Inbox } from '../../driver/inbox.ts';
import type { Audience, CallRecord, NotificationMatrix, NotificationSource, Trigger } from '../../driver/types.ts';
import type { Checkup } from './checkup.ts';
import { excerpt, sentBy } from './failure.ts';

export interface Actor {
  label: string;
  role: 'buyer' | 'seller';
  username: string;
  password: string;
  id: string;
  token: string;
}

export interface ExpectedCopy {
  trigger: Trigger;
  type: Notification['type'];
  audience: Audience;
  recipient: Actor;
  offerId?: string;
  /** The trigger's call: when its answer arrived is when the notification was due from. */
  record: CallRecord;
}

/** How long every expected notification may take, counted from the start of the wait. */
export const NOTIFY_TIMEOUT_MS = 10_000;

/** Connects one device per actor; closes the ones that did connect when another fails. */
export async function connectAll(
  source: NotificationSource,
  baseUrl: string,
  actors: readonly Actor[],
  timeoutMs: number,
): Promise<Map<string, Inbox>> {
  const results = await Promise.allSettled(actors.map((a) => Inbox.connect(source, baseUrl, { id: a.id, token: a.token }, 1, timeoutMs)));
  const inboxes = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    for (const inbox of inboxes) inbox.close();
    throw failed.reason;
  }
  return new Map(inboxes.map((inbox) => [inbox.userId, inbox]));
}

/** The copies the matrix says `trigger` causes, one per recipient. */
export function expectFrom(
  matrix: NotificationMatrix,
  trigger: Trigger,
  audiences: Partial<Record<Audience, readonly Actor[]>>,
  record: CallRecord,
  offerId?: string,
): ExpectedCopy[] {
  return matrix[trigger].flatMap((row) => {
    const recipients = audiences[row.to];
    if (!recipients) throw new Error(`notification matrix: ${trigger} notifies ${row.to}, who is not known at that step`);
    return recipients.map((recipient) => ({
      trigger,
      type: row.type,
      audience: row.to,
      recipient,
      record,
      ...(offerId ? { offerId } : {}),
    }));
  });
}

const matches = (n: Notification, e: ExpectedCopy, requestId: string) =>
  n.type === e.type && n.recipientId === e.recipient.id && n.requestId === requestId && (!e.offerId || n.offerId === e.offerId);

const copyName = (e: ExpectedCopy) => `${e.type} -> ${e.recipient.label}`;

/**
 * Waits (at most NOTIFY_TIMEOUT_MS, on arrival) for every expected copy; then one row per trigger, and a failure
 * for the first trigger with a missing copy, a payload the adapter could not map, or a copy on another user's socket.
 */
export async function awaitNotifications(
  checkup: Checkup,
  inboxes: Map<string, Inbox>,
  expected: readonly ExpectedCopy[],
  requestId: string,
): Promise<void> {
  const arrivals = await Promise.all(
    expected.map((e) =>
      inboxes
        .get(e.recipient.id)!
        .waitFor((n) => matches(n, e, requestId), NOTIFY_TIMEOUT_MS)
        .then(
          (received) => received.at - (e.record.startedAt + e.record.durationMs),
          () => null,
        ),
    ),
  );
  const triggers = [...new Set(expected.map((e) => e.trigger))];
  for (const trigger of triggers) {
    const copies = expected.map((e, i) => ({ e, delay: arrivals[i]! })).filter((c) => c.e.trigger === trigger);
    const step = `notify ${trigger}`;
    const missing = copies.find((c) => c.delay === null);
    if (missing) {
      const inbox = inboxes.get(missing.e.recipient.id)!;
      const seen = inbox.received.filter((r) => r.notification.requestId === requestId).map((r) => r.notification.type);
      throw checkup.refuse(step, {
        sent: `${sentBy(missing.e.record, checkup.secrets)} (${trigger})`,
        got: `no ${missing.e.type} on ${missing.e.recipient.label}'s socket within ${NOTIFY_TIMEOUT_MS / 1000} s (it received for this request: ${seen.join(', ') || 'nothing'})`,
        expected: `${copyName(missing.e)} (the adapter's notification matrix: ${trigger} notifies ${missing.e.audience} with ${missing.e.type})`,
      });
    }
    const delays = copies.map((c) => Math.max(0, c.delay!));
    checkup.passedCheck(step, Math.max(...delays), copies.map((c) => copyName(c.e)).join(', '));
  }
  for (const inbox of inboxes.values()) {
    if (inbox.malformed.length)
      throw checkup.refuse('notification payloads', {
        sent: 'the socket of the adapter notification source',
        got: `${inbox.malformed.length} payload(s) the adapter could not map, e.g. ${excerpt(inbox.malformed[0], checkup.secrets)}`,
        expected: "every payload mapped to the suite's notification (the adapter's notification source)",
      });
    const foreign = inbox.received.find((r) => r.notification.recipientId !== inbox.userId);
    if (foreign)
      throw checkup.refuse('notification recipients', {
        sent: 'the socket of the adapter notification source',
        got: `${foreign.notification.type} for user ${foreign.notification.recipientId} arrived on the socket of user ${inbox.userId}`,
        expected: 'each user receives only notifications addressed to that user',
      });
  }
}
