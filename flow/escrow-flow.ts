// One complete escrow flow, the procedure's test shape: buyer and sellers -> request -> offers -> accept (two
// accepts race) -> payment per mode -> delivery -> buyer confirmation, every step timed, every notification
// expected on every device of its recipient, and correctness probed along the way. Violations are counted in the
// recorder and judged at the end; the stage's test (tests/escrow-flow.spec.ts) runs it once per flow.
import { expect } from '@playwright/test';
import type { ApiResult } from '../driver/types.ts';
import { notOffered } from '../driver/capabilities.ts';
import { describeGap, knownGapFor, loadKnownGaps, type KnownGap } from '../config/classify.ts';
import { allArrived, expectFrom, matches, type Audiences } from './expectations.ts';
import { now, type FlowRecorder } from './recorder.ts';
import { checkTabs, notVisible } from './browser-tabs.ts';
import { checkNotificationLists, checkOtherFlows } from './isolation.ts';
import type { FlowKit } from './kit.ts';
import { payForOffer } from './payment.ts';
import { checkIsolation, checkLedger, probeNonBuyerConfirm, raceScannerChecks } from './probes.ts';
import { mongoProbe, postgresProbe } from './system-of-record.ts';
import { ok, stepper } from './steps.ts';

let gaps: KnownGap[] | undefined;

/** When a call's answer arrived (epoch ms): a notification is triggered once its call completed on the target. */
const answeredAt = (res: ApiResult<unknown>): number => res.record.startedAt + res.record.durationMs;

/** One complete flow. Correctness violations are counted in the recorder and asserted at the end. */
export async function escrowFlow({ run, api, actors, inboxes, tabs, wallet: buyerWallet, recorder, board }: FlowKit): Promise<void> {
  const step = stepper(recorder);
  const { buyer, sellers } = actors;
  // Amounts in base units; a target that states no token decimals is asked for whole base units.
  const unit = 10n ** BigInt(run.chain?.tokenDecimals ?? 0);
  const matrix = run.adapter.matrix;
  const audiences: Audiences = { buyer: [buyer], invitedSellers: sellers };
  const flowStart = now();

  await step('login', () =>
    Promise.all(
      actors.all.map(async (actor) => {
        actor.token = ok(await api.login({ username: actor.username, password: actor.password })).token;
      }),
    ),
  );

  const request = await step('createRequest', async () => {
    const res = await api.createRequest(buyer.token, {
      title: `ramp ${recorder.workerId}`,
      budget: (100n * unit).toString(),
      invitedSellerIds: sellers.map((s) => s.id),
    });
    expectFrom(recorder, matrix, 'createRequest', audiences, answeredAt(res));
    return ok(res);
  });
  recorder.ids.purchaseRequestId = request.id;

  const offers = await step('createOffers', () =>
    Promise.all(
      sellers.map(async (seller, i) => {
        const res = await api.createOffer(seller.token, request.id, ((10n + BigInt(i)) * unit).toString());
        const offer = ok(res);
        expectFrom(recorder, matrix, 'createOffer', audiences, answeredAt(res), offer.id);
        return offer;
      }),
    ),
  );

  // Accepts race on purpose (a double click, two tabs): exactly one may win. The timing is the winning accept's;
  // the race's outcome is a correctness fact, checked (with a read of the request) as a probe.
  const results = await step('acceptOffer', async () => {
    const raced = await Promise.all(offers.slice(0, 2).map((o) => api.acceptOffer(buyer.token, request.id, o.id)));
    const won = raced.find((r) => r.ok) ?? raced[0]!;
    recorder.timings.acceptOffer = Math.round(won.record.durationMs);
    return raced;
  });
  const accepted = await step('acceptRaceProbe', async () => {
    const winners = results.filter((r) => r.ok);
    if (winners.length !== 1)
      recorder.count(
        'doubleAccepts',
        `request ${request.id}: ${winners.length} of 2 racing accepts succeeded`,
        Math.max(1, winners.length - 1),
      );
    const detail = ok(await api.getRequest(buyer.token, request.id));
    const acceptedOffers = detail.offers.filter((o) => o.status === 'accepted');
    if (acceptedOffers.length !== 1) recorder.count('doubleAccepts', `request ${request.id} has ${acceptedOffers.length} accepted offers`);
    const won = winners[0] ?? results[0]!;
    return { request: ok(won), triggeredAt: answeredAt(won) };
  });
  const selectedOffer = offers.find((o) => o.id === accepted.request.selectedOfferId)!;
  const selectedSeller = sellers.find((s) => s.id === selectedOffer.sellerId)!;
  recorder.ids.selectedOfferId = selectedOffer.id;
  audiences.selectedSeller = [selectedSeller];
  audiences.otherInvitedSellers = sellers.filter((s) => s !== selectedSeller);
  expectFrom(recorder, matrix, 'acceptOffer', audiences, accepted.triggeredAt);

  const price = BigInt(selectedOffer.price);
  // The moment the target confirmed the payment; null in dry mode, where nothing pays it.
  const paidAt = await payForOffer({ run, api, recorder, buyer, seller: selectedSeller, request, price, wallet: buyerWallet, step });
  // Offered to the stage's other flows, whose actors must each be refused them.
  const published = board
    .publish({ workerId: recorder.workerId, requestId: request.id, paymentId: recorder.ids.paymentId })
    .then(() => true)
    .catch(() => false);
  // Dry mode ends after the intent: a target refuses delivery before payment.
  if (paidAt !== null) {
    expectFrom(recorder, matrix, 'paymentConfirmed', audiences, paidAt);

    await step('sellerDelivery', async () => {
      const res = await api.deliver(selectedSeller.token, request.id, `delivered by ${recorder.workerId}`);
      expectFrom(recorder, matrix, 'sellerDelivery', audiences, answeredAt(res));
      return ok(res);
    });
    const nonSelected = sellers.find((s) => s !== selectedSeller)!;
    await step('nonBuyerConfirmProbe', () =>
      probeNonBuyerConfirm(recorder, api, [selectedSeller, nonSelected, actors.outsider], request.id),
    );
    await step('buyerConfirmDelivery', async () => {
      const res = await api.confirmDelivery(buyer.token, request.id);
      expectFrom(recorder, matrix, 'buyerConfirmDelivery', audiences, answeredAt(res));
      return ok(res);
    });
  }
  // The business flow only: the probes run inside this window (racing accepts, underpayment, non-buyer confirmations) are left out.
  recorder.timings.total = Math.round(now() - flowStart - recorder.probeMs);

  if (recorder.ids.paymentId && (run.cfg.mode === 'live' || run.cfg.mode === 'fixture')) {
    await step('scannerCheckRaceProbe', () => raceScannerChecks(api, buyer, recorder.ids.paymentId!));
    // Without a ledger read, duplicate credits and ledger consistency stay null: not measured, never 0.
    if (run.capabilities.ledger) await step('ledgerProbe', () => checkLedger(recorder, api, buyer, recorder.ids.paymentId!));
    else recorder.probes.push({ name: 'ledger', status: 'not-run', detail: notOffered('ledger') });
  }
  await step('systemOfRecordProbes', async () => {
    const subject = { paymentId: recorder.ids.paymentId, requestId: request.id, userIds: actors.all.map((a) => a.id) };
    recorder.probes.push(
      await postgresProbe(recorder, run.pgUrl, subject, run.cfg.PG_PROBE_SQL),
      await mongoProbe(recorder, run.cfg.MONGO_URL, subject),
    );
  });
  await step('isolationProbe', () =>
    checkIsolation(
      recorder,
      api,
      actors.all.map((actor) => ({ actor, allowed: actor === actors.outsider ? [] : [request.id] })),
    ),
  );
  await step('crossFlowProbe', async () => checkOtherFlows(recorder, api, actors.all, (await published) ? board : null));

  await step('notifications', async () => {
    // Complete when every device of every expected recipient has its copy; what is still missing then is counted.
    const arrived = () =>
      recorder.expected.filter((e) => {
        const inbox = inboxes.get(e.recipientUserId)!;
        const devices = new Set(inbox.received.filter((r) => matches(r.notification, e, request.id)).map((r) => r.device));
        return devices.size === inbox.devices;
      }).length;
    await allArrived(inboxes.values(), () => arrived() === recorder.expected.length, run.cfg.NOTIFY_TIMEOUT_MS);
    recorder.settle(inboxes, request.id, actors.roleOf);
  });
  // Browser mode: what the sockets brought must also be on screen, in every tab of its recipient and no other.
  if (tabs.length) await step('browserTabsProbe', () => checkTabs({ run, recorder, inboxes, actors }, tabs, request.id));
  if (run.capabilities.notificationList)
    await step('notificationListProbe', () => checkNotificationLists(recorder, api, actors.all, inboxes, request.id));
  else recorder.probes.push({ name: 'notificationList', status: 'not-run', detail: notOffered('notificationList') });
  judge(recorder);
}

