// Isolation seen from the notification side: each user's persisted list (GET /notifications) holds only that
// user's notifications, of this flow, and agrees with what the user's devices received (persisted = delivered).
// Runs after the recorder has settled the sockets' arrivals.
import type { HttpEscrowDriver } from '../driver/http-driver.ts';
import type { Inbox } from '../driver/inbox.ts';
import type { FlowRecorder } from '../helpers/flow-recorder.ts';
import type { Actor } from '../fixtures/flow.ts';
import { ok } from './steps.ts';

export async function checkNotificationLists(
  recorder: FlowRecorder,
  api: HttpEscrowDriver,
  actors: readonly Actor[],
  inboxes: ReadonlyMap<string, Inbox>,
  requestId: string,
): Promise<void> {
  await Promise.all(
    actors.map(async (actor) => {
      const listed = ok(await api.listNotifications(actor.token)).notifications;
      for (const n of listed) {
        if (n.recipientId !== actor.id)
          recorder.count(
            'wrongRecipient',
            `GET /notifications of ${actor.label} ${actor.id} lists ${n.type} ${n.id} addressed to ${n.recipientId}`,
          );
        else if (n.requestId !== requestId)
          recorder.count(
            'crossWorkerLeaks',
            `GET /notifications of ${actor.label} ${actor.id} lists ${n.type} ${n.id} of request ${n.requestId}`,
          );
      }
      const persisted = new Set(listed.filter((n) => n.recipientId === actor.id).map((n) => n.id));
      const delivered = new Set(
        (inboxes.get(actor.id)?.received ?? []).filter((r) => r.notification.recipientId === actor.id).map((r) => r.notification.id),
      );
      const notPersisted = [...delivered].filter((id) => !persisted.has(id));
      // A copy the sockets never brought is already a missing notification (one finding, classified once, known gaps included).
      const missingTypes = new Set(
        recorder.notificationResults.filter((n) => !n.observed && n.recipientUserId === actor.id).map((n) => n.step),
      );
      const notDelivered = listed.filter((n) => persisted.has(n.id) && !delivered.has(n.id) && !missingTypes.has(n.type)).map((n) => n.id);
      if (notPersisted.length)
        recorder.evidence.push(
          `notificationList: ${actor.label} ${actor.id} received ${notPersisted.join(', ')} on a socket, absent from GET /notifications`,
        );
      if (notDelivered.length)
        recorder.evidence.push(
          `notificationList: GET /notifications of ${actor.label} ${actor.id} lists ${notDelivered.join(', ')}, never delivered to its devices`,
        );
    }),
  );
}
