// Correctness probes: each compares what the target claims with an
// independent source (the chain, the ledger's arithmetic, another user's view)
// and counts violations in the recorder instead of stopping the flow. The
// payment's own probes (underpayment, unpaid advance, evidence) are in
// flow/payment.ts, their pure judgement in flow/evidence.ts.
import { offeredOp } from '../driver/capabilities.ts';
import type { EscrowDriver } from '../driver/types.ts';
import type { FlowRecorder } from './recorder.ts';
import type { Actor } from './kit.ts';
import { ok } from './steps.ts';

export { TRANSFER_TOPIC } from './transfers.ts';

/** Exactly one escrow credit and at most one release; every journal sums to zero; release equals credit. */
export async function checkLedger(recorder: FlowRecorder, api: EscrowDriver, buyer: Actor, paymentId: string): Promise<void> {
  const { journals } = ok(await offeredOp(api, 'paymentLedger', 'ledger')(buyer.token, paymentId));
  const credits = journals.filter((j) => j.kind === 'escrow_credit');
  if (credits.length > 1)
    recorder.count(
      'duplicateCredits',
      `payment ${paymentId} credited ${credits.length} times (journals ${credits.map((j) => j.id).join(', ')})`,
      credits.length - 1,
    );
  if (credits.length === 0) recorder.count('ledgerInconsistencies', `payment ${paymentId} is confirmed but has no escrow credit`);
  for (const j of journals) {
    const sum = j.postings.reduce((s, p) => s + BigInt(p.amount), 0n);
    if (sum !== 0n) recorder.count('ledgerInconsistencies', `payment ${paymentId} journal ${j.id} (${j.kind}) postings sum to ${sum}`);
  }
  const escrowIn = credits[0]?.postings.find((p) => p.account.startsWith('escrow:'))?.amount;
  for (const release of journals.filter((j) => j.kind === 'escrow_release')) {
    const out = release.postings.find((p) => p.account.startsWith('escrow:'))?.amount;
    if (escrowIn && out && BigInt(out) !== -BigInt(escrowIn))
      recorder.count('ledgerInconsistencies', `payment ${paymentId} released ${out} of ${escrowIn}`);
  }
}

/** Each actor's request list holds exactly the requests it may see (this flow's, or none for an outsider). */
export async function checkIsolation(
  recorder: FlowRecorder,
  api: EscrowDriver,
  views: { actor: Actor; allowed: string[] }[],
): Promise<void> {
  await Promise.all(
    views.map(async ({ actor, allowed }) => {
      const { requests } = ok(await api.listRequests(actor.token));
      const foreign = requests.filter((r) => !allowed.includes(r.id) && !actor.before?.requests.has(r.id));
      if (foreign.length)
        recorder.count(
          'crossWorkerLeaks',
          `${actor.label} ${actor.id} sees ${foreign.length} request(s) not its own: ${foreign
            .slice(0, 3)
            .map((r) => r.id)
            .join(', ')}`,
          foreign.length,
        );
    }),
  );
}

/** Anyone but the buyer (a seller, another buyer) must be refused when confirming delivery. */
export async function probeNonBuyerConfirm(recorder: FlowRecorder, api: EscrowDriver, others: Actor[], requestId: string): Promise<void> {
  for (const other of others) {
    const res = await api.confirmDelivery(other.token, requestId);
    // A probe, not the spec's buyer-confirmation operation: keep it out of that op's latency samples.
    res.record.op = 'nonBuyerConfirmProbe';
    if (res.ok) recorder.count('nonBuyerConfirmSuccess', `${other.label} ${other.id} confirmed delivery of request ${requestId}`);
  }
}

/** K scanner checks of a confirmed payment fired at once must not credit it again (checked by the ledger probe after). */
export async function raceScannerChecks(api: EscrowDriver, buyer: Actor, paymentId: string, k = 5): Promise<void> {
  const results = await Promise.all(Array.from({ length: k }, () => api.checkPayment(buyer.token, paymentId)));
  for (const res of results) res.record.op = 'scannerCheckRaceProbe';
}