/**
 * The flow's verdict: missing and duplicated copies, payloads that broke the contract, and correctness evidence
 * become classified errors; a missing notification an approved known gap covers is recorded as that gap and
 * does not fail the flow.
 */
function judge(recorder: FlowRecorder): void {
  gaps ??= loadKnownGaps();
  const problems: string[] = [];
  const missing = recorder.notificationResults.filter((n) => !n.observed);
  for (const [type, rows] of groupBy(missing, (n) => n.step)) {
    const copies = rows.map((n) => `${n.recipient}${n.device ? ` device ${n.device + 1}` : ''}`).join(', ');
    const message = `missing ${type} -> ${copies}`;
    const gap = knownGapFor(gaps, { notification: type, text: `notifications: ${message}` });
    if (gap) {
      for (const row of rows) row.knownGap = describeGap(gap);
      recorder.fail('notifications', `${message} (${describeGap(gap)})`, 'known-gap');
    } else {
      recorder.fail('notifications', message, 'product');
      problems.push(`notification ${message}`);
    }
  }
  for (const message of notVisible(recorder)) {
    recorder.fail('notifications', message, 'product');
    problems.push(`notification ${message}`);
  }
  const duplicated = recorder.notificationResults
    .filter((n) => n.duplicates > 0)
    .map((n) => `${n.step} -> ${n.recipient}${n.device ? ` device ${n.device + 1}` : ''} x${n.duplicates + 1}`);
  if (duplicated.length) {
    recorder.fail('notifications', `duplicated: ${duplicated.join(', ')}`, 'product');
    problems.push(...duplicated.map((d) => `duplicate notification ${d}`));
  }
  if (recorder.malformed.count) {
    const message = `contract violation: ${recorder.malformed.count} socket payload(s) did not match the notification contract, e.g. ${recorder.malformed.sample}`;
    recorder.fail('notifications', message, 'product');
    problems.push(message);
  }
  for (const line of recorder.evidence) recorder.fail('correctness', line, 'product');
  problems.push(...recorder.evidence);
  expect(problems, 'notification and correctness problems').toEqual([]);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
