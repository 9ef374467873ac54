// Before any flow: resolve the target, check its health and mode
// prerequisites, refuse unsafe runs, and start the coordinator (barrier,
// live-mode funder). Everything here runs in the runner process.
import type { FullConfig } from '@playwright/test';
import { capabilitiesOf, notOffered, type Capabilities } from '../driver/capabilities.ts';
import type { TargetSampling } from '../sampler/run.ts';
import { loadAdapter } from '../driver/load-adapter.ts';
import type { ChainInfo } from '../contract/http.ts';
import { startSampler, type RunningSampler } from '../sampler/main.ts';
import { ConfigError, parseEnv, type SuiteConfig } from '../config/env.ts';
import { PreflightError, answeredWithError, preflightCheck, type PreflightContext } from './preflight.ts';
import { refuseMissingCapabilities, refuseModeWithoutRoute } from './refusals.ts';
import { infraTimeline } from '../config/paths.ts';
import { redactText } from '../lib/redact.ts';
import { readSandboxState } from '../config/sandbox-state.ts';
import { refuseBrowserModeWithout } from './browser-preflight.ts';
import { startCoordinator } from './coordinator.ts';
import { checkShardBarrier, MAX_CLOCK_OFFSET_MS } from './shard-barrier.ts';
import { funderKey } from '../config/funder-key.ts';
import { targetMetrics } from './target-metrics.ts';
import { createFunder, type Funder } from './funder.ts';
import { refuseFixtureHost, refuseMainnet } from './safety.ts';
import { selectedLevels } from '../config/selection.ts';
import { checkEnoughUsers, loadProvisionedUsers } from '../config/provisioned-users.ts';
import { RUN_ENV } from '../config/run-env.ts';

export { RUN_ENV };

type Stop = () => unknown;

/**
 * Every failure the preflight expects (see toPreflightError) ends the run with one PreflightError
 * message and no stack trace; whatever it had started by then is stopped first.
 */
export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  // What this setup started, stopped in reverse: by the returned teardown, or at once when a later check fails.
  const started: Stop[] = [];
  const stopAll = async () => {
    for (const stop of started.splice(0).reverse()) {
      await Promise.resolve()
        .then(stop)
        .catch((err: Error) => console.warn(`global setup cleanup: ${redactText(err.message)}`));
    }
  };
  try {
    await preflight(started, config);
  } catch (err) {
    await stopAll();
    // A PreflightError prints as its message alone; anything else is a bug in the suite and keeps its stack.
    throw err;
  }
  return stopAll;
}

