// The backend process: API + Socket.IO on one loopback port.
import { randomBytes } from 'node:crypto';
import { Contract, HDNodeWallet, JsonRpcProvider, Network } from 'ethers';
import type { ComponentState } from '../../../contract/http.ts';
import { ERC20_ABI } from '../../../contract/erc20.ts';
import { createPool } from '../db/pool.ts';
import { parseFaults } from '../faults.ts';
import { StartupError } from '../launcher/startup-error.ts';
import { announceReady, intEnv, listenLoopback, onShutdown, requireEnv, startingComponent } from '../lib/process.ts';
import { buildApp } from './app.ts';
import { Dispatcher } from './dispatcher.ts';
import { createMetrics } from './metrics.ts';
import { attachSockets } from './sockets.ts';

await startingComponent('backend');
const faults = parseFaults(process.env.SANDBOX_FAULTS);
const pgUrl = requireEnv('PG_URL');
const rpcUrl = requireEnv('RPC_URL');
const chainId = intEnv('CHAIN_ID', 31337, 1, 2 ** 31 - 1);
const tokenAddress = requireEnv('TOKEN_ADDRESS');
const provider = new JsonRpcProvider(rpcUrl, Network.from(chainId), { staticNetwork: true, polling: false });
const token = new Contract(tokenAddress, ERC20_ABI, provider);
const [tokenSymbol, tokenDecimals] = await Promise.all([
  token.getFunction('symbol')() as Promise<string>,
  token.getFunction('decimals')() as Promise<bigint>,
]);

let components: ComponentState[] = [];
process.on('message', (msg: { type?: string; components?: ComponentState[] }) => {
  if (msg?.type === 'components' && msg.components) components = msg.components;
});

const db = createPool(pgUrl, intEnv('PG_POOL_SIZE', 30, 1, 500));
const metrics = createMetrics();
let served = 0;
const app = await buildApp(
  {
    db,
    chain: {
      chainId,
      tokenAddress,
      tokenSymbol,
      tokenDecimals: Number(tokenDecimals),
      requiredConfirmations: intEnv('CONFIRMATIONS', 2, 1, 1000),
      rpcUrl,
      provider,
    },
    faults,
    metrics,
    jwtSecret: process.env.JWT_SECRET || randomBytes(32).toString('hex'),
    hdXpub: process.env.HD_XPUB || HDNodeWallet.createRandom().neuter().extendedKey,
    scannerUrl: process.env.SCANNER_URL,
    fixturesEnabled: process.env.SANDBOX_FIXTURES === '1',
    // On unless switched off: the launcher sets 1 or 0; a backend started by hand keeps it.
    statusRouteEnabled: process.env.SANDBOX_STATUS_ROUTE !== '0',
    paymentTtlMs: intEnv('PAYMENT_TTL_MS', 30 * 60_000, 1_000, 7 * 24 * 3_600_000),
    scannerTimeoutMs: intEnv('SCANNER_TIMEOUT_MS', 30_000, 100, 600_000),
    gitSha: process.env.SANDBOX_GIT_SHA || 'unknown',
    components: () => components,
  },
  {
    // Fault backend-crash-after: the process dies after serving N requests; the launcher restarts it.
    onResponse: faults.backendCrashAfter
      ? () => {
          if (++served >= faults.backendCrashAfter) setImmediate(() => process.exit(70));
        }
      : undefined,
  },
);
await app.ready();
const sockets = await attachSockets(app.server, (t) => app.jwt.verify(t), metrics, process.env.REDIS_URL || undefined);
const dispatcher = new Dispatcher(db, pgUrl, sockets.io, metrics);
await dispatcher.start();
const port = intEnv('BACKEND_PORT', 0, 0, 65535);
const url = await listenLoopback(app.server, port).catch((err: NodeJS.ErrnoException) => {
  if (err.code !== 'EADDRINUSE' && err.code !== 'EACCES') throw err;
  throw new StartupError({
    component: 'backend',
    what: `could not listen on 127.0.0.1:${port} (${err.code}: ${err.code === 'EACCES' ? 'not allowed for this user' : 'the port is in use'})`,
    cause: err.code === 'EACCES' ? 'ports below 1024 need privileges' : 'another process, perhaps another sandbox, listens there',
    todo: 'set SANDBOX_PORT to a free port, or unset it to let the sandbox pick one',
  });
});
announceReady('sandbox', url);

onShutdown(async () => {
  await sockets.close();
  await dispatcher.stop();
  await app.close();
  await db.end();
});
