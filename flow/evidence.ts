// Payment evidence judged against an independent truth. Pure: no chain, no
// database, no ethers (a worker outside live mode must not load it). The flow
// reads the chain (flow/payment.ts) and hands the receipts in; unit tests hand
// in receipts built by hand (tests/unit/evidence.spec.ts).
//
// Live mode: the truth is the chain. The token's ERC-20 Transfer logs in the
// receipts of the flow's own payment transactions are summed per destination;
// the payment's chain, token, destination, amount and confirmations must match,
// and the backend's own evidence (tx, log, block, amount received) is a second
// opinion that must agree with the chain. Fixture mode: the truth is what the
// flow itself deposited through the fixture endpoint.
import type { Payment } from '../contract/http.ts';
import { decodeTransfers, sumPerDestination, type ReceiptLike, type Transfer } from './transfers.ts';

const lower = (a: string) => a.toLowerCase();

/** What the payment intent said the flow owes: the terms every piece of evidence is held to. */
export interface Due {
  paymentId: string;
  requestId: string;
  chainId: number;
  tokenAddress: string;
  destination: string;
  amount: bigint;
  requiredConfirmations: number;
}

export type Claim = NonNullable<Payment['evidence']>;
/** The payment as the target answered once it was confirmed: its terms and its evidence. */
export type Confirmed = Pick<Payment, 'chainId' | 'tokenAddress' | 'destination' | 'amount' | 'evidence'>;

/** What the suite read from the chain itself, right after the payment was seen confirmed. */
export interface ChainView {
  /** eth_chainId of the RPC the flow paid through. */
  chainId: number;
  /** The latest block read right after the check that returned confirmed: confirmations can only be overstated, never understated. */
  latestBlock: number;
  /** Every receipt looked up, by tx hash (the flow's own transfers and the evidence's tx); null: the chain has no such transaction. */
  receipts: ReadonlyMap<string, ReceiptLike | null>;
}

export type MismatchKind = 'chain' | 'token' | 'destination' | 'amount' | 'confirmations' | 'claim';

export interface Mismatch {
  kind: MismatchKind;
  detail: string;
}

export interface EvidenceVerdict {
  mismatches: Mismatch[];
  /** Sum of the payment token's transfers per destination, over the flow's own transactions (live) or deposits (fixture). */
  perDestination: Map<string, bigint>;
  /** What reached the payment's destination in its token. */
  received: bigint;
  /** Confirmations of the transfer that completed the amount, when the amount was completed (live only). */
  confirmations: number | null;
}

/** "5 to 0xab…, 3 to 0xcd…" (at most three). */
const amounts = (entries: Iterable<[string, bigint]>, joiner: string) =>
  [...entries]
    .slice(0, 3)
    .map(([k, v]) => `${v} ${joiner} ${k}`)
    .join(', ');

/**
 * Where the money that should have reached the destination in the payment's token went instead: another token to
 * the destination, or the token to another address. Named only when the destination is short.
 */
function whereItWent(due: Due, transfers: readonly Transfer[], mismatches: Mismatch[]): void {
  const dest = lower(due.destination);
  const token = lower(due.tokenAddress);
  const otherTokens = new Map<string, bigint>();
  for (const t of transfers) if (t.to === dest && t.token !== token) otherTokens.set(t.token, (otherTokens.get(t.token) ?? 0n) + t.value);
  if (otherTokens.size)
    mismatches.push({
      kind: 'token',
      detail: `${due.destination} received ${amounts(otherTokens, 'of token')}, not the payment's token ${due.tokenAddress}`,
    });
  const elsewhere = [...sumPerDestination(transfers, token)].filter(([to]) => to !== dest);
  if (elsewhere.length)
    mismatches.push({ kind: 'destination', detail: `the payment's token went ${amounts(elsewhere, 'to')} instead of ${due.destination}` });
}

/** The block at which the running sum of `transfers` first reaches `amount` (ordered by block, then log), or null. */
function completingBlock(transfers: readonly Transfer[], amount: bigint): number | null {
  let sum = 0n;
  for (const t of [...transfers].sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex)) {
    sum += t.value;
    if (sum >= amount) return t.blockNumber;
  }
  return null;
}

