// The payment evidence judge (flow/evidence.ts) on receipts built by hand
// (support/payment-evidence.ts): every mismatch branch, and a clean payment that has none.
import { expect, test } from '@playwright/test';
import type { Payment } from '../../contract/http.ts';
import { confirmationMoment, describeMismatches, judgeFixtureEvidence, judgeTerms, type Confirmed } from '../../flow/evidence.ts';
import { TRANSFER_TOPIC, decodeTransfers, sumPerDestination, type ReceiptLike } from '../../flow/transfers.ts';
import {
  BUYER,
  DEST,
  ELSEWHERE,
  HALF_TX,
  OTHER_TOKEN,
  REST_TX,
  TOKEN,
  addr,
  chain,
  confirmed,
  due,
  evidence,
  hash,
  judge,
  kinds,
  receipt,
  topic,
  transferLog,
} from './support/payment-evidence.ts';

test.describe('decoding Transfer logs', () => {
  test('decodes token, from, to and value; skips reverted receipts, other events and ERC-721 transfers', () => {
    const nft = { ...transferLog(1, 7n), topics: [TRANSFER_TOPIC, topic(BUYER), topic(DEST), topic(addr('99'))] };
    const approval = {
      ...transferLog(2, 3n),
      topics: ['0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925', topic(BUYER), topic(DEST)],
    };
    const upper = {
      ...transferLog(4, 9n),
      address: TOKEN.toUpperCase().replace('0X', '0x'),
      topics: [TRANSFER_TOPIC.toUpperCase().replace('0X', '0x'), topic(BUYER), topic(DEST)],
    };
    const transfers = decodeTransfers([
      receipt(HALF_TX, 10, [transferLog(0, 5n), nft, approval, upper]),
      receipt(REST_TX, 11, [transferLog(0, 5n)], 0),
    ]);
    expect(transfers).toEqual([
      { txHash: HALF_TX, logIndex: 0, blockNumber: 10, token: TOKEN, from: BUYER, to: DEST, value: 5n },
      { txHash: HALF_TX, logIndex: 4, blockNumber: 10, token: TOKEN, from: BUYER, to: DEST, value: 9n },
    ]);
  });

  test('sums the token per destination, ignoring other tokens', () => {
    const transfers = decodeTransfers([
      receipt(HALF_TX, 10, [transferLog(0, 5n), transferLog(1, 2n, ELSEWHERE), transferLog(2, 100n, DEST, OTHER_TOKEN)]),
      receipt(REST_TX, 12, [transferLog(0, 4n)]),
    ]);
    expect(sumPerDestination(transfers, TOKEN)).toEqual(
      new Map([
        [DEST, 9n],
        [ELSEWHERE, 2n],
      ]),
    );
  });
});

