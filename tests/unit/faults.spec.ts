// parseFaults: the SANDBOX_FAULTS syntax, its whitespace rules and every error message.
import { expect, test } from '@playwright/test';
import { FAULT_NAMES, FAULT_SWITCHES, NO_FAULTS, parseFaults, type Faults } from '../../sandbox/src/faults.ts';

const VALID_LIST = `valid switches: ${FAULT_NAMES.join(', ')}`;

/** A valid SANDBOX_FAULTS entry per switch, and the one field it must set. */
const ONE_EACH: Record<string, [entry: string, field: keyof Faults, value: Faults[keyof Faults]]> = {
  'duplicate-credit': ['duplicate-credit', 'duplicateCredit', true],
  'wrong-recipient': ['wrong-recipient', 'wrongRecipient', true],
  'missing-notification': ['missing-notification', 'missingNotification', true],
  'duplicate-notification': ['duplicate-notification', 'duplicateNotification', true],
  'list-leak': ['list-leak', 'listLeak', true],
  'non-buyer-confirm': ['non-buyer-confirm', 'nonBuyerConfirm', true],
  'double-accept': ['double-accept', 'doubleAccept', true],
  'underpaid-accepted': ['underpaid-accepted', 'underpaidAccepted', true],
  'slow-payment-intent': ['slow-payment-intent=1500', 'slowPaymentIntentMs', 1500],
  'error-rate': ['error-rate=0.25', 'errorRate', 0.25],
  'ledger-imbalance': ['ledger-imbalance', 'ledgerImbalance', true],
  'scanner-stall': ['scanner-stall', 'scannerStall', true],
  'backend-crash-after': ['backend-crash-after=7', 'backendCrashAfter', 7],
  'ui-drops-notification': ['ui-drops-notification', 'uiDropsNotification', true],
  'ui-wrong-user': ['ui-wrong-user', 'uiWrongUser', true],
};

