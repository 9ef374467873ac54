// Before any flow: resolve the target, check its health and mode
// prerequisites, refuse unsafe runs, and start the coordinator (barrier,
// live-mode funder). Everything here runs in the runner process.
import type { FullConfig } from '@playwright/test';
import { HttpEscrowDriver } from '../driver/http-driver.ts';
import { startSampler, type RunningSampler } from '../sampler/main.ts';
import { ConfigError, parseEnv, maskValue, type SuiteConfig } from './config.ts';
import { infraTimeline } from './paths.ts';
import { redactText } from './redact.ts';
import { readSandboxState } from './sandbox-state.ts';
import { startCoordinator } from './coordinator.ts';
import { createFunder, type Funder } from './funder.ts';
import { refuseFixtureHost, refuseMainnet } from './safety.ts';
import { selectedLevels } from './selection.ts';
import { RUN_ENV } from './run-env.ts';

export { RUN_ENV };

export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  const cfg = parseEnv();
  const target = cfg.BASE_URL ?? process.env.SANDBOX_URL;
  if (!target) throw new ConfigError('no target: BASE_URL is unset and the sandbox did not report SANDBOX_URL');
  // Refusals come before any request reaches the target.
  if (cfg.mode === 'fixture' && cfg.BASE_URL) refuseFixtureHost(cfg.BASE_URL, cfg.FIXTURE_ALLOWED_HOSTS);
  if (cfg.mode === 'live' && cfg.CHAIN_ID) refuseMainnet(cfg.CHAIN_ID);
  const flows = selectedLevels(cfg.CONCURRENCY_LEVELS, process.argv).reduce((sum, level) => sum + level * cfg.ROUNDS, 0);
  // Live mode against a deployment: the funder, its chain and its balance are checked through the RPC alone.
  let funder: Funder | undefined = cfg.mode === 'live' && !cfg.sandbox ? await deploymentFunder(cfg, flows) : undefined;
  const driver = new HttpEscrowDriver(target, { timeoutMs: 10_000 });
  try {
    const health = await driver.health();
    if (!health.ok) {
      const down = health.error?.message ?? '';
      throw new ConfigError(`target ${maskValue('BASE_URL', target)} is not healthy: GET /health answered ${health.status} ${down}`);
    }
    const chain = await driver.chain();
    if (!chain.ok) throw new ConfigError(`target ${maskValue('BASE_URL', target)}: GET /chain answered ${chain.status}`);
    if (cfg.mode === 'fixture' && !chain.data!.fixturesEnabled) {
      throw new ConfigError(`PAYMENT_MODE=fixture but the target has no fixture deposits (GET /chain fixturesEnabled=false)`);
    }
    if (cfg.mode === 'live' && cfg.sandbox) {
      const rpcUrl = chain.data!.rpcUrl!;
      funder = await createFunder({
        rpcUrl,
        chainId: chain.data!.chainId,
        tokenAddress: chain.data!.tokenAddress,
        privateKey: sandboxFunderKey(),
        flows,
      });
      process.env[RUN_ENV.rpcUrl] = rpcUrl;
    }
    const coordinator = await startCoordinator({ fund: funder?.fund });
    const sampler = await startInfraSampler(cfg, target, chain.data!.rpcUrl);
    process.env[RUN_ENV.target] = target;
    process.env[RUN_ENV.coordinator] = coordinator.url;
    return async () => {
      await coordinator.close();
      funder?.close();
      await sampler?.stop().catch((err: Error) => console.warn(`infrastructure sampler: ${err.message}`));
    };
  } finally {
    await driver.close();
  }
}

/** The spec's infrastructure sampling, in its own process, for the whole run; a run without it still runs (the report says why). */
async function startInfraSampler(cfg: SuiteConfig, target: string, rpcUrl: string | null): Promise<RunningSampler | undefined> {
  const runId = process.env.RUN_ID!;
  try {
    return await startSampler({
      target,
      out: infraTimeline(runId),
      pgUrlFile: cfg.sandbox && !cfg.PG_URL ? process.env.SANDBOX_STATE_FILE : undefined,
      pgUrl: cfg.PG_URL,
      rpcUrl: cfg.RPC_URL ?? rpcUrl ?? undefined,
      redisUrl: cfg.REDIS_URL,
      mongoUrl: cfg.MONGO_URL,
    });
  } catch (err) {
    console.warn(
      `infrastructure sampler did not start, the report's Infrastructure section will say so: ${redactText((err as Error).message)}`,
    );
    return undefined;
  }
}

function sandboxFunderKey(): string {
  const state = readSandboxState();
  if (!state) throw new ConfigError('SANDBOX_STATE_FILE is not set or not written: the sandbox writes its funder key there');
  return state.funderPrivateKey;
}

/** Live mode against BASE_URL pays from FUNDER_PRIVATE_KEY on RPC_URL: everything it needs is configuration, checked here. */
async function deploymentFunder(cfg: SuiteConfig, flows: number): Promise<Funder> {
  const missing = (['FUNDER_PRIVATE_KEY', 'RPC_URL', 'TOKEN_ADDRESS', 'CHAIN_ID'] as const).filter((name) => cfg[name] === undefined);
  if (missing.length) {
    throw new ConfigError(
      `PAYMENT_MODE=live against BASE_URL needs ${missing.map((m) => `${m}=(unset)`).join(', ')}: the funder pays each flow's buyer wallet on that chain`,
    );
  }
  const funder = await createFunder({
    rpcUrl: cfg.RPC_URL!,
    chainId: cfg.CHAIN_ID!,
    tokenAddress: cfg.TOKEN_ADDRESS!,
    privateKey: cfg.FUNDER_PRIVATE_KEY!,
    flows,
  });
  process.env[RUN_ENV.rpcUrl] = cfg.RPC_URL!;
  return funder;
}