test.describe('live evidence against the chain', () => {
  test('a payment whose chain evidence matches has no mismatch', () => {
    const v = judge(chain());
    expect(v.mismatches).toEqual([]);
    expect(v.received).toBe(10n);
    expect(v.confirmations).toBe(2);
  });

  test('wrong chain: the RPC serves another chain, nothing else is judged', () => {
    const v = judge(chain({ chainId: 1 }));
    expect(v.mismatches).toEqual([{ kind: 'chain', detail: "the chain's RPC serves chain 1, the payment is on chain 31337" }]);
  });

  test('wrong token: the destination got another token, and the payment is short of its own', () => {
    const v = judge(chain({ rest: [transferLog(3, 5n, DEST, OTHER_TOKEN)] }));
    // The chain's view (token, short), then the evidence's log (another token) and its claim (10 where 5 arrived).
    expect(kinds(v)).toEqual(['token', 'amount', 'token', 'amount']);
    expect(v.mismatches[0]!.detail).toContain(`received 5 of token ${OTHER_TOKEN}`);
    expect(v.mismatches[1]!.detail).toBe(`short: 5 of 10 base units reached ${DEST} on chain 31337`);
  });

  test('wrong destination: the token went elsewhere', () => {
    const v = judge(chain({ rest: [transferLog(3, 5n, ELSEWHERE)] }));
    expect(kinds(v)).toEqual(['destination', 'amount', 'destination', 'amount']);
    expect(v.mismatches[0]!.detail).toBe(`the payment's token went 5 to ${ELSEWHERE} instead of ${DEST}`);
    expect(v.perDestination.get(ELSEWHERE)).toBe(5n);
  });

  test('amount short: less than the amount reached the destination', () => {
    const v = judge(chain({ rest: [transferLog(3, 4n)] }));
    expect(v.mismatches).toEqual([
      { kind: 'amount', detail: `short: 9 of 10 base units reached ${DEST} on chain 31337` },
      { kind: 'amount', detail: 'evidence claims 10 received by block 12, the chain shows 9 by then' },
    ]);
    expect(v.received).toBe(9n);
  });

  test('amount short because a transaction is not on chain: named', () => {
    const view = chain();
    (view.receipts as Map<string, ReceiptLike | null>).set(REST_TX, null);
    const v = judge(view);
    expect(v.mismatches.find((m) => m.detail.startsWith('short'))!.detail).toContain(`no receipt for ${REST_TX}`);
  });

  test('too few confirmations: the completing transfer had fewer than required when seen confirmed', () => {
    const v = judge(chain({ latestBlock: 12 }));
    expect(v.mismatches).toEqual([
      {
        kind: 'confirmations',
        detail: 'the transfer completing the amount (block 12) had 1 of 2 confirmations when the payment was seen confirmed',
      },
    ]);
  });

  test("the confirmed payment's own terms changed since the intent", () => {
    const v = judge(chain(), confirmed({ destination: ELSEWHERE, amount: '9', chainId: 5, tokenAddress: OTHER_TOKEN }));
    expect(kinds(v)).toEqual(['chain', 'token', 'destination', 'amount']);
  });
});

test.describe("the backend's evidence as a second opinion", () => {
  test('confirmed without evidence', () => {
    expect(judge(chain(), confirmed({ evidence: null })).mismatches).toEqual([{ kind: 'claim', detail: 'confirmed without evidence' }]);
  });

  test('evidence claims more than the chain shows by its block (a payment marked paid with a wrong amount)', () => {
    const v = judge(chain(), confirmed({ evidence: evidence({ txHash: HALF_TX, logIndex: 0, blockNumber: 10, amountReceived: '10' }) }));
    expect(v.mismatches).toEqual([{ kind: 'amount', detail: 'evidence claims 10 received by block 10, the chain shows 5 by then' }]);
  });

  test('evidence itself says less than the amount', () => {
    const v = judge(chain(), confirmed({ evidence: evidence({ txHash: HALF_TX, logIndex: 0, blockNumber: 10, amountReceived: '5' }) }));
    expect(v.mismatches).toEqual([{ kind: 'amount', detail: 'evidence itself says 5 of 10 received' }]);
  });

  test("evidence tx not on chain, from a fixture, or not one of the flow's transactions", () => {
    expect(kinds(judge(chain(), confirmed({ evidence: evidence({ txHash: hash(9) }) })))).toEqual(['claim']);
    expect(kinds(judge(chain(), confirmed({ evidence: evidence({ source: 'fixture' }) })))).toEqual(['claim']);
    const stranger = receipt(hash(7), 12, [transferLog(0, 10n)]);
    const v = judge(chain({ extra: [stranger] }), confirmed({ evidence: evidence({ txHash: hash(7), logIndex: 0 }) }));
    expect(v.mismatches).toEqual([{ kind: 'claim', detail: `evidence tx ${hash(7)} is not one of the flow's payment transactions` }]);
  });

  test('evidence log: wrong index, another token, another destination, another block', () => {
    expect(judge(chain(), confirmed({ evidence: evidence({ logIndex: 8 }) })).mismatches).toEqual([
      { kind: 'claim', detail: `tx ${REST_TX} has no ERC-20 Transfer log at index 8` },
    ]);
    const mixed = chain({ rest: [transferLog(3, 5n), transferLog(4, 1n, DEST, OTHER_TOKEN), transferLog(5, 1n, ELSEWHERE)] });
    expect(kinds(judge(mixed, confirmed({ evidence: evidence({ logIndex: 4 }) })))).toEqual(['token']);
    expect(kinds(judge(mixed, confirmed({ evidence: evidence({ logIndex: 5 }) })))).toEqual(['destination']);
    expect(judge(chain(), confirmed({ evidence: evidence({ blockNumber: 11 }) })).mismatches).toEqual([
      { kind: 'claim', detail: `evidence says block 11, tx ${REST_TX} is in block 12` },
    ]);
  });

  test('the P0 line names the payment, its request and every mismatch', () => {
    const v = judge(chain({ latestBlock: 12, rest: [transferLog(3, 4n)] }));
    expect(describeMismatches(due, v.mismatches)).toBe(
      `paid without correct evidence: payment ${due.paymentId} of request ${due.requestId}: amount: short: 9 of 10 base units reached ${DEST} on chain 31337; amount: evidence claims 10 received by block 12, the chain shows 9 by then`,
    );
  });
});