test.describe('parseFaults', () => {
  test('no spec, an empty spec and a spec of only separators and blanks mean no faults', () => {
    for (const spec of [undefined, '', '   ', ',', ' , ,, ']) expect(parseFaults(spec), JSON.stringify(spec)).toEqual(NO_FAULTS);
  });

  test('NO_FAULTS has every fault off', () => {
    for (const [key, value] of Object.entries(NO_FAULTS)) expect(value, key).toBe(typeof value === 'boolean' ? false : 0);
  });

  test('every switch sets exactly its own field, and the switches cover every field of Faults', () => {
    expect(Object.keys(ONE_EACH).sort()).toEqual([...FAULT_NAMES].sort());
    for (const [name, [entry, field, value]] of Object.entries(ONE_EACH)) {
      const faults = parseFaults(entry);
      expect(faults[field], name).toBe(value);
      const changed = (Object.keys(NO_FAULTS) as (keyof Faults)[]).filter((k) => faults[k] !== NO_FAULTS[k]);
      expect(changed, name).toEqual([field]);
    }
    expect(new Set(Object.values(ONE_EACH).map(([, field]) => field))).toEqual(new Set(Object.keys(NO_FAULTS)));
  });

  test('all switches at once combine, in any order', () => {
    const entries = Object.values(ONE_EACH).map(([entry]) => entry);
    const expected = Object.fromEntries(Object.values(ONE_EACH).map(([, field, value]) => [field, value]));
    expect(parseFaults(entries.join(','))).toEqual(expected);
    expect(parseFaults([...entries].reverse().join(','))).toEqual(expected);
  });

  test('blanks around entries and empty entries are ignored', () => {
    expect(parseFaults('  list-leak ,, error-rate=0.5 ,\tslow-payment-intent=10 , ')).toEqual({
      ...NO_FAULTS,
      listLeak: true,
      errorRate: 0.5,
      slowPaymentIntentMs: 10,
    });
  });

  test('parsing returns a fresh object and never changes NO_FAULTS', () => {
    const before = { ...NO_FAULTS };
    const faults = parseFaults('list-leak');
    expect(faults).not.toBe(NO_FAULTS);
    expect(NO_FAULTS).toEqual(before);
    expect(parseFaults('')).not.toBe(NO_FAULTS);
  });

  test('numeric switches accept the bounds of their ranges', () => {
    expect(parseFaults('error-rate=1').errorRate).toBe(1);
    expect(parseFaults('error-rate=0.000001').errorRate).toBe(0.000001);
    expect(parseFaults('slow-payment-intent=1').slowPaymentIntentMs).toBe(1);
    expect(parseFaults('slow-payment-intent=600000').slowPaymentIntentMs).toBe(600_000);
    expect(parseFaults('backend-crash-after=1').backendCrashAfter).toBe(1);
    expect(parseFaults('backend-crash-after=1000000').backendCrashAfter).toBe(1_000_000);
  });

  test('an unknown switch is named and the valid switches are listed', () => {
    expect(() => parseFaults('no-such-fault')).toThrow(`SANDBOX_FAULTS: "no-such-fault" is not a fault switch; ${VALID_LIST}`);
    // The name is matched exactly: case, a typo, or a value do not make it valid.
    expect(() => parseFaults('List-Leak')).toThrow(`"List-Leak" is not a fault switch; ${VALID_LIST}`);
    expect(() => parseFaults('list-leak,eror-rate=0.5')).toThrow(`"eror-rate" is not a fault switch; ${VALID_LIST}`);
    expect(() => parseFaults('=0.5')).toThrow(`"" is not a fault switch; ${VALID_LIST}`);
  });

  test('a flag given a value is refused, naming the switch and the value', () => {
    for (const name of FAULT_NAMES.filter((n) => typeof ONE_EACH[n]![2] === 'boolean')) {
      expect(() => parseFaults(`${name}=1`), name).toThrow(`SANDBOX_FAULTS: "${name}" takes no value, got "=1"; ${VALID_LIST}`);
      expect(() => parseFaults(`${name}=`), name).toThrow(`SANDBOX_FAULTS: "${name}" takes no value, got "="; ${VALID_LIST}`);
    }
  });

  test('a numeric switch without a value is refused, naming the switch and what it needs', () => {
    expect(() => parseFaults('slow-payment-intent')).toThrow(
      `SANDBOX_FAULTS: "slow-payment-intent" needs a value: milliseconds, an integer 1..600000, got none; ${VALID_LIST}`,
    );
    expect(() => parseFaults('error-rate')).toThrow(
      `SANDBOX_FAULTS: "error-rate" needs a value: a fraction in (0, 1], got none; ${VALID_LIST}`,
    );
    expect(() => parseFaults('backend-crash-after')).toThrow(
      `SANDBOX_FAULTS: "backend-crash-after" needs a value: a request count, an integer >= 1, got none; ${VALID_LIST}`,
    );
    expect(() => parseFaults('error-rate=')).toThrow(`"error-rate" needs a value: a fraction in (0, 1], got ""; ${VALID_LIST}`);
    // The entry is trimmed before it is split at '=': a value of blanks is an empty value.
    expect(() => parseFaults('error-rate=  , list-leak')).toThrow(
      `"error-rate" needs a value: a fraction in (0, 1], got ""; ${VALID_LIST}`,
    );
  });

  test('a numeric switch with a value out of its range or not a number is refused, quoting the value', () => {
    const bad: [string, string][] = [
      ['error-rate=0', 'a fraction in (0, 1], got "0"'],
      ['error-rate=2', 'a fraction in (0, 1], got "2"'],
      ['error-rate=1.0001', 'a fraction in (0, 1], got "1.0001"'],
      ['error-rate=-0.5', 'a fraction in (0, 1], got "-0.5"'],
      ['error-rate=half', 'a fraction in (0, 1], got "half"'],
      ['error-rate=NaN', 'a fraction in (0, 1], got "NaN"'],
      ['slow-payment-intent=0', 'milliseconds, an integer 1..600000, got "0"'],
      ['slow-payment-intent=1.5', 'milliseconds, an integer 1..600000, got "1.5"'],
      ['slow-payment-intent=600001', 'milliseconds, an integer 1..600000, got "600001"'],
      ['slow-payment-intent=Infinity', 'milliseconds, an integer 1..600000, got "Infinity"'],
      ['slow-payment-intent=2s', 'milliseconds, an integer 1..600000, got "2s"'],
      ['backend-crash-after=0', 'a request count, an integer >= 1, got "0"'],
      ['backend-crash-after=2.5', 'a request count, an integer >= 1, got "2.5"'],
      ['backend-crash-after=-3', 'a request count, an integer >= 1, got "-3"'],
    ];
    for (const [entry, detail] of bad) {
      const name = entry.split('=')[0]!;
      expect(() => parseFaults(entry), entry).toThrow(`SANDBOX_FAULTS: "${name}" needs a value: ${detail}; ${VALID_LIST}`);
    }
  });

  test('one bad entry fails the whole spec even after valid ones', () => {
    expect(() => parseFaults('list-leak, double-accept, error-rate=2')).toThrow(/"error-rate" needs a value/);
    expect(() => parseFaults('list-leak, nope')).toThrow(/"nope" is not a fault switch/);
  });

  test('FAULT_NAMES lists exactly the keys of FAULT_SWITCHES', () => {
    expect(FAULT_NAMES).toEqual(Object.keys(FAULT_SWITCHES));
    expect(FAULT_NAMES.length).toBe(Object.keys(NO_FAULTS).length);
  });
});
