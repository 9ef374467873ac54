// npm run sandbox: the stack in the foreground until Ctrl-C. A failure to
// start is one message (which component, what, likely cause, what to do), never a stack trace.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseDialect } from '../dialect/dialects.ts';
import { parseFaults } from '../faults.ts';
import { startSandbox } from './sandbox.ts';
import { StartupError, maskUrl } from './startup-error.ts';

const stateFile = resolve(process.env.SANDBOX_STATE_FILE || '.sandbox/state.json');
// Each component's output, and a failed start's last lines, next to the state file.
const logDir = join(dirname(stateFile), 'logs', basename(stateFile, '.json'));

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** An optional integer variable, named with its value and its range when it is not one. */
function intVar(name: string, min: number, max: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) fail(`sandbox: ${name}="${raw}" is not an integer in ${min}..${max}`);
  return n;
}

try {
  parseFaults(process.env.SANDBOX_FAULTS);
} catch (err) {
  fail(`sandbox: ${(err as Error).message}`);
}
try {
  parseDialect(process.env.SANDBOX_DIALECT);
} catch (err) {
  fail(err instanceof StartupError ? err.describe() : `sandbox: ${(err as Error).message}`);
}

// Each component has its own ready timeout; this bounds the whole, below Playwright's webServer timeout (90 s),
// so a stuck start ends in our message rather than in the runner's bare "timed out waiting".
const STARTUP_DEADLINE_MS = 80_000;
const deadline = setTimeout(
  () =>
    fail(
      `sandbox: the launcher failed to start: not ready within ${STARTUP_DEADLINE_MS / 1000} s\n` +
        `  likely cause: the machine is overloaded, or a step waits on a chain or Postgres that does not answer\n` +
        `  what to do: read the component logs in ${logDir}; run again on a quieter machine`,
    ),
  STARTUP_DEADLINE_MS,
);

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
try {
  rmSync(logDir, { recursive: true, force: true });
  sandbox = await startSandbox({
    faults: process.env.SANDBOX_FAULTS,
    pgUrl: process.env.PG_URL || undefined,
    rpcUrl: process.env.RPC_URL || undefined,
    tokenAddress: process.env.TOKEN_ADDRESS || undefined,
    funderPrivateKey: process.env.FUNDER_PRIVATE_KEY || undefined,
    chainId: intVar('CHAIN_ID', 1, 2 ** 31 - 1),
    fixtures: process.env.SANDBOX_FIXTURES !== '0',
    statusRoute: process.env.SANDBOX_STATUS_ROUTE !== '0',
    confirmations: intVar('CONFIRMATIONS', 1, 1000),
    redisUrl: process.env.SANDBOX_REDIS_URL || undefined,
    port: intVar('SANDBOX_PORT', 1, 65535),
    dialect: process.env.SANDBOX_DIALECT || undefined,
    logDir,
  });
} catch (err) {
  if (err instanceof StartupError) fail(err.describe());
  // Not one of the failures we know how to explain: the message, and the stack in a file for a bug report.
  const file = join(logDir, 'launcher.startup-failure.log');
  try {
    mkdirSync(logDir, { recursive: true });
    writeFileSync(file, `${(err as Error)?.stack ?? String(err)}\n`, { mode: 0o600 });
  } catch {
    // the message stands without the file
  }
  fail(`sandbox: the launcher failed to start: ${(err as Error)?.message ?? String(err)}\n  its stack, for a bug report: ${file}`);
}

clearTimeout(deadline);

// Secrets (Postgres password, funder key) go to a 0600 file for the suite, never to the terminal.
mkdirSync(dirname(stateFile), { recursive: true });
const { url, rpcUrl, pgUrl, chainId, tokenAddress, funderPrivateKey, dialectUrl, webUrl } = sandbox;
writeFileSync(
  stateFile,
  JSON.stringify({ url, rpcUrl, pgUrl, chainId, tokenAddress, funderPrivateKey, dialectUrl, webUrl, pid: process.pid }, null, 2),
  { mode: 0o600 },
);

console.log(`SANDBOX_URL=${url}`);
if (dialectUrl) console.log(`SANDBOX_DIALECT_URL=${dialectUrl}`);
console.log(`SANDBOX_WEB_URL=${webUrl}`);
console.log(`RPC_URL=${rpcUrl}`);
console.log(`PG_URL=${maskUrl(pgUrl)}`);
console.log(`TOKEN_ADDRESS=${tokenAddress}`);
console.log(`SANDBOX_STATE=${stateFile}`);
console.log(`SANDBOX_LOGS=${logDir}`);
// Counted from the process's start, module loading included: what a user waits.
console.log(`ready in ${process.uptime().toFixed(1)} s; Ctrl-C stops every component`);

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