test.describe('fixture evidence against what the flow deposited', () => {
  const fixture = (over: Partial<NonNullable<Payment['evidence']>> = {}, payment: Partial<Confirmed> = {}) =>
    confirmed({ evidence: evidence({ txHash: 'fixture:1', logIndex: 0, blockNumber: 0, source: 'fixture', ...over }), ...payment });
  const deposits = [{ amount: 5n }, { amount: 5n }];

  test('matching deposit evidence has no mismatch', () => {
    const v = judgeFixtureEvidence(due, deposits, fixture());
    expect(v.mismatches).toEqual([]);
    expect(v.perDestination).toEqual(new Map([[DEST, 10n]]));
  });

  test('each mismatch: short, overstated, wrong source, no id, too few confirmations, destination changed, no evidence', () => {
    expect(judgeFixtureEvidence(due, deposits, fixture({ amountReceived: '5' })).mismatches).toEqual([
      { kind: 'amount', detail: 'short: evidence says 5 of 10 received' },
    ]);
    expect(judgeFixtureEvidence(due, deposits, fixture({ amountReceived: '11' })).mismatches).toEqual([
      { kind: 'amount', detail: 'evidence claims 11 received, the flow deposited 10' },
    ]);
    expect(kinds(judgeFixtureEvidence(due, deposits, fixture({ source: 'chain' })))).toEqual(['claim']);
    expect(kinds(judgeFixtureEvidence(due, deposits, fixture({ txHash: ' ' })))).toEqual(['claim']);
    expect(kinds(judgeFixtureEvidence(due, deposits, fixture({ confirmations: 1 })))).toEqual(['confirmations']);
    expect(kinds(judgeFixtureEvidence(due, deposits, fixture({}, { destination: ELSEWHERE })))).toEqual(['destination']);
    expect(kinds(judgeFixtureEvidence(due, deposits, confirmed({ evidence: null })))).toEqual(['claim']);
  });
});

test('judgeTerms: addresses compare case-insensitively', () => {
  expect(
    judgeTerms(due, { chainId: 31337, tokenAddress: TOKEN.toUpperCase().replace('0X', '0x'), destination: DEST, amount: '10' }),
  ).toEqual([]);
});

test.describe('the moment the target confirmed (payment_confirmed trigger)', () => {
  const sent = 1_000_000;
  const seen = 1_002_000;
  test("the target's time inside [money sent, answer seen] is taken", () => {
    expect(confirmationMoment(new Date(1_001_500).toISOString(), sent, seen)).toBe(1_001_500);
    // A whole-ms target time one ms before a fractional runner time is still inside.
    expect(confirmationMoment(new Date(sent).toISOString(), sent + 0.4, seen)).toBe(sent);
  });
  test('outside it (before the money, after the answer: skew), or absent, the answer is the moment', () => {
    expect(confirmationMoment(new Date(sent - 5_000).toISOString(), sent, seen)).toBe(seen);
    expect(confirmationMoment(new Date(seen + 1).toISOString(), sent, seen)).toBe(seen);
    expect(confirmationMoment(null, sent, seen)).toBe(seen);
    expect(confirmationMoment('not a date', sent, seen)).toBe(seen);
  });
});
