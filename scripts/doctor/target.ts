// What the doctor checks: the configuration as the suite parses it (a bad one is a usage error, exit 2), the
// adapter, and the target - BASE_URL, or the embedded sandbox it starts itself (its dialect's URL when
// SANDBOX_DIALECT is set) and stops at the end.
import type { PaymentMode } from '../../contract/worker-result.ts';
import { ConfigError, maskValue, parseEnv, type SuiteConfig } from '../../config/env.ts';
import { AdapterError, loadAdapter, type LoadedAdapter } from '../../driver/load-adapter.ts';
import { parseDialect, type Dialect } from '../../sandbox/src/dialect/dialects.ts';
import { StartupError } from '../../sandbox/src/launcher/startup-error.ts';

/** A configuration the doctor cannot run with: its one-line message, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** A multi-line message (parseEnv's, an AdapterError's) on one line. */
export function oneLine(message: string): string {
  const [first = '', ...rest] = message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (!rest.length) return first;
  return `${first}${first.endsWith(':') ? ' ' : ': '}${rest.join('; ')}`;
}

export interface DoctorConfig {
  cfg: SuiteConfig;
  /** PAYMENT_MODE; with the sandbox, fixture unless set. */
  mode: PaymentMode;
  adapter: LoadedAdapter;
  dialect?: Dialect;
}

/** parseEnv, the dialect and the adapter; each failure a UsageError with the variable named. */
export async function configure(env: NodeJS.ProcessEnv = process.env): Promise<DoctorConfig> {
  let cfg: SuiteConfig;
  try {
    cfg = parseEnv(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(oneLine(err.message));
    throw err;
  }
  let dialect: Dialect | undefined;
  if (cfg.sandbox) {
    try {
      dialect = parseDialect(env.SANDBOX_DIALECT?.trim() || undefined);
    } catch (err) {
      if (err instanceof StartupError) throw new UsageError(`invalid configuration: ${err.failure.what}`);
      throw err;
    }
  }
  let adapter: LoadedAdapter;
  try {
    adapter = await loadAdapter(cfg.TARGET_ADAPTER);
  } catch (err) {
    if (err instanceof AdapterError) throw new UsageError(oneLine(err.message));
    throw err;
  }
  return { cfg, mode: cfg.PAYMENT_MODE ?? (cfg.sandbox ? 'fixture' : cfg.mode), adapter, ...(dialect ? { dialect } : {}) };
}

export interface Target {
  url: string;
  /** How messages name it: `BASE_URL=...` or the sandbox's URL. */
  label: string;
  stop: () => Promise<void>;
}

/** A target that could not be started (the sandbox): its message, exit code 1. */
export class TargetStartError extends Error {
  override readonly name = 'TargetStartError';

  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** BASE_URL as it is, or a sandbox started here; the caller stops it at the end (Target.stop). */
export async function openTarget(config: DoctorConfig, log: (line: string) => void): Promise<Target> {
  const { cfg, dialect } = config;
  if (!cfg.sandbox) return { url: cfg.BASE_URL!, label: `BASE_URL=${maskValue('BASE_URL', cfg.BASE_URL!)}`, stop: async () => {} };
  log(`doctor: BASE_URL is unset: starting the embedded sandbox${dialect ? ` with its ${dialect} dialect` : ''}`);
  const started = Date.now();
  // Loaded only here: against BASE_URL the doctor does not pay for the launcher's imports.
  const { startSandbox } = await import('../../sandbox/src/launcher/sandbox.ts');
  const launcherLines: string[] = [];
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox({ ...(dialect ? { dialect } : {}), log: (line) => launcherLines.push(line) });
  } catch (err) {
    if (err instanceof StartupError) throw new TargetStartError(err.describe());
    throw err;
  }
  const url = dialect ? sandbox.dialectUrl : sandbox.url;
  if (!url) {
    await sandbox.stop();
    throw new TargetStartError(`sandbox: the ${dialect} dialect reported no URL`);
  }
  log(`doctor: sandbox ready at ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { url, label: `the embedded sandbox${dialect ? ` (${dialect} dialect)` : ''} at ${url}`, stop: () => sandbox.stop() };
}
