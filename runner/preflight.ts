// A run that cannot start says so in one message: which preflight check failed, the value it
// saw (secrets masked), the likely cause and what to do - never a stack trace or a code frame,
// which only tell the user where in this suite the check lives.
import { AdapterError } from '../driver/load-adapter.ts';
import { ContractViolationError, TargetTimeoutError, TargetUnreachableError } from '../driver/errors.ts';
import { ConfigError, maskValue, parseEnv, type SuiteConfig } from '../config/env.ts';
import { maskHexKey, redactText } from '../lib/redact.ts';

/** The preflight's checks, in the order the global setup runs them. */
export type PreflightCheck =
  'configuration' | 'target' | 'adapter' | 'safety' | 'funder' | 'target health' | 'chain' | 'capabilities' | 'browser' | 'coordinator';

export interface PreflightAdvice {
  /** Why this usually happens. */
  cause?: string;
  /** What the user can do about it. */
  action: string;
}

/** What a check's failure means when the error itself brings no advice. */
const DEFAULT_ADVICE: Record<PreflightCheck, PreflightAdvice> = {
  configuration: {
    cause: 'the environment (or .env) sets a value the suite does not accept',
    action: 'set each variable named above to an allowed value and run again',
  },
  target: {
    cause: 'the sandbox (Playwright webServer) exited or did not print its SANDBOX_URL line',
    action: 'run `npm run sandbox` alone to see why it does not start, or set BASE_URL and PAYMENT_MODE to test a deployed backend',
  },
  adapter: {
    cause: 'TARGET_ADAPTER names a module that does not load or does not export a target adapter',
    action: 'fix the module named above (see docs/retargeting.md), or unset TARGET_ADAPTER to use the sandbox adapter',
  },
  capabilities: {
    cause: 'this PAYMENT_MODE needs something the target (as its adapter describes it) does not offer',
    action: 'run a PAYMENT_MODE the target supports, or add the operation to the adapter (docs/retargeting.md)',
  },
  browser: {
    cause: 'BROWSER_TABS_PER_USER asks for browser tabs, which need a Chromium on this machine and a web front end of the target',
    action:
      'install a Chromium or name one (PLAYWRIGHT_CHROMIUM_EXECUTABLE), give the front end (FRONTEND_URL, an adapter with `frontend`), or set BROWSER_TABS_PER_USER=0',
  },
  safety: {
    cause: 'the suite refuses to run this configuration against what may be a production network or deployment',
    action: 'point the run at a test network or deployment; if it is one, do what the refusal above says',
  },
  funder: {
    cause: 'live mode pays each flow from the funder wallet, which is missing, on another chain or short of funds',
    action: 'check FUNDER_PRIVATE_KEY, RPC_URL, CHAIN_ID and TOKEN_ADDRESS, or run a PAYMENT_MODE that pays nothing (status, fixture, dry)',
  },
  'target health': {
    cause: 'the backend is down, or BASE_URL names another service',
    action: 'check that the backend is running and healthy, and check BASE_URL',
  },
  chain: {
    cause: "the backend's chain configuration does not fit this PAYMENT_MODE",
    action: 'check the backend against BASE_URL and PAYMENT_MODE',
  },
  coordinator: {
    cause: 'the runner could not listen on a loopback port for the stage barrier and the funder',
    action: 'check that this machine allows listening on 127.0.0.1, then run again',
  },
};

/**
 * An expected reason a run cannot start. Playwright prints a thrown error from its `stack`, with a
 * code frame at its first frame: this one's stack is its message alone, so that is all it prints.
 */
export class PreflightError extends Error {
  override readonly name = 'PreflightError';