/**
 * Live mode. `sent` are the hashes of the flow's own payment transactions (the half and the rest); `confirmed` is the
 * payment as the check that returned confirmed answered it, its evidence the backend's claim.
 */
export function judgeChainEvidence(due: Due, chain: ChainView, sent: readonly string[], confirmed: Confirmed): EvidenceVerdict {
  const mismatches = judgeTerms(due, confirmed);
  const claim = confirmed.evidence;
  const verdict = (perDestination = new Map<string, bigint>(), received = 0n, confirmations: number | null = null): EvidenceVerdict => ({
    mismatches,
    perDestination,
    received,
    confirmations,
  });
  if (chain.chainId !== due.chainId) {
    // Receipts from another chain prove nothing about this payment.
    mismatches.push({ kind: 'chain', detail: `the chain's RPC serves chain ${chain.chainId}, the payment is on chain ${due.chainId}` });
    return verdict();
  }
  const dest = lower(due.destination);
  const token = lower(due.tokenAddress);
  const lost = sent.filter((h) => !chain.receipts.get(h));
  const own = sent.flatMap((h) => {
    const r = chain.receipts.get(h);
    return r ? [r] : [];
  });
  const transfers = decodeTransfers(own);
  const perDestination = sumPerDestination(transfers, token);
  const received = perDestination.get(dest) ?? 0n;
  let confirmations: number | null = null;

  if (received < due.amount) {
    whereItWent(due, transfers, mismatches);
    mismatches.push({
      kind: 'amount',
      detail: `short: ${received} of ${due.amount} base units reached ${due.destination} on chain ${due.chainId}${
        lost.length ? ` (no receipt for ${lost.join(', ')})` : ''
      }`,
    });
  } else {
    const block = completingBlock(
      transfers.filter((t) => t.token === token && t.to === dest),
      due.amount,
    )!;
    confirmations = chain.latestBlock - block + 1;
    if (confirmations < due.requiredConfirmations)
      mismatches.push({
        kind: 'confirmations',
        detail: `the transfer completing the amount (block ${block}) had ${confirmations} of ${due.requiredConfirmations} confirmations when the payment was seen confirmed`,
      });
  }

  // The backend's own evidence: a second opinion that must agree with the chain.
  if (!claim) mismatches.push({ kind: 'claim', detail: 'confirmed without evidence' });
  else {
    const receipt = chain.receipts.get(claim.txHash);
    if (claim.source !== 'chain') mismatches.push({ kind: 'claim', detail: `evidence source is ${claim.source}, not chain` });
    if (!receipt) mismatches.push({ kind: 'claim', detail: `evidence tx ${claim.txHash} is not on chain ${due.chainId}` });
    else {
      if (!sent.includes(claim.txHash))
        mismatches.push({ kind: 'claim', detail: `evidence tx ${claim.txHash} is not one of the flow's payment transactions` });
      if (receipt.blockNumber !== claim.blockNumber)
        mismatches.push({
          kind: 'claim',
          detail: `evidence says block ${claim.blockNumber}, tx ${claim.txHash} is in block ${receipt.blockNumber}`,
        });
      const log = decodeTransfers([{ ...receipt, logs: receipt.logs.filter((l) => l.index === claim.logIndex) }])[0];
      if (!log) mismatches.push({ kind: 'claim', detail: `tx ${claim.txHash} has no ERC-20 Transfer log at index ${claim.logIndex}` });
      else if (log.token !== token)
        mismatches.push({ kind: 'token', detail: `evidence log transfers token ${log.token}, not ${due.tokenAddress}` });
      else if (log.to !== dest) mismatches.push({ kind: 'destination', detail: `evidence log pays ${log.to}, not ${due.destination}` });
      // What the chain shows at the destination up to the evidence's block: what the backend could have seen.
      const upTo = transfers.filter((t) => t.token === token && t.to === dest && t.blockNumber <= receipt.blockNumber);
      const seen = upTo.reduce((s, t) => s + t.value, 0n);
      const claimed = BigInt(claim.amountReceived);
      if (claimed > seen)
        mismatches.push({
          kind: 'amount',
          detail: `evidence claims ${claimed} received by block ${receipt.blockNumber}, the chain shows ${seen} by then`,
        });
    }
    if (BigInt(claim.amountReceived) < due.amount)
      mismatches.push({ kind: 'amount', detail: `evidence itself says ${claim.amountReceived} of ${due.amount} received` });
  }
  return verdict(perDestination, received, confirmations);
}