async function preflight(started: Stop[], config: FullConfig): Promise<void> {
  const cfg = await preflightCheck('configuration', {}, () => parseEnv());
  // Before the target is asked anything: a sharded run without a shared barrier would wait, not fail.
  const clock = await preflightCheck('configuration', {}, () => checkShardBarrier(config.shard, cfg.BARRIER_REDIS_URL));
  if (clock && config.shard)
    console.log(
      `shard ${config.shard.current}/${config.shard.total}: clock ${clock.offsetMs <= 0 ? '+' : '-'}${Math.abs(Math.round(clock.offsetMs))} ms (± ${Math.ceil(clock.uncertaintyMs)} ms) against the barrier Redis (limit ± ${MAX_CLOCK_OFFSET_MS} ms)`,
    );
  // The sandbox serving its second dialect (SANDBOX_DIALECT) is profiled through that dialect's URL.
  const dialect = cfg.sandbox && process.env.SANDBOX_DIALECT ? readSandboxState()?.dialectUrl : undefined;
  const target = cfg.BASE_URL ?? dialect ?? process.env.SANDBOX_URL;
  if (!target) throw new PreflightError('target', 'BASE_URL is unset and the sandbox did not report SANDBOX_URL');
  if (process.env.SANDBOX_DIALECT && cfg.sandbox && !dialect)
    throw new PreflightError(
      'target',
      `SANDBOX_DIALECT=${process.env.SANDBOX_DIALECT} but the sandbox reported no dialect URL in its state file`,
    );
  const from = cfg.BASE_URL ? 'BASE_URL' : 'SANDBOX_URL';
  const ctx: PreflightContext = {
    target: { url: target, from },
    rpc: cfg.RPC_URL ? { url: cfg.RPC_URL, from: 'RPC_URL' } : undefined,
    secrets: [cfg.FUNDER_PRIVATE_KEY, cfg.FUNDER_MNEMONIC].filter((s): s is string => Boolean(s)),
  };
  // Refusals come before any request reaches the target.
  await preflightCheck('safety', ctx, () => {
    if (cfg.mode === 'fixture' && cfg.BASE_URL) refuseFixtureHost(cfg.BASE_URL, cfg.FIXTURE_ALLOWED_HOSTS);
    if (cfg.mode === 'live' && cfg.CHAIN_ID) refuseMainnet(cfg.CHAIN_ID);
  });
  const levels = selectedLevels(cfg.CONCURRENCY_LEVELS, process.argv);
  const flows = levels.reduce((sum, level) => sum + level * cfg.ROUNDS, 0);
  // Live mode against a deployment: the funder, its chain and its balance are checked through the RPC alone.
  let funder: Funder | undefined;
  if (cfg.mode === 'live' && !cfg.sandbox) {
    funder = await preflightCheck('funder', ctx, () => deploymentFunder(cfg, flows, config.shard));
    started.push(funder.close);
  }
  const adapter = await preflightCheck('adapter', ctx, () => loadAdapter(cfg.TARGET_ADAPTER));
  const driver = adapter.driver({ baseUrl: target, timeoutMs: 10_000 });
  try {
    // Health and chain facts are checked when the target offers them; what it does not offer is reported as not measured.
    if (driver.health) {
      const health = await preflightCheck('target health', ctx, () => driver.health!());
      if (!health.ok) throw answeredWithError('target health', ctx, 'its health', health.status, health.error?.message);
    }
    let chainInfo: ChainInfo | null = null;
    if (driver.chain) {
      const chain = await preflightCheck('chain', ctx, () => driver.chain!());
      if (!chain.ok) throw answeredWithError('chain', ctx, 'its chain facts', chain.status, chain.error?.message);
      chainInfo = chain.data;
      // Fixture mode without fixture deposits, status mode without the status route: refused before any flow.
      refuseModeWithoutRoute(cfg.mode, chainInfo, ctx);
    }
    const caps = capabilitiesOf(adapter, driver, chainInfo);
    await preflightCheck('capabilities', ctx, () => {
      refuseMissingCapabilities(cfg.mode, caps, adapter.name, ctx, cfg.TARGET_USERS_FILE);
      // Provisioned users: enough for the highest level selected, every flow at once with users of its own.
      if (cfg.TARGET_USERS_FILE)
        checkEnoughUsers(loadProvisionedUsers(cfg.TARGET_USERS_FILE), Math.max(...levels), cfg.SELLERS_PER_WORKER, cfg.TARGET_USERS_FILE);
    });
    // Browser mode: a Chromium and the target's front end, or no flow starts.
    await preflightCheck('browser', ctx, () => refuseBrowserModeWithout(cfg, adapter));
    if (cfg.mode === 'live' && cfg.sandbox && chainInfo) {
      const rpcUrl = chainInfo.rpcUrl!;
      const sandboxCtx: PreflightContext = { ...ctx, rpc: { url: rpcUrl, from: 'the sandbox' } };
      funder = await preflightCheck('funder', sandboxCtx, () =>
        createFunder({
          rpcUrl,
          chainId: chainInfo.chainId,
          tokenAddress: chainInfo.tokenAddress,
          privateKey: sandboxFunderKey(),
          flows,
        }),
      );
      started.push(funder.close);
      process.env[RUN_ENV.rpcUrl] = rpcUrl;
    }
    const coordinator = await preflightCheck('coordinator', ctx, () => startCoordinator({ fund: funder?.fund }));
    started.push(coordinator.close);
    const sampler = await startInfraSampler(cfg, target, chainInfo?.rpcUrl ?? null, caps);
    if (sampler) started.push(() => sampler.stop().catch((err: Error) => console.warn(`infrastructure sampler: ${err.message}`)));
    process.env[RUN_ENV.target] = target;
    process.env[RUN_ENV.coordinator] = coordinator.url;
  } finally {
    await driver.close?.();
  }
}

