// The targets the fault matrix runs against (npm run test:faults -- --target=<name>, scripts/fault-matrix.ts):
// the sandbox through its own adapter (the default: every fault switch), and the sandbox's second API dialect,
// bazaar, through examples/adapters/bazaar.ts (issue 14: the subset that applies through the dialect). Each
// target names the environment every one of its runs gets, its fault cases and clean controls, where its matrix
// is written, and - for a subset - why each fault switch left out is not run there.
import { CASES, CONTROLS, type Control, type FaultCase } from './fault-cases.ts';

export interface FaultTarget {
  name: string;
  /** Added to every run's environment, after the caller's. */
  env: Record<string, string>;
  cases: FaultCase[];
  controls: Control[];
  /** The generated file (a default run, with no fault named on the command line, writes it). */
  doc: string;
  title: string;
  /** The command that regenerates the doc. */
  command: string;
  intro: string;
  controlsIntro: string;
  /** Fault switches (FAULT_NAMES) not run against this target, each with why; every other one must have a case. */
  notRun: Record<string, string>;
}

/** Faults whose case (metric, gate reason, failure classes) is the sandbox matrix's own, verbatim. */
const casesOf = (...faults: string[]): FaultCase[] =>
  faults.map((fault) => {
    const c = CASES.find((k) => k.fault === fault);
    if (!c) throw new Error(`no fault case ${fault} in scripts/fault-cases.ts`);
    return c;
  });

const NOT_IN_SUBSET = "not in issue 14's subset for the dialect";

/** Cases marked browserOnly, each with why it is not run through an adapter without a web front end. */
const BROWSER_ONLY: Record<string, string> = Object.fromEntries(
  CASES.filter((c) => c.browserOnly).map((c) => [
    c.fault,
    "caught only in browser mode, issue 16: a fault of the sandbox's web front end, and this target's adapter offers no front end",
  ]),
);

/** Cases the sandbox matrix does not run, with why. */
const NOT_RUN: Record<string, string> = Object.fromEntries(CASES.flatMap((c) => (c.notRunBecause ? [[c.fault, c.notRunBecause]] : [])));

const sandbox: FaultTarget = {
  name: 'sandbox',
  // A developer shell's dialect or adapter must not change what the default matrix measures.
  env: { SANDBOX_DIALECT: '', TARGET_ADAPTER: '' },
  cases: CASES.filter((c) => !c.notRunBecause),
  controls: CONTROLS,
  doc: 'docs/fault-matrix.md',
  title: 'Fault-detection matrix',
  command: 'npm run test:faults',
  intro: 'Every sandbox fault switch, a short stage against a sandbox with the fault on, and what the suite reported.',
  controlsIntro: 'Clean stages against a sandbox with no fault switch: each must pass its gate with every flow passing and no P0 finding.',
  notRun: NOT_RUN,
};

const bazaar: FaultTarget = {
  name: 'bazaar',
  env: { SANDBOX_DIALECT: 'bazaar', TARGET_ADAPTER: 'examples/adapters/bazaar.ts' },
  cases: casesOf('wrong-recipient', 'list-leak', 'duplicate-credit'),
  controls: [
    { name: 'clean C2, fixture mode', mode: 'fixture', level: 2 },
    { name: 'clean C2, status mode', mode: 'status', level: 2 },
  ],
  doc: 'docs/fault-matrix-bazaar.md',
  title: 'Fault-detection matrix through the bazaar dialect',
  command: 'npm run test:faults:bazaar',
  intro: [
    "The fault switches that apply through the sandbox's second API dialect, bazaar (issue 14). Every run has",
    '`SANDBOX_DIALECT=bazaar` and `TARGET_ADAPTER=examples/adapters/bazaar.ts`: the suite reaches the backend only',
    "through the dialect's routes, integer ids, decimal money, session header and per-topic socket events, and through",
    'the example adapter, with no change to its own code. The dialect holds no business logic and passes the',
    "backend's faults through unchanged (sandbox/README.md), so each fault must be caught exactly as in",
    '[the sandbox matrix](fault-matrix.md): the same metric non-zero, the same gate reason, the same failure class.',
    'The three cover the three ways a fault reaches the suite through an adapter: its notification source',
    '(wrong-recipient: the recipient read from the mapped alert), a list read (list-leak) and the ledger read',
    '(duplicate-credit).',
  ].join('\n'),
  controlsIntro: [
    'Clean C2 stages with their gate through the dialect and the adapter, no fault switch: each must pass its gate',
    'with every flow passing and no P0 finding. What the adapter does not offer is no alarm: the report shows its',
    'infrastructure as not measured, with the reason, and the gate names the stop conditions it could not evaluate (component',
    'restarts, backlog drained, host CPU and memory after cooldown; in status mode the payment counters) as not measured.',
  ].join('\n'),
  notRun: {
    'missing-notification': `${NOT_IN_SUBSET}; it reaches the suite by the notification source wrong-recipient already runs through`,
    'duplicate-notification': `${NOT_IN_SUBSET}; the notification source again (sandbox/tests/dialect-faults.spec.ts shows the dialect passing the duplicate through)`,
    'non-buyer-confirm': `${NOT_IN_SUBSET}; the probe reads only whether a merchant's receive call succeeds, a status the dialect forwards unchanged`,
    'double-accept': `${NOT_IN_SUBSET}; the probe reads the racing awards' statuses and the order's bids, as every clean flow does`,
    'underpaid-accepted': `${NOT_IN_SUBSET}; the probe reads the invoice's state after half the amount, as every clean fixture flow does`,
    'ledger-imbalance': `${NOT_IN_SUBSET}; the ledger read duplicate-credit already runs through`,
    'error-rate': `${NOT_IN_SUBSET}; a C4 figure (5xx rate) of the backend's answers, which the dialect forwards with their status`,
    'slow-payment-intent': `${NOT_IN_SUBSET}; a latency over two stages (C1, C2): the backend's sleep, timed through one more hop`,
    'scanner-stall': "live mode (on-chain payment, scanner confirmation); the dialect's runs are fixture and status mode, as issue 14 asks",
    'backend-crash-after':
      "the bazaar adapter offers no health, restart counters or local processes, so the gate's `component restarts` is not measured through it; only failed flows would show the crash",
    ...BROWSER_ONLY,
  },
};

export const TARGETS: Record<string, FaultTarget> = { sandbox, bazaar };
