// Fault switches: deliberate, realistic bugs the suite must catch.
// SANDBOX_FAULTS=a,b=value,...  Each switch is documented in sandbox/README.md
// and exercised by sandbox/tests/faults-*.spec.ts.

import type { NotificationType } from '../../contract/events.ts';

/** The one type the front end does not render under ui-drops-notification. */
export const UI_DROPPED_TYPE: NotificationType = 'payment_confirmed';

export interface Faults {
  /** A retry after a lost acknowledgement writes a second escrow credit: its idempotency key carries the attempt number. */
  duplicateCredit: boolean;
  /** `seller_offer_created` is addressed to the offer's seller instead of the request's buyer. */
  wrongRecipient: boolean;
  /** `delivery_submitted` is never inserted. */
  missingNotification: boolean;
  /** `offer_accepted` is inserted (and emitted) twice. */
  duplicateNotification: boolean;
  /** A buyer's `GET /requests` lists every buyer's requests. */
  listLeak: boolean;
  /** Delivery confirmation checks "participant of the request" instead of "buyer of the request". */
  nonBuyerConfirm: boolean;
  /** The one-accepted-offer unique index is missing and accept is check-then-act. */
  doubleAccept: boolean;
  /** The scanner accepts any Transfer to the destination: wrong token or short amount count as paid. */
  underpaidAccepted: boolean;
  /** Payment intent creation sleeps this many ms. */
  slowPaymentIntentMs: number;
  /** Fraction of API requests answered with HTTP 500. */
  errorRate: number;
  /** Escrow release books one base unit less to the seller than it takes from escrow. */
  ledgerImbalance: boolean;
  /** The scanner stops processing: its loop and on-demand checks hang. */
  scannerStall: boolean;
  /** The backend exits after serving this many requests (the launcher restarts it). 0 = never. */
  backendCrashAfter: number;
  /** The web front end renders every notification type but `payment_confirmed` (UI_DROPPED_TYPE): a missing case in its renderer. */
  uiDropsNotification: boolean;
  /** The web front end's relay replays, after a reconnect, the last notification it relayed to anyone instead of the user's own. */
  uiWrongUser: boolean;
}

export const NO_FAULTS: Faults = {
  duplicateCredit: false,
  wrongRecipient: false,
  missingNotification: false,
  duplicateNotification: false,
  listLeak: false,
  nonBuyerConfirm: false,
  doubleAccept: false,
  underpaidAccepted: false,
  slowPaymentIntentMs: 0,
  errorRate: 0,
  ledgerImbalance: false,
  scannerStall: false,
  backendCrashAfter: 0,
  uiDropsNotification: false,
  uiWrongUser: false,
};

type Parser = (value: string | undefined, faults: Faults) => void;

const flag =
  (key: keyof Faults): Parser =>
  (value, faults) => {
    if (value !== undefined) throw new Error(`takes no value, got "=${value}"`);
    (faults[key] as boolean) = true;
  };

const number =
  (key: keyof Faults, allowed: string, valid: (n: number) => boolean): Parser =>
  (value, faults) => {
    const n = Number(value);
    if (value === undefined || value.trim() === '' || !Number.isFinite(n) || !valid(n)) {
      throw new Error(`needs a value: ${allowed}, got ${value === undefined ? 'none' : `"${value}"`}`);
    }
    (faults[key] as number) = n;
  };

export const FAULT_SWITCHES: Record<string, Parser> = {
  'duplicate-credit': flag('duplicateCredit'),
  'wrong-recipient': flag('wrongRecipient'),
  'missing-notification': flag('missingNotification'),
  'duplicate-notification': flag('duplicateNotification'),
  'list-leak': flag('listLeak'),
  'non-buyer-confirm': flag('nonBuyerConfirm'),
  'double-accept': flag('doubleAccept'),
  'underpaid-accepted': flag('underpaidAccepted'),
  'slow-payment-intent': number(
    'slowPaymentIntentMs',
    'milliseconds, an integer 1..600000',
    (n) => Number.isInteger(n) && n > 0 && n <= 600_000,
  ),
  'error-rate': number('errorRate', 'a fraction in (0, 1]', (n) => n > 0 && n <= 1),
  'ledger-imbalance': flag('ledgerImbalance'),
  'scanner-stall': flag('scannerStall'),
  'backend-crash-after': number('backendCrashAfter', 'a request count, an integer >= 1', (n) => Number.isInteger(n) && n >= 1),
  // The web front end's own faults: caught only by a browser (issue 16), never by a check of the backend's sockets.
  'ui-drops-notification': flag('uiDropsNotification'),
  'ui-wrong-user': flag('uiWrongUser'),
};

export const FAULT_NAMES = Object.keys(FAULT_SWITCHES);

/** Parses SANDBOX_FAULTS; throws an Error naming the bad entry and listing the valid switches. */
export function parseFaults(spec: string | undefined): Faults {
  const faults: Faults = { ...NO_FAULTS };
  for (const entry of (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = entry.indexOf('=');
    const name = eq === -1 ? entry : entry.slice(0, eq);
    const value = eq === -1 ? undefined : entry.slice(eq + 1);
    const parse = FAULT_SWITCHES[name];
    if (!parse) {
      throw new Error(`SANDBOX_FAULTS: "${name}" is not a fault switch; valid switches: ${FAULT_NAMES.join(', ')}`);
    }
    try {
      parse(value, faults);
    } catch (err) {
      throw new Error(`SANDBOX_FAULTS: "${name}" ${(err as Error).message}; valid switches: ${FAULT_NAMES.join(', ')}`);
    }
  }
  return faults;
}
