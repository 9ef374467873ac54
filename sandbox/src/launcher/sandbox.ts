// Starts the whole sandbox stack and returns a handle to stop it. Used by the
// CLI (npm run sandbox) and by tests that need a stack of their own.
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import type { ComponentState } from '../../../contract/http.ts';
import { DIALECT_COMPONENT, parseDialect, type Dialect } from '../dialect/dialects.ts';
import { parseFaults } from '../faults.ts';
import { checkExternalChain, checkExternalPostgres, asStartupError } from './external.ts';
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
  /** POST /requests/:id/status (status mode); default true. false: the route is not registered (SANDBOX_STATUS_ROUTE=0). */
  statusRoute?: boolean;
  confirmations?: number;
  blockMs?: number;
  redisUrl?: string;
  /** The backend's port; unset: a free one. */
  port?: number;
  /** Each component's log (`<name>.log`) and, on a failed start, its last lines; unset: only the latter, in the temp folder. */
  logDir?: string;
  /** How long the backend waits for the scanner's on-demand check (SCANNER_TIMEOUT_MS; the backend's default is 30 s). */
  scannerTimeoutMs?: number;
  /** A second API dialect (SANDBOX_DIALECT) served by its own component on its own port; unset: none. Validated before anything starts. */
  dialect?: Dialect | (string & {});
  /** The web front end (issue 16) as its own component on its own port; default true. */
  web?: boolean;
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
  /** The second API dialect's URL and component, when `dialect` was given. */
  dialectUrl?: string;
  dialect?: Component;
  /** The web front end's URL and component, unless `web: false`. */
  webUrl?: string;
  web?: Component;
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
  const faults = parseFaults(options.faults); // fail before starting anything
  const dialectName = parseDialect(options.dialect);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { logDir } = options;
  const chainId = options.chainId ?? 31337;
  // What the user gave us is checked before anything starts, so a wrong URL is one clear message.
  await Promise.all([
    options.pgUrl && checkExternalPostgres(options.pgUrl),
    options.rpcUrl && checkExternalChain(options.rpcUrl, chainId, Boolean(options.tokenAddress || options.funderPrivateKey)),
  ]);
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((err: Error) => log(`[launcher] stop: ${err.message}`));
  };
  const component = (spec: Omit<ConstructorParameters<typeof Component>[0], 'log' | 'logDir'>) => {
    const c = new Component({ ...spec, log, logDir });
    cleanups.push(() => c.stop());
    return c;
  };
  try {
    const chain = options.rpcUrl
      ? undefined
      : component({
          name: 'chain',
          entry: 'chain/node.ts',
          env: { SANDBOX_CHAIN_ID: String(chainId), SANDBOX_BLOCK_MS: String(options.blockMs ?? 500) },
          restart: false,
        });
    const postgres = options.pgUrl ? undefined : component({ name: 'postgres', entry: 'db/postgres-main.ts', env: {}, restart: false });
    // Scanner and backend load their modules while the chain and Postgres boot; they get their configuration later.
    const scanner = component({ name: 'scanner', entry: 'scanner/main.ts', env: {}, restart: true });
    const backend = component({ name: 'backend', entry: 'server/main.ts', env: {}, restart: true });
    // The dialect translates to the backend: it starts once the backend is up.
    const dialect = dialectName ? component({ name: DIALECT_COMPONENT, entry: 'dialect/main.ts', env: {}, restart: true }) : undefined;
    // So does the web front end: it serves the backend's API and sockets to its page.
    const web = options.web === false ? undefined : component({ name: 'web', entry: 'web/main.ts', env: {}, restart: true });
    for (const c of [scanner, backend, dialect, web]) c?.prewarm();
    const t0 = performance.now();
    const phase = (what: string) => log(`[launcher] ${what} after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const up =
      (name: string) =>
      <T>(value: T): T => {
        phase(`${name} up`);
        return value;
      };
    const started = Promise.all([
      options.rpcUrl ?? chain!.start().then(up('chain')),
      options.pgUrl ?? postgres!.start().then(up('postgres')),
    ]);
    // Loaded here, not at the top: the components above start while this process loads ethers and compiles.
    const [{ HDNodeWallet, JsonRpcProvider, Mnemonic, Network, Wallet }, token, { migrate }] = await Promise.all([
      import('ethers'),
      import('../chain/token.ts'),
      import('../db/migrate.ts'),
    ]);
    const artifact = options.tokenAddress ? undefined : token.compileToken();
    const [rpcUrl, pgUrl] = await started;
    const funderPrivateKey =
      options.funderPrivateKey ?? HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_MNEMONIC), "m/44'/60'/0'/0/0").privateKey;
    const [tokenAddress] = await Promise.all([
      options.tokenAddress ??
        token
          .deployToken(new Wallet(funderPrivateKey, new JsonRpcProvider(rpcUrl, Network.from(chainId), { staticNetwork: true })), {
            supply: TOKEN_SUPPLY,
            artifact,
          })
          .catch(asStartupError('chain', 'could not deploy the tUSDT token', rpcUrl)),
      migrate(pgUrl, faults).catch(asStartupError('postgres', 'could not migrate the schema', pgUrl)),
    ]);

    const env: NodeJS.ProcessEnv = {
      PG_URL: pgUrl,
      RPC_URL: rpcUrl,
      CHAIN_ID: String(chainId),
      TOKEN_ADDRESS: tokenAddress,
      SANDBOX_FAULTS: options.faults ?? '',
      CONFIRMATIONS: String(options.confirmations ?? 2),
      SANDBOX_FIXTURES: options.fixtures === false ? '0' : '1',
      SANDBOX_STATUS_ROUTE: options.statusRoute === false ? '0' : '1',
      SANDBOX_GIT_SHA: gitSha(),
      JWT_SECRET: randomBytes(32).toString('hex'),
      HD_XPUB: HDNodeWallet.createRandom().neuter().extendedKey,
      REDIS_URL: options.redisUrl ?? '',
    };
    phase('token deployed, schema migrated');
    // The scanner's port is chosen here so scanner and backend boot in parallel; it is kept
    // across restarts because the backend is given the URL once.
    const scannerPort = String(await freePort());
    const backendEnv: NodeJS.ProcessEnv = { ...env, SCANNER_URL: `http://127.0.0.1:${scannerPort}` };
    if (options.scannerTimeoutMs !== undefined) backendEnv.SCANNER_TIMEOUT_MS = String(options.scannerTimeoutMs);
    if (options.port !== undefined) backendEnv.BACKEND_PORT = String(options.port);

    const components = (): ComponentState[] => [
      backend.describe(),
      scanner.describe(),
      postgres ? postgres.describe() : { name: 'postgres', state: 'external', restarts: 0, pid: null },
      chain ? chain.describe() : { name: 'chain', state: 'external', restarts: 0, pid: null },
      ...(dialect ? [dialect.describe()] : []),
      ...(web ? [web.describe()] : []),
    ];
    // The backend reports them in /health and /version; the web front end its own restarts in its /health.
    const broadcast = () => {
      for (const c of [backend, web]) c?.send({ type: 'components', components: components() });
    };
    for (const c of [backend, scanner, chain, postgres, dialect, web]) if (c) c.onChange = broadcast;
    const [url] = await Promise.all([
      backend.start(backendEnv).then(up('backend')),
      scanner.start({ ...env, SCANNER_PORT: scannerPort }).then(up('scanner')),
    ]);
    // Keep the URL stable across restarts of the backend.
    backend.stickyEnv = { BACKEND_PORT: new URL(url).port };
    const [dialectUrl, webUrl] = await Promise.all([
      dialect?.start({ SANDBOX_DIALECT: dialectName, DIALECT_BACKEND_URL: url, PG_URL: pgUrl }).then(up('dialect')),
      web?.start({ WEB_BACKEND_URL: url, SANDBOX_FAULTS: env.SANDBOX_FAULTS }).then(up('web')),
    ]);
    // A restarted dialect or front end comes back on the same URL.
    if (dialect && dialectUrl) dialect.stickyEnv = { DIALECT_PORT: new URL(dialectUrl).port };
    if (web && webUrl) web.stickyEnv = { WEB_PORT: new URL(webUrl).port };
    broadcast();
    return {
      url,
      rpcUrl,
      pgUrl,
      chainId,
      tokenAddress,
      funderPrivateKey,
      components,
      backend,
      scanner,
      dialectUrl,
      dialect,
      webUrl,
      web,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
