// What the target offers, from the adapter's driver methods, its declarations and the target's chain facts; and
// what each payment mode needs. A missing capability is named the same way wherever the suite reports it.
import type { ChainInfo } from '../contract/http.ts';
import type { PaymentMode } from '../contract/worker-result.ts';
import type { EscrowDriver, TargetAdapter } from './types.ts';

export interface Capabilities {
  registration: boolean;
  health: boolean;
  version: boolean;
  chainInfo: boolean;
  fixtureDeposits: boolean;
  statusRoute: boolean;
  ledger: boolean;
  notificationList: boolean;
  paymentRead: boolean;
  systemOfRecord: boolean;
  localProcesses: boolean;
  metrics: Record<string, string>;
  backlogGauge: string | null;
}
export type Capability = Exclude<keyof Capabilities, 'metrics' | 'backlogGauge'>;

/** How a report names a capability the target lacks: "not measured (the target offers no <this>)". */
export const CAPABILITY_NAMES: Record<Capability, string> = {
  registration: 'self-registration of test users',
  health: 'health endpoint',
  version: 'version endpoint',
  chainInfo: 'chain facts (chain id, token, RPC)',
  fixtureDeposits: 'fixture deposits',
  statusRoute: 'status route',
  ledger: 'ledger read',
  notificationList: 'notification list',
  paymentRead: 'payment read',
  systemOfRecord: 'system-of-record access',
  localProcesses: 'local processes to sample',
};

export const notOffered = (capability: Capability): string => `the target offers no ${CAPABILITY_NAMES[capability]}`;

/** Every capability the target lacks, in the words reports use ("the target offers no ledger read"). */
export const notOfferedBy = (caps: Capabilities): string[] =>
  (Object.keys(CAPABILITY_NAMES) as Capability[]).filter((c) => !caps[c]).map(notOffered);

/** Chain facts, when the target offers them, decide the test routes; a target that does not say is taken at its methods. */
export function capabilitiesOf(adapter: Pick<TargetAdapter, 'capabilities'>, driver: EscrowDriver, chain: ChainInfo | null): Capabilities {
  const declared = adapter.capabilities ?? {};
  return {
    registration: typeof driver.register === 'function',
    health: typeof driver.health === 'function',
    version: typeof driver.version === 'function',
    chainInfo: chain !== null,
    fixtureDeposits: typeof driver.fixtureDeposit === 'function' && chain?.fixturesEnabled !== false,
    statusRoute: typeof driver.setStatus === 'function' && chain?.statusRouteEnabled !== false,
    ledger: typeof driver.paymentLedger === 'function',
    notificationList: typeof driver.listNotifications === 'function',
    paymentRead: typeof driver.getPayment === 'function',
    systemOfRecord: declared.systemOfRecord === 'postgres',
    localProcesses: declared.localProcesses === true,
    metrics: declared.metrics ?? {},
    backlogGauge: declared.backlogGauge ?? null,
  };
}

/** What each payment mode cannot run without. */
export const MODE_NEEDS: Record<PaymentMode, readonly Capability[]> = {
  live: ['chainInfo'],
  status: ['statusRoute'],
  fixture: ['fixtureDeposits'],
  dry: [],
};

/** The capabilities `mode` needs that the target lacks. */
export const missingFor = (mode: PaymentMode, caps: Capabilities): Capability[] => MODE_NEEDS[mode].filter((c) => !caps[c]);

type OptionalOp = { [K in keyof EscrowDriver]-?: undefined extends EscrowDriver[K] ? K : never }[keyof EscrowDriver];

/** The driver's optional operation, bound; throws naming the capability when the target does not offer it. */
export function offeredOp<K extends OptionalOp>(api: EscrowDriver, op: K, capability: Capability): NonNullable<EscrowDriver[K]> {
  const fn = api[op] as unknown;
  if (typeof fn !== 'function') throw new Error(`${op}: ${notOffered(capability)}`);
  return fn.bind(api) as NonNullable<EscrowDriver[K]>;
}