/** The spec's infrastructure sampling, in its own process, for the whole run; a run without it still runs (the report says why). */
async function startInfraSampler(
  cfg: SuiteConfig,
  target: string,
  rpcUrl: string | null,
  caps: Capabilities,
): Promise<RunningSampler | undefined> {
  const runId = process.env.RUN_ID!;
  try {
    return await startSampler({
      target,
      out: infraTimeline(runId),
      // The sandbox's own database is sampled only through the adapter that declares it; PG_URL always.
      pgUrlFile: cfg.sandbox && !cfg.PG_URL && caps.systemOfRecord ? process.env.SANDBOX_STATE_FILE : undefined,
      pgUrl: cfg.PG_URL,
      rpcUrl: cfg.RPC_URL ?? rpcUrl ?? undefined,
      redisUrl: cfg.REDIS_URL,
      mongoUrl: cfg.MONGO_URL,
      sampling: targetSampling(cfg, caps),
    });
  } catch (err) {
    console.warn(
      `infrastructure sampler did not start, the report's Infrastructure section will say so: ${redactText((err as Error).message)}`,
    );
    return undefined;
  }
}

/** What of the target the sampler can read, from its adapter's capabilities and TARGET_METRICS (runner/target-metrics.ts). */
function targetSampling(cfg: SuiteConfig, caps: Capabilities): TargetSampling {
  const { components, node, names } = targetMetrics(cfg, caps);
  return {
    processesNotSampled: caps.localProcesses ? undefined : `${notOffered('localProcesses')}: its processes are not sampled`,
    hostNotSampled:
      caps.localProcesses || node
        ? undefined
        : "target host not sampled; the load generator's host is shown apart (TARGET_METRICS node=<node exporter URL> samples it)",
    hostFrom: node,
    metrics: components,
    metricNames: Object.keys(names).length ? names : undefined,
  };
}

function sandboxFunderKey(): string {
  const state = readSandboxState();
  if (!state) {
    throw new ConfigError(
      'SANDBOX_STATE_FILE is not set or not written: the sandbox writes its funder key there',
      'see the sandbox output above for why it did not write its state file',
    );
  }
  return state.funderPrivateKey;
}

/**
 * Live mode against BASE_URL pays from FUNDER_PRIVATE_KEY, or from this shard's account of FUNDER_MNEMONIC
 * (config/funder-key.ts), on RPC_URL: everything it needs is configuration, checked here.
 */
async function deploymentFunder(cfg: SuiteConfig, flows: number, shard: FullConfig['shard']): Promise<Funder> {
  const keyless = cfg.FUNDER_PRIVATE_KEY === undefined && cfg.FUNDER_MNEMONIC === undefined;
  const missing = (['FUNDER_PRIVATE_KEY', 'RPC_URL', 'TOKEN_ADDRESS', 'CHAIN_ID'] as const).filter((name) =>
    name === 'FUNDER_PRIVATE_KEY' ? keyless : cfg[name] === undefined,
  );
  if (missing.length) {
    throw new ConfigError(
      `PAYMENT_MODE=live against BASE_URL needs ${missing.map((m) => `${m}=(unset)`).join(', ')}: the funder pays each flow's buyer wallet on that chain`,
      `set them (FUNDER_MNEMONIC instead of FUNDER_PRIVATE_KEY for sharded runs), or run a PAYMENT_MODE that pays nothing (status, fixture, dry)`,
    );
  }
  const key = funderKey(cfg, shard);
  const funder = await createFunder({
    rpcUrl: cfg.RPC_URL!,
    chainId: cfg.CHAIN_ID!,
    tokenAddress: cfg.TOKEN_ADDRESS!,
    privateKey: key.privateKey,
    // A single key is the funder the user set; a derived one is named by its path and shard.
    ...(cfg.FUNDER_MNEMONIC ? { from: key.from } : {}),
    flows,
  });
  process.env[RUN_ENV.rpcUrl] = cfg.RPC_URL!;
  return funder;
}
