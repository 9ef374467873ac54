// One test = one complete, isolated escrow flow (the spec's "Test Shape").
// A stage project runs it level x ROUNDS times on level workers at once.
import { expect, test, type FlowFixtures, type FlowKit, type Flows } from '../fixtures/flow.ts';
import type { Run } from '../fixtures/run.ts';
import { flowsForTest } from '../helpers/stages.ts';
import { now } from '../helpers/flow-recorder.ts';
import { pay } from '../flow/payment.ts';
import { checkIsolation, checkLedger, probeNonBuyerConfirm, raceScannerChecks } from '../flow/probes.ts';
import { mongoProbe, postgresProbe } from '../flow/sor-probes.ts';
import { ok, stepper } from '../flow/steps.ts';

/** One complete flow. Correctness violations are counted in the recorder and asserted at the end. */
async function escrowFlow({ run, api, actors, inboxes, wallet: buyerWallet, recorder }: FlowKit): Promise<void> {
  const step = stepper(recorder);
  const { buyer, sellers } = actors;
  const unit = 10n ** BigInt(run.chain.tokenDecimals);
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
    for (const s of sellers)
      recorder.expect({ type: 'seller_request_invited', recipient: s.label, recipientUserId: s.id, triggeredAt: res.record.startedAt });
    return ok(res);
  });
  recorder.ids.purchaseRequestId = request.id;

  const offers = await step('createOffers', () =>
    Promise.all(
      sellers.map(async (seller, i) => {
        const res = await api.createOffer(seller.token, request.id, ((10n + BigInt(i)) * unit).toString());
        const offer = ok(res);
        recorder.expect({
          type: 'seller_offer_created',
          recipient: 'buyer',
          recipientUserId: buyer.id,
          triggeredAt: res.record.startedAt,
          offerId: offer.id,
        });
        return offer;
      }),
    ),
  );

  // Accepts race on purpose (a double click, two tabs): exactly one may win.
  const accepted = await step('acceptOffer', async () => {
    const results = await Promise.all(offers.slice(0, 2).map((o) => api.acceptOffer(buyer.token, request.id, o.id)));
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
    return { request: ok(winners[0] ?? results[0]!), triggeredAt: (winners[0] ?? results[0]!).record.startedAt };
  });
  const selectedOffer = offers.find((o) => o.id === accepted.request.selectedOfferId)!;
  const selectedSeller = sellers.find((s) => s.id === selectedOffer.sellerId)!;
  recorder.ids.selectedOfferId = selectedOffer.id;
  for (const s of sellers) {
    const type = s === selectedSeller ? 'offer_accepted' : 'offer_rejected';
    recorder.expect({ type, recipient: s.label, recipientUserId: s.id, triggeredAt: accepted.triggeredAt });
  }

  const paidAt = await pay({ run, api, recorder, buyer, request, price: BigInt(selectedOffer.price), wallet: buyerWallet, step });
  for (const who of [buyer, selectedSeller]) {
    recorder.expect({
      type: 'payment_confirmed',
      recipient: who === buyer ? 'buyer' : who.label,
      recipientUserId: who.id,
      triggeredAt: paidAt,
    });
  }

  await step('sellerDelivery', async () => {
    const res = await api.deliver(selectedSeller.token, request.id, `delivered by ${recorder.workerId}`);
    recorder.expect({ type: 'delivery_submitted', recipient: 'buyer', recipientUserId: buyer.id, triggeredAt: res.record.startedAt });
    return ok(res);
  });
  const nonSelected = sellers.find((s) => s !== selectedSeller)!;
  await step('nonBuyerConfirmProbe', () => probeNonBuyerConfirm(recorder, api, [selectedSeller, nonSelected, actors.outsider], request.id));
  await step('buyerConfirmDelivery', async () => {
    const res = await api.confirmDelivery(buyer.token, request.id);
    recorder.expect({
      type: 'delivery_confirmed',
      recipient: selectedSeller.label,
      recipientUserId: selectedSeller.id,
      triggeredAt: res.record.startedAt,
    });
    return ok(res);
  });
  recorder.timings.total = Math.round(now() - flowStart);

  if (recorder.ids.paymentId && (run.cfg.mode === 'live' || run.cfg.mode === 'fixture')) {
    await step('scannerCheckRaceProbe', () => raceScannerChecks(api, buyer, recorder.ids.paymentId!));
    await step('ledgerProbe', () => checkLedger(recorder, api, buyer, recorder.ids.paymentId!));
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

  await step('notifications', async () => {
    // Complete when every device of every expected recipient has its copy.
    const arrived = () =>
      recorder.expected.filter((e) => {
        const inbox = inboxes.get(e.recipientUserId)!;
        const hits = inbox.received.filter(
          (r) =>
            r.notification.type === e.type &&
            r.notification.requestId === request.id &&
            (!e.offerId || r.notification.offerId === e.offerId),
        );
        return new Set(hits.map((r) => r.device)).size === inbox.devices;
      }).length;
    await expect
      .poll(arrived, { timeout: run.cfg.NOTIFY_TIMEOUT_MS, message: 'every expected notification reaches its recipient' })
      .toBe(recorder.expected.length)
      .catch(() => undefined); // what is missing is counted below and asserted at the end
    recorder.settle(new Map([...inboxes].map(([id, inbox]) => [id, inbox.received])), request.id, actors.roleOf);
  });

  const missing = recorder.notificationResults.filter((n) => !n.observed).map((n) => `${n.step} -> ${n.recipient}`);
  const duplicated = recorder.notificationResults
    .filter((n) => n.duplicates > 0)
    .map((n) => `${n.step} -> ${n.recipient} x${n.duplicates + 1}`);
  if (missing.length) recorder.fail('notifications', `missing: ${missing.join(', ')}`, 'product');
  if (duplicated.length) recorder.fail('notifications', `duplicated: ${duplicated.join(', ')}`, 'product');
  for (const line of recorder.evidence) recorder.fail('correctness', line, 'product');
  const problems = [
    ...missing.map((m) => `missing notification ${m}`),
    ...duplicated.map((d) => `duplicate notification ${d}`),
    ...recorder.evidence,
  ];
  expect(problems, 'notification and correctness problems').toEqual([]);
}

