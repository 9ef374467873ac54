// Starts the whole sandbox stack and returns a handle to stop it. Used by the
// CLI (npm run sandbox) and by tests that need a stack of their own.
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { HDNodeWallet, JsonRpcProvider, Mnemonic, Network, Wallet } from 'ethers';
import type { ComponentState } from '../../../contract/http.ts';
import { compileToken, deployToken } from '../chain/token.ts';
import { migrate } from '../db/migrate.ts';
import { parseFaults } from '../faults.ts';
import { freePort } from './ports.ts';
import { Component } from './supervisor.ts';

/** Hardhat's well-known development mnemonic: account 0 deploys tUSDT and funds the suite. */
const HARDHAT_MNEMONIC = 'test test test test test test test test test test test junk';
const TOKEN_SUPPLY = 10n ** 9n * 10n ** 18n;

export interface SandboxOptions {
  /** SANDBOX_FAULTS syntax. Validated before anything starts. */
  faults?: string;
  /** Use this Postgres instead of starting one. */
  pgUrl?: string;
  /** Use this chain instead of starting a hardhat node (needs funderPrivateKey or tokenAddress). */
  rpcUrl?: string;
  tokenAddress?: string;
  funderPrivateKey?: string;
  chainId?: number;
  fixtures?: boolean;
  confirmations?: number;
  blockMs?: number;
  redisUrl?: string;
  /** How long the backend waits for the scanner's on-demand check (SCANNER_TIMEOUT_MS; the backend's default is 30 s). */
  scannerTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface Sandbox {
  url: string;
  rpcUrl: string;
  pgUrl: string;
  chainId: number;
  tokenAddress: string;
  funderPrivateKey: string;
  components: () => ComponentState[];
  /** The backend process, for tests that kill it. */
  backend: Component;
  scanner: Component;
  stop: () => Promise<void>;
}

function gitSha(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  parseFaults(options.faults); // fail before starting anything
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const chainId = options.chainId ?? 31337;
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((err: Error) => log(`[launcher] stop: ${err.message}`));
  };
  try {
    const chain = options.rpcUrl
      ? undefined
      : new Component({
          name: 'chain',
          entry: 'chain/node.ts',
          env: { SANDBOX_CHAIN_ID: String(chainId), SANDBOX_BLOCK_MS: String(options.blockMs ?? 500) },
          restart: false,
          log,
        });
    if (chain) cleanups.push(() => chain.stop());
    const postgres = options.pgUrl
      ? undefined
      : new Component({ name: 'postgres', entry: 'db/postgres-main.ts', env: {}, restart: false, log });
    if (postgres) cleanups.push(() => postgres.stop());
    const t0 = performance.now();
    const phase = (what: string) => log(`[launcher] ${what} after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const started = Promise.all([
      options.rpcUrl ?? chain!.start().finally(() => phase('chain up')),
      options.pgUrl ?? postgres!.start().finally(() => phase('postgres up')),
    ]);
    // Compiles (or reads the cached artifact) while the chain and Postgres processes boot.
    const artifact = options.tokenAddress ? undefined : compileToken();
    const [rpcUrl, pgUrl] = await started;
    const funderPrivateKey =
      options.funderPrivateKey ?? HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_MNEMONIC), "m/44'/60'/0'/0/0").privateKey;
    const faults = parseFaults(options.faults);
    const [tokenAddress] = await Promise.all([
      options.tokenAddress ??
        deployToken(new Wallet(funderPrivateKey, new JsonRpcProvider(rpcUrl, Network.from(chainId), { staticNetwork: true })), {
          supply: TOKEN_SUPPLY,
          artifact,
        }),
      migrate(pgUrl, faults),
    ]);

    const env: NodeJS.ProcessEnv = {
      PG_URL: pgUrl,
      RPC_URL: rpcUrl,
      CHAIN_ID: String(chainId),
      TOKEN_ADDRESS: tokenAddress,
      SANDBOX_FAULTS: options.faults ?? '',
      CONFIRMATIONS: String(options.confirmations ?? 2),
      SANDBOX_FIXTURES: options.fixtures === false ? '0' : '1',
      SANDBOX_GIT_SHA: gitSha(),
      JWT_SECRET: randomBytes(32).toString('hex'),
      HD_XPUB: HDNodeWallet.createRandom().neuter().extendedKey,
      REDIS_URL: options.redisUrl ?? '',
    };
    phase('token deployed, schema migrated');
    // The scanner's port is chosen here so scanner and backend boot in parallel; it is kept
    // across restarts because the backend is given the URL once.
    const scannerPort = String(await freePort());
    const scannerUrl = `http://127.0.0.1:${scannerPort}`;
    const scanner = new Component({
      name: 'scanner',
      entry: 'scanner/main.ts',
      env: { ...env, SCANNER_PORT: scannerPort },
      restart: true,
      log,
    });
    cleanups.push(() => scanner.stop());
    const backendEnv: NodeJS.ProcessEnv = { ...env, SCANNER_URL: scannerUrl };
    if (options.scannerTimeoutMs !== undefined) backendEnv.SCANNER_TIMEOUT_MS = String(options.scannerTimeoutMs);
    const backend = new Component({ name: 'backend', entry: 'server/main.ts', env: backendEnv, restart: true, log });
    cleanups.push(() => backend.stop());

    const components = (): ComponentState[] => [
      backend.describe(),
      scanner.describe(),
      postgres ? postgres.describe() : { name: 'postgres', state: 'external', restarts: 0, pid: null },
      chain ? chain.describe() : { name: 'chain', state: 'external', restarts: 0, pid: null },
    ];
    const broadcast = () => backend.send({ type: 'components', components: components() });
    for (const c of [backend, scanner, chain, postgres]) if (c) c.onChange = broadcast;
    const [url] = await Promise.all([
      backend.start().finally(() => phase('backend up')),
      scanner.start().finally(() => phase('scanner up')),
    ]);
    // Keep the URL stable across restarts of the backend.
    backend.stickyEnv = { BACKEND_PORT: new URL(url).port };
    broadcast();
    return { url, rpcUrl, pgUrl, chainId, tokenAddress, funderPrivateKey, components, backend, scanner, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
