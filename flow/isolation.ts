// Isolation from the notification side and from other flows' ids.
//
// Notification side: each user's persisted list (GET /notifications) holds only that
// user's notifications, of this flow, and agrees with what the user's devices received (persisted = delivered).
// Runs after the recorder has settled the sockets' arrivals.
import { offeredOp } from '../driver/capabilities.ts';
import type { EscrowDriver } from '../driver/types.ts';
import type { Inbox } from '../driver/inbox.ts';
import type { Board } from './board.ts';
import type { FlowRecorder } from './recorder.ts';
import type { Actor } from './kit.ts';
import { ok } from './steps.ts';

export async function checkNotificationLists(
  recorder: FlowRecorder,
  api: EscrowDriver,
  actors: readonly Actor[],
  inboxes: ReadonlyMap<string, Inbox>,
  requestId: string,
): Promise<void> {
  await Promise.all(
    actors.map(async (actor) => {
      // A provisioned user's notifications from before this flow are not this flow's to judge.
      const listed = ok(await offeredOp(api, 'listNotifications', 'notificationList')(actor.token)).notifications.filter(
        (n) => !actor.before?.notifications.has(n.id),
      );
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

/**
 * Isolation from every side: each actor of this flow asks for another flow's request and payment by id, and must be
 * refused (403/404). The stage's other flows are those that had published their ids by now (none at C1: not run).
 */
export async function checkOtherFlows(
  recorder: FlowRecorder,
  api: EscrowDriver,
  actors: readonly Actor[],
  board: Pick<Board, 'others'> | null,
): Promise<void> {
  const others = board ? await board.others(recorder.workerId).catch(() => null) : null;
  if (!others?.length) {
    const why = others === null ? 'the stage board could not be reached' : 'no other flow of the stage had published its ids yet';
    recorder.probes.push({ name: 'crossFlowIds', status: 'not-run', detail: why });
    return;
  }
  const refused = (status: number) => status === 403 || status === 404;
  let tried = 0;
  let answered = 0;
  await Promise.all(
    actors.map(async (actor, i) => {
      // One other flow per actor, in turn: every actor is tried, and the probe stays a handful of reads.
      const other = others[i % others.length]!;
      const reads = [
        { what: `request ${other.requestId}`, res: await api.getRequest(actor.token, other.requestId) },
        ...(other.paymentId && api.getPayment
          ? [{ what: `payment ${other.paymentId}`, res: await api.getPayment(actor.token, other.paymentId) }]
          : []),
      ];
      for (const { what, res } of reads) {
        tried += 1;
        if (!refused(res.status)) answered += 1;
        if (res.ok)
          recorder.count('crossWorkerLeaks', `${actor.label} ${actor.id} read ${what} of ${other.workerId} (answered ${res.status})`);
        else if (!refused(res.status))
          recorder.evidence.push(
            `crossFlowIds: ${actor.label} asking for ${what} of ${other.workerId} got ${res.status}, neither 403 nor 404`,
          );
      }
    }),
  );
  recorder.probes.push({
    name: 'crossFlowIds',
    status: answered ? 'fail' : 'pass',
    detail: `${answered} of ${tried} reads not refused: reads of ${others.map((o) => o.workerId).join(', ')}'s ids by ${actors.length} actors`,
  });
}