  constructor(
    readonly check: PreflightCheck,
    /** What was seen, values included (already masked); may span lines. */
    readonly problem: string,
    readonly advice: PreflightAdvice = DEFAULT_ADVICE[check],
  ) {
    const lines = [
      `preflight check "${check}" failed, no flow ran`,
      ...problem.split('\n').map((line) => `  ${line}`),
      ...(advice.cause ? [`  likely cause: ${advice.cause}`] : []),
      `  what to do: ${advice.action}`,
    ];
    super(lines.join('\n'));
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** Where the preflight's requests go, as the messages name them. */
export interface PreflightContext {
  /** The target's base URL, and the variable it came from. */
  target?: { url: string; from: 'BASE_URL' | 'SANDBOX_URL' };
  /** The chain RPC the funder uses, and where it came from. */
  rpc?: { url: string; from: 'RPC_URL' | 'the sandbox' };
  /** Values that must never be printed (the funder key), beyond what redactText finds itself. */
  secrets?: readonly string[];
}

const CONNECTION_REFUSED = new Set(['ECONNREFUSED']);
const NAME_NOT_FOUND = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);
const TLS = /CERT|SELF_SIGNED|TLS|SSL/;

/** The first system error code (ECONNREFUSED ...) along an error's cause chain. */
function systemCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$|CERT|TLS|SSL/.test(code)) return code;
  }
  return undefined;
}

/** The target as messages show it (masked), as `VAR=value`, and where the user fixes it. */
export function describeTarget(ctx: PreflightContext): { target: string; named: string; checkUrl: string } {
  if (!ctx.target) return { target: 'the target', named: 'the target', checkUrl: 'BASE_URL' };
  const target = maskValue(ctx.target.from, ctx.target.url);
  return {
    target,
    named: `${ctx.target.from}=${target}`,
    checkUrl: ctx.target.from === 'SANDBOX_URL' ? 'the sandbox output above' : 'BASE_URL',
  };
}

/** ethers' own errors (a code and a short message), or a system error ethers passed on. */
function isRpcError(err: unknown): err is Error & { code: string; shortMessage?: string } {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { code?: unknown; shortMessage?: unknown; syscall?: unknown };
  return typeof e.code === 'string' && (typeof e.shortMessage === 'string' || typeof e.syscall === 'string');
}

/**
 * The user-facing form of a preflight failure. Expected failures - a ConfigError (the
 * configuration, a safety refusal, the funder's checks), the driver's TargetUnreachableError,
 * TargetTimeoutError and ContractViolationError, a chain RPC or socket error - become a
 * PreflightError for `check`. Anything else is a bug in the suite and is returned as it is, stack
 * included, because that stack is what fixing it needs.
 */
export function toPreflightError(check: PreflightCheck, err: unknown, ctx: PreflightContext = {}): unknown {
  if (err instanceof PreflightError) return err;
  const secrets = (ctx.secrets ?? []).filter((s): s is string => Boolean(s));
  const clean = (text: string) => maskHexKey(redactText(text, secrets));
  const { target, named, checkUrl } = describeTarget(ctx);
  const sandbox = ctx.target?.from === 'SANDBOX_URL';

  if (err instanceof ConfigError || err instanceof AdapterError) {
    const action = err instanceof ConfigError ? err.action : undefined;
    const problem = err.message.replace(/^invalid configuration:\n/, '').replace(/^ {2}/gm, '');
    const fallback = DEFAULT_ADVICE[check];
    return new PreflightError(check, clean(problem), {
      cause: action ? undefined : fallback.cause,
      action: clean(action ?? fallback.action),
    });
  }
  if (err instanceof TargetUnreachableError) {
    const code = systemCode(err);
    const detail = clean((err.cause as Error | undefined)?.message ?? err.message);
    const cause =
      code && CONNECTION_REFUSED.has(code)
        ? `nothing is listening at ${target}: the backend is not running, or ${checkUrl} names the wrong host or port`
        : code && NAME_NOT_FOUND.has(code)
          ? `the host name of ${target} does not resolve: a typo in ${checkUrl}, or no DNS/VPN from this machine`
          : code && TLS.test(code)
            ? `the TLS certificate of ${target} is not trusted by Node (self-signed or an internal CA; NODE_EXTRA_CA_CERTS adds one)`
            : `the connection to ${target} failed before an answer (network, proxy or firewall)`;
    return new PreflightError(check, `cannot reach ${named}: ${detail}`, {
      cause,
      action: sandbox
        ? 'the sandbox stopped after it reported its URL: see its output above, or run `npm run sandbox` alone'
        : `is the backend running at ${target}? start it, or check BASE_URL (unset BASE_URL to run against the sandbox)`,
    });
  }
  if (err instanceof TargetTimeoutError) {
    return new PreflightError(check, `${named}: ${clean(err.message)}`, {
      cause: `${target} accepted the connection but did not answer in time: the backend is overloaded or stuck, or a proxy holds the request`,
      action: `check the backend's health and logs at ${target}, then run again`,
    });
  }
  if (err instanceof ContractViolationError) {
    return new PreflightError(check, `${named}: ${clean(err.message)}`, {
      cause: `${target} is not this escrow backend, or runs a version whose API differs from contract/`,
      action: `check ${checkUrl}, and the backend's version against the contract`,
    });
  }
  if ((check === 'funder' || check === 'chain') && isRpcError(err)) {
    const rpc = ctx.rpc
      ? ctx.rpc.from === 'RPC_URL'
        ? `RPC_URL=${maskValue('RPC_URL', ctx.rpc.url)}`
        : `the sandbox chain RPC ${clean(ctx.rpc.url)}`
      : 'the chain RPC';
    const contract = err.code === 'CALL_EXCEPTION' || err.code === 'BAD_DATA';
    return new PreflightError(check, `${rpc} failed: ${clean(err.shortMessage ?? err.message)}`, {
      cause: contract
        ? 'TOKEN_ADDRESS is not an ERC-20 token contract on that chain'
        : 'the chain node is down or unreachable, or the RPC URL is wrong',
      action: contract
        ? 'check TOKEN_ADDRESS against CHAIN_ID'
        : `check ${ctx.rpc?.from === 'RPC_URL' ? 'RPC_URL and CHAIN_ID' : 'the sandbox output above'}`,
    });
  }
  if (err instanceof Error && systemCode(err) && typeof (err as { syscall?: unknown }).syscall === 'string') {
    return new PreflightError(check, clean(err.message));
  }
  return err;
}