/** One fixture deposit the flow made: the endpoint has no receipt, so the flow's own call is the truth. */
export interface FixtureDeposit {
  amount: bigint;
}

/**
 * Fixture mode: the evidence must be a fixture deposit (an id), for what the flow deposited (amount), at the payment's
 * destination (the confirmed payment's own terms unchanged since the intent), with the confirmations the intent required.
 */
export function judgeFixtureEvidence(due: Due, deposits: readonly FixtureDeposit[], confirmed: Confirmed): EvidenceVerdict {
  const mismatches = judgeTerms(due, confirmed);
  const deposited = deposits.reduce((s, d) => s + d.amount, 0n);
  const claim = confirmed.evidence;
  if (!claim) mismatches.push({ kind: 'claim', detail: 'confirmed without evidence' });
  else {
    if (claim.source !== 'fixture') mismatches.push({ kind: 'claim', detail: `evidence source is ${claim.source}, not fixture` });
    if (!claim.txHash.trim()) mismatches.push({ kind: 'claim', detail: 'evidence has no deposit id' });
    const claimed = BigInt(claim.amountReceived);
    if (claimed > deposited)
      mismatches.push({ kind: 'amount', detail: `evidence claims ${claimed} received, the flow deposited ${deposited}` });
    if (claimed < due.amount) mismatches.push({ kind: 'amount', detail: `short: evidence says ${claimed} of ${due.amount} received` });
    if (claim.confirmations < due.requiredConfirmations)
      mismatches.push({
        kind: 'confirmations',
        detail: `evidence has ${claim.confirmations} of ${due.requiredConfirmations} confirmations`,
      });
  }
  return {
    mismatches,
    perDestination: new Map([[lower(confirmed.destination), deposited]]),
    received: deposited,
    confirmations: claim?.confirmations ?? null,
  };
}

/** The confirmed payment must still carry the intent's terms: chain, token, destination, amount. */
export function judgeTerms(due: Due, confirmed: Omit<Confirmed, 'evidence'>): Mismatch[] {
  const out: Mismatch[] = [];
  if (confirmed.chainId !== due.chainId)
    out.push({ kind: 'chain', detail: `payment now says chain ${confirmed.chainId}, the intent ${due.chainId}` });
  if (lower(confirmed.tokenAddress) !== lower(due.tokenAddress))
    out.push({ kind: 'token', detail: `payment now says token ${confirmed.tokenAddress}, the intent ${due.tokenAddress}` });
  if (lower(confirmed.destination) !== lower(due.destination))
    out.push({ kind: 'destination', detail: `payment now says destination ${confirmed.destination}, the intent ${due.destination}` });
  if (BigInt(confirmed.amount) !== due.amount)
    out.push({ kind: 'amount', detail: `payment now says amount ${confirmed.amount}, the intent ${due.amount}` });
  return out;
}

/** The P0's evidence line: "paid without correct evidence", the payment, its request, and every mismatch named. */
export function describeMismatches(due: Due, mismatches: readonly Mismatch[]): string {
  return `paid without correct evidence: payment ${due.paymentId} of request ${due.requestId}: ${mismatches
    .map((m) => `${m.kind}: ${m.detail}`)
    .join('; ')}`;
}

/**
 * When the target confirmed the payment, on the runner's clock: payment_confirmed's trigger. The target's own
 * time (the payment's confirmedAt, a request's updatedAt) is taken when it falls inside the window it must fall in —
 * after the last money was sent (or the call started), before the call that saw it confirmed completed; a target clock
 * outside that window (skew, or a confirmation before the money) falls back to that call's completion.
 */
export function confirmationMoment(target: string | null | undefined, notBefore: number, seenAt: number): number {
  const at = target ? Date.parse(target) : NaN;
  // Timestamps come in whole ms: allow the one ms a truncated target time can sit before a fractional runner time.
  return Number.isFinite(at) && at >= notBefore - 1 && at <= seenAt ? at : seenAt;
}
