// npm run sandbox: the stack in the foreground until Ctrl-C.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { startSandbox } from './sandbox.ts';

const maskUrl = (url: string) => url.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');

const started = Date.now();
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
try {
  sandbox = await startSandbox({
    faults: process.env.SANDBOX_FAULTS,
    pgUrl: process.env.PG_URL || undefined,
    rpcUrl: process.env.RPC_URL || undefined,
    tokenAddress: process.env.TOKEN_ADDRESS || undefined,
    funderPrivateKey: process.env.FUNDER_PRIVATE_KEY || undefined,
    chainId: process.env.CHAIN_ID ? Number(process.env.CHAIN_ID) : undefined,
    fixtures: process.env.SANDBOX_FIXTURES !== '0',
    confirmations: process.env.CONFIRMATIONS ? Number(process.env.CONFIRMATIONS) : undefined,
    redisUrl: process.env.SANDBOX_REDIS_URL || undefined,
  });
} catch (err) {
  console.error(`sandbox failed to start: ${(err as Error).message}`);
  process.exit(1);
}

// Secrets (Postgres password, funder key) go to a 0600 file for the suite, never to the terminal.
const stateFile = resolve(process.env.SANDBOX_STATE_FILE || '.sandbox/state.json');
mkdirSync(dirname(stateFile), { recursive: true });
const { url, rpcUrl, pgUrl, chainId, tokenAddress, funderPrivateKey } = sandbox;
writeFileSync(stateFile, JSON.stringify({ url, rpcUrl, pgUrl, chainId, tokenAddress, funderPrivateKey, pid: process.pid }, null, 2), {
  mode: 0o600,
});

console.log(`SANDBOX_URL=${url}`);
console.log(`RPC_URL=${rpcUrl}`);
console.log(`PG_URL=${maskUrl(pgUrl)}`);
console.log(`TOKEN_ADDRESS=${tokenAddress}`);
console.log(`SANDBOX_STATE=${stateFile}`);
console.log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s; Ctrl-C stops every component`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.error(`${signal}: stopping the sandbox`);
  await sandbox.stop();
  rmSync(stateFile, { force: true });
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