/**
 * The target answered a preflight request with an HTTP error: the status says which cause is
 * likely (a 404 is another service, a 5xx an unhealthy backend). The body is cut to one short line.
 */
export function answeredWithError(
  check: PreflightCheck,
  ctx: PreflightContext,
  request: string,
  status: number,
  body: string | undefined,
): PreflightError {
  const { target, named, checkUrl } = describeTarget(ctx);
  const oneLine = (body ?? '').replace(/\s+/g, ' ').trim();
  const shown = oneLine ? `: ${maskHexKey(redactText(oneLine.length > 160 ? `${oneLine.slice(0, 160)}...` : oneLine))}` : '';
  const advice: PreflightAdvice =
    status === 404 || status === 405
      ? { cause: `${target} does not serve ${request}: it is another service, not this escrow backend`, action: `check ${checkUrl}` }
      : status === 401 || status === 403 || status === 407
        ? {
            cause: `${target} refuses ${request} without credentials (an auth proxy or gateway in front of it)`,
            action: `check ${checkUrl}`,
          }
        : status >= 500
          ? {
              cause: 'the backend runs but is unhealthy: one of its dependencies (database, chain, cache) is down, or it is still starting',
              action: `check the backend's logs and ${target}/health, then run again`,
            }
          : {
              cause: `${target} is not this escrow backend, or runs a version whose API differs from contract/`,
              action: `check ${checkUrl}`,
            };
  return new PreflightError(check, `${named} answered ${request} with HTTP ${status}${shown}`, advice);
}

/** Runs one preflight check; an expected failure leaves it as a PreflightError (see toPreflightError). */
export async function preflightCheck<T>(check: PreflightCheck, ctx: PreflightContext, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw toPreflightError(check, err, ctx);
  }
}

/**
 * parseEnv for playwright.config.ts: at config load nothing has started yet, so a bad
 * configuration prints its one message to stderr and exits 2 (a usage error) - Playwright would
 * print the config's stack trace instead.
 */
export function parseEnvOrExit(source: NodeJS.ProcessEnv = process.env): SuiteConfig {
  try {
    return parseEnv(source);
  } catch (err) {
    const failure = toPreflightError('configuration', err);
    // Not a ConfigError: a bug in parseEnv, which keeps its stack.
    if (!(failure instanceof PreflightError)) throw err;
    process.stderr.write(`${failure.name}: ${failure.message}\n`);
    process.exit(2);
  }
}
