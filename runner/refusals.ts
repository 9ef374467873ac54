// The preflight's refusals of a run the target cannot serve: a PAYMENT_MODE whose route its chain facts say is off,
// or a capability the mode (or self-registration) needs that its adapter does not offer. Both before any flow.
import type { ChainInfo } from '../contract/http.ts';
import type { PaymentMode } from '../contract/worker-result.ts';
import { missingFor, notOffered, type Capabilities } from '../driver/capabilities.ts';
import { describeTarget, PreflightError, type PreflightContext } from './preflight.ts';

/**
 * Refuses a PAYMENT_MODE whose route the target does not offer, as its `GET /chain` says: fixture mode
 * without fixture deposits, status mode without the status route. Both before any flow runs.
 */
export function refuseModeWithoutRoute(
  mode: PaymentMode,
  chain: Pick<ChainInfo, 'fixturesEnabled' | 'statusRouteEnabled'>,
  ctx: PreflightContext,
): void {
  const { named } = describeTarget(ctx);
  if (mode === 'fixture' && !chain.fixturesEnabled) {
    throw new PreflightError('chain', `PAYMENT_MODE=fixture but ${named} has no fixture deposits (GET /chain fixturesEnabled=false)`, {
      cause: 'the backend was started without fixture deposits',
      action: 'enable fixture deposits on that test deployment, or run another PAYMENT_MODE (status, dry, live)',
    });
  }
  // Only an explicit false refuses. `statusRouteEnabled` is optional in the contract: a backend that predates it, or
  // another implementation of the contract, does not advertise it and may well offer the route, so its silence is
  // not a refusal; if the route is missing there, the flows' setStatus calls fail and say so.
  if (mode === 'status' && chain.statusRouteEnabled === false) {
    throw new PreflightError(
      'chain',
      `PAYMENT_MODE=status but ${named} does not offer the status route POST /requests/:id/status (GET /chain statusRouteEnabled=false)`,
      {
        cause: 'the backend was started without the status route (the sandbox: SANDBOX_STATUS_ROUTE=0)',
        action:
          'enable the status route on that test deployment (for the sandbox, unset SANDBOX_STATUS_ROUTE), or run another PAYMENT_MODE (fixture, dry, live)',
      },
    );
  }
}

/** Refuses, before any flow, a run whose mode or setup needs a capability the target lacks; names each one. */
export function refuseMissingCapabilities(
  mode: PaymentMode,
  caps: Capabilities,
  adapter: string,
  ctx: PreflightContext,
  usersFile?: string,
): void {
  const missing = [...missingFor(mode, caps), ...(caps.registration || usersFile ? [] : (['registration'] as const))];
  if (!missing.length) return;
  const { named } = describeTarget(ctx);
  const needs = missing.map((c) => `${notOffered(c)} (${c}${c === 'registration' ? ': set TARGET_USERS_FILE' : ''})`).join('; ');
  throw new PreflightError('capabilities', `PAYMENT_MODE=${mode} against ${named} through adapter ${adapter}: ${needs}`);
}