test('buyer and sellers complete an escrow purchase with payment credited once and notifications to the right users only', async ({
  run,
  flows,
  startTogether,
}, testInfo) => {
  // One flow per test, or FLOWS_PER_WORKER isolated flows at once in this worker process, each its own slot.
  const slots = flowsForTest(run.stage, run.cfg.FLOWS_PER_WORKER, testInfo.repeatEachIndex);
  const failures = (await Promise.all(Array.from({ length: slots }, (_, slot) => runSlot(run, flows, startTogether, slot, slots)))).flat();
  expect(failures, 'failed flows of this worker').toEqual([]);
});

/** One slot: its flow, or in fixed-duration mode flows back to back until a deadline shared by the whole stage. */
async function runSlot(
  run: Run,
  flows: Flows,
  startTogether: FlowFixtures['startTogether'],
  slot: number,
  slots: number,
): Promise<string[]> {
  const failures: string[] = [];
  // Flows are named by slot only when the worker runs several at once (C8-W03 stays C8-W03 otherwise).
  const named = slots > 1 ? slot : undefined;
  let first: FlowKit | undefined;
  try {
    first = await flows.next(named);
  } catch (err) {
    // The rest of the stage must not wait a barrier timeout for a flow that will never start. Its kit is
    // still open: the flows fixture reports it as failed when the test ends.
    await startTogether({ abandoned: true }).catch(() => undefined);
    return [`slot ${slot + 1} setup: ${(err as Error).message.split('\n')[0]}`];
  }
  const { releaseAt } = await test.step('barrier', () => startTogether());
  first.recorder.barrierReleasedAt = releaseAt;
  const deadline = run.cfg.STAGE_DURATION ? releaseAt + run.cfg.STAGE_DURATION : 0;
  do {
    const kit = first ?? (await flows.next(named));
    kit.recorder.barrierReleasedAt ??= releaseAt;
    first = undefined;
    try {
      await escrowFlow(kit);
      await flows.finish(kit, 'pass');
    } catch (err) {
      failures.push(`${kit.recorder.workerId}: ${(err as Error).message.split('\n')[0]}`);
      await flows.finish(kit, 'fail', err as Error);
      // One flow per slot: its failure is the slot's, reported with the others once every slot is done.
      if (!deadline) break;
    }
  } while (Date.now() < deadline);
  return failures;
}
