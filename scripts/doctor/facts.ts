// The target's own facts (health, version, chain) when the adapter offers them, and from them what the target
// offers: the capability table, and the refusals of a mode or a doctor run that needs what the target lacks.
import type { ChainInfo } from '../../contract/http.ts';
import type { PaymentMode } from '../../contract/worker-result.ts';
import {
  CAPABILITY_NAMES,
  capabilitiesOf,
  missingFor,
  MODE_NEEDS,
  notOffered,
  type Capability,
  type Capabilities,
} from '../../driver/capabilities.ts';
import type { LoadedAdapter } from '../../driver/load-adapter.ts';
import type { EscrowDriver } from '../../driver/types.ts';
import type { CapabilityRow, Checkup } from './checkup.ts';
import { accepted } from './failure.ts';

/** Health, version and chain facts, each read once when the adapter offers it; the chain facts, or null. */
export async function readTargetFacts(api: EscrowDriver, checkup: Checkup): Promise<ChainInfo | null> {
  const { secrets } = checkup;
  if (api.health) {
    const health = api.health.bind(api);
    await checkup.step('health', async () => accepted(await health(), 'a 2xx health answer in the adapter shape', secrets), {
      describe: (h) => `${h.status}; ${h.components.map((c) => `${c.name} ${c.state}`).join(', ') || 'no components listed'}`,
    });
  } else checkup.skip('health', 'not offered', notOffered('health'));
  if (api.version) {
    const version = api.version.bind(api);
    await checkup.step('version', async () => accepted(await version(), 'a 2xx version answer in the adapter shape', secrets), {
      describe: (v) => `${v.service} ${v.gitSha.slice(0, 12)}`,
    });
  } else checkup.skip('version', 'not offered', notOffered('version'));
  if (!api.chain) {
    checkup.skip('chain', 'not offered', notOffered('chainInfo'));
    return null;
  }
  const chain = api.chain.bind(api);
  return checkup.step('chain', async () => accepted(await chain(), 'a 2xx answer with the chain facts in the adapter shape', secrets), {
    describe: (c) =>
      `chain ${c.chainId}, ${c.tokenSymbol} (${c.tokenDecimals} decimals), fixture deposits ${c.fixturesEnabled ? 'on' : 'off'}, ` +
      `status route ${c.statusRouteEnabled === undefined ? 'not advertised' : c.statusRouteEnabled ? 'on' : 'off'}`,
  });
}

/** One row per capability, with the suite's wording for one the target lacks, and what each is needed by. */
export function capabilityRows(adapter: LoadedAdapter, caps: Capabilities, mode: PaymentMode): CapabilityRow[] {
  const needs = new Set<Capability>(MODE_NEEDS[mode]);
  const rows: CapabilityRow[] = (Object.keys(CAPABILITY_NAMES) as Capability[]).map((c) => ({
    capability: CAPABILITY_NAMES[c],
    offered: caps[c] ? 'offered' : `not offered (${notOffered(c)})`,
    needed: needs.has(c) ? `by PAYMENT_MODE=${mode}` : c === 'registration' ? 'by the doctor' : '',
  }));
  const metrics = Object.entries(caps.metrics);
  const overridden = Object.keys(adapter.notificationMatrix ?? {});
  rows.push(
    {
      capability: 'metrics endpoints',
      offered: metrics.length ? `declared: ${metrics.map(([k, v]) => `${k}=${v}`).join(', ')} (not read by the doctor)` : 'not declared',
      needed: '',
    },
    { capability: 'backlog gauge', offered: caps.backlogGauge ? `declared: ${caps.backlogGauge}` : 'not declared', needed: '' },
    { capability: 'notification source', offered: 'offered (every adapter has one)', needed: 'by the doctor' },
    {
      capability: 'notification matrix',
      offered: overridden.length ? `the default, with the adapter's rows for ${overridden.join(', ')}` : 'the default',
      needed: '',
    },
  );
  return rows;
}

/** What the target offers; refuses (throws) a mode that needs a missing capability, and a target without registration or users. */
export function judgeCapabilities(
  adapter: LoadedAdapter,
  api: EscrowDriver,
  chain: ChainInfo | null,
  mode: PaymentMode,
  checkup: Checkup,
  usersFile?: string,
): Capabilities {
  const caps = capabilitiesOf(adapter, api, chain);
  checkup.capabilities = capabilityRows(adapter, caps, mode);
  const missing = missingFor(mode, caps);
  if (missing.length)
    throw checkup.refuse(`PAYMENT_MODE=${mode}`, {
      got: missing.map((c) => notOffered(c)).join('; '),
      expected: `PAYMENT_MODE=${mode} needs ${missing.map((c) => CAPABILITY_NAMES[c]).join(', ')}`,
      action: `run the doctor with a PAYMENT_MODE the target offers, or add the operation to the adapter (docs/retargeting.md)`,
    });
  if (!caps.registration && !usersFile)
    throw checkup.refuse(
      'register',
      {
        got: notOffered('registration'),
        expected: 'self-registration (register) of one buyer and 2 sellers, the users the doctor checks the flow with',
        action:
          'add register to the adapter when the target has a test registration, or set TARGET_USERS_FILE ' +
          '(the doctor then logs in as its first buyer and 2 sellers)',
      },
      { result: 'not offered' },
    );
  return caps;
}
