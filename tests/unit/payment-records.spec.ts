// The system-of-record judgements (flow/payment-records.ts) on rows built by hand,
// and the pending intents dry flows leave on purpose (flow/payment.ts).
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { intentsLeftPending } from '../../flow/payment.ts';
import {
  PAYMENT_RECORD_SQL,
  judgeConfirmedRecord,
  judgePendingRecord,
  paymentRecordQuery,
  type PaymentRecord,
} from '../../flow/payment-records.ts';
import { DEST, ELSEWHERE, TOKEN, due, kinds } from './support/payment-evidence.ts';

test.describe('the system of record', () => {
  const record = (over: Partial<PaymentRecord> = {}): PaymentRecord => ({
    status: 'pending',
    amount: '10',
    destination: DEST,
    tokenAddress: TOKEN,
    chainId: 31337,
    requestStatus: 'payment',
    credits: 0,
    deposited: '5',
    ...over,
  });

  test('pending: a request past payment, or a credit, is an advance; a payment not pending accepted the underpayment', () => {
    expect(judgePendingRecord(due, record(), 'after 5 of 10')).toEqual({ advanced: [], accepted: [] });
    expect(judgePendingRecord(due, record({ requestStatus: 'paid' }), 'after 5 of 10').advanced).toEqual([
      `postgres: request ${due.requestId} is paid while payment ${due.paymentId} is pending after 5 of 10`,
    ]);
    expect(judgePendingRecord(due, record({ credits: 1 }), 'after 5 of 10').advanced).toHaveLength(1);
    expect(judgePendingRecord(due, record({ status: 'confirmed' }), 'after 5 of 10').accepted).toEqual([
      `postgres: payment ${due.paymentId} is confirmed after 5 of 10`,
    ]);
    expect(judgePendingRecord(due, null, 'x').accepted).toEqual([`postgres has no payment ${due.paymentId}`]);
  });

  test('confirmed: the row must agree with the API and the truth', () => {
    const ok = record({ status: 'confirmed', deposited: '10', credits: 1, requestStatus: 'paid' });
    expect(judgeConfirmedRecord(due, ok, 10n)).toEqual([]);
    expect(judgeConfirmedRecord(due, { ...ok, status: 'pending' }, 10n)).toEqual([
      { kind: 'claim', detail: 'the API says confirmed, postgres says pending' },
    ]);
    expect(kinds({ mismatches: judgeConfirmedRecord(due, { ...ok, deposited: '5' }, 10n) })).toEqual(['amount']);
    expect(judgeConfirmedRecord(due, { ...ok, deposited: '12' }, 10n)).toEqual([
      { kind: 'amount', detail: 'postgres records 12 deposited, the truth shows 10' },
    ]);
    expect(judgeConfirmedRecord(due, { ...ok, destination: ELSEWHERE }, 10n)[0]!.detail).toMatch(/^postgres: payment now says destination/);
    expect(judgeConfirmedRecord(due, null, 10n)).toEqual([{ kind: 'claim', detail: `postgres has no payment ${due.paymentId}` }]);
  });

  test('which query runs: the sandbox schema by default, a PG_PROBE_SQL section, or not run with the reason', () => {
    expect(paymentRecordQuery(undefined, undefined)).toEqual({ notRun: 'PG_URL is not set' });
    expect(paymentRecordQuery('postgres://x', undefined)).toEqual({ sql: PAYMENT_RECORD_SQL });
    const base = ['credits', 'unbalanced', 'foreignRecipients'].map((n) => `-- name: ${n}\nSELECT 1;\n`).join('');
    const without = test.info().outputPath('without.sql');
    const withIt = test.info().outputPath('with.sql');
    writeFileSync(without, base);
    writeFileSync(withIt, `${base}-- name: paymentRecord\nSELECT 2;\n`);
    expect(paymentRecordQuery('postgres://x', without)).toEqual({
      notRun: `PG_PROBE_SQL ${without} has no "-- name: paymentRecord" query`,
    });
    expect(paymentRecordQuery('postgres://x', withIt)).toEqual({ sql: 'SELECT 2;' });
    expect(paymentRecordQuery('postgres://x', '/nonexistent.sql')).toEqual({ notRun: 'PG_PROBE_SQL /nonexistent.sql does not exist' });
  });
});

test('dry flows leave their intents pending on purpose: the gate allows that many in the backlog', () => {
  expect(
    intentsLeftPending([
      { mode: 'dry', paymentId: 'a' },
      { mode: 'dry', paymentId: null },
      { mode: 'fixture', paymentId: 'b' },
      { mode: 'dry', paymentId: 'c' },
    ]),
  ).toBe(2);
});
