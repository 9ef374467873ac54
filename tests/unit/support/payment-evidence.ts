// A payment built by hand for the evidence judge (flow/evidence.ts) and the
// system-of-record judgements (flow/payment-records.ts): addresses, what is due,
// Transfer logs and receipts, the chain as the judge sees it, the backend's claim.
import type { Payment } from '../../../contract/http.ts';
import { judgeChainEvidence, type ChainView, type Confirmed, type Due } from '../../../flow/evidence.ts';
import { TRANSFER_TOPIC, type LogLike, type ReceiptLike } from '../../../flow/transfers.ts';

export const addr = (byte: string) => `0x${byte.repeat(20)}`;
export const TOKEN = addr('a1');
export const OTHER_TOKEN = addr('b2');
export const DEST = addr('d3');
export const ELSEWHERE = addr('e4');
export const BUYER = addr('c5');
export const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
export const HALF_TX = hash(1);
export const REST_TX = hash(2);

export const due: Due = {
  paymentId: '00000000-0000-4000-8000-0000000000a1',
  requestId: '00000000-0000-4000-8000-0000000000b1',
  chainId: 31337,
  tokenAddress: TOKEN,
  destination: DEST,
  amount: 10n,
  requiredConfirmations: 2,
};

export const topic = (a: string) => `0x${'0'.repeat(24)}${a.slice(2)}`;
export function transferLog(index: number, value: bigint, to = DEST, token = TOKEN, from = BUYER): LogLike {
  return { address: token, topics: [TRANSFER_TOPIC, topic(from), topic(to)], data: `0x${value.toString(16).padStart(64, '0')}`, index };
}
export const receipt = (h: string, blockNumber: number, logs: LogLike[], status = 1): ReceiptLike => ({
  hash: h,
  blockNumber,
  status,
  logs,
});

/** The clean payment: half in block 10, the rest in block 12, seen confirmed at block 13 (2 confirmations). */
export function chain(
  over: { half?: LogLike[]; rest?: LogLike[]; latestBlock?: number; chainId?: number; extra?: ReceiptLike[] } = {},
): ChainView {
  const receipts = new Map<string, ReceiptLike | null>([
    [HALF_TX, receipt(HALF_TX, 10, over.half ?? [transferLog(0, 5n)])],
    [REST_TX, receipt(REST_TX, 12, over.rest ?? [transferLog(3, 5n)])],
  ]);
  for (const r of over.extra ?? []) receipts.set(r.hash, r);
  return { chainId: over.chainId ?? 31337, latestBlock: over.latestBlock ?? 13, receipts };
}

export const evidence = (over: Partial<NonNullable<Payment['evidence']>> = {}): NonNullable<Payment['evidence']> => ({
  txHash: REST_TX,
  logIndex: 3,
  blockNumber: 12,
  confirmations: 2,
  amountReceived: '10',
  source: 'chain',
  ...over,
});
export const confirmed = (over: Partial<Confirmed> = {}): Confirmed => ({
  chainId: 31337,
  tokenAddress: TOKEN,
  destination: DEST,
  amount: '10',
  evidence: evidence(),
  ...over,
});

export const judge = (view: ChainView, payment = confirmed(), sent = [HALF_TX, REST_TX]) => judgeChainEvidence(due, view, sent, payment);
export const kinds = (v: { mismatches: { kind: string }[] }) => v.mismatches.map((m) => m.kind);
