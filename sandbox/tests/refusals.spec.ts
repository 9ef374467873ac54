// Unsafe or malformed runs are refused before any request reaches the target:
// each case runs the real suite command against a loopback server that counts requests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Wallet } from 'ethers';
import { expect, test } from './support/fixtures.ts';
import { runToEnd } from './support/suite.ts';

interface Target {
  url: string;
  requests: () => number;
}

async function countingTarget(): Promise<Target & { server: Server }> {
  let n = 0;
  const server = createServer((_req, res) => {
    n += 1;
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => n };
}

const runSuite = (env: Record<string, string>) =>
  runToEnd(test.info(), { RUN_ID: `refusal-${Date.now()}`, CONCURRENCY_LEVELS: '1', ...env }, ['--project=C1', '--reporter=line']);

const target = test.extend<{ target: Target }>({
  target: async ({}, use) => {
    const t = await countingTarget();
    await use(t);
    await new Promise((r) => t.server.close(r));
  },
});

const CASES: [name: string, env: (t: Target) => Record<string, string>, message: RegExp][] = [
  [
    'live mode on a mainnet chain id',
    (t) => ({ BASE_URL: t.url, PAYMENT_MODE: 'live', CHAIN_ID: '56' }),
    /CHAIN_ID=56 is BNB Smart Chain mainnet/,
  ],
  [
    'live mode against a deployment without a funder key',
    (t) => ({ BASE_URL: t.url, PAYMENT_MODE: 'live' }),
    /needs FUNDER_PRIVATE_KEY=\(unset\)/,
  ],
  [
    'a malformed CONCURRENCY_LEVELS',
    (t) => ({ BASE_URL: t.url, PAYMENT_MODE: 'status', CONCURRENCY_LEVELS: '1,x' }),
    /CONCURRENCY_LEVELS="1,x" must be a comma-separated list/,
  ],
  ['a misspelt PAYMENT_MODE', (t) => ({ BASE_URL: t.url, PAYMENT_MODE: 'lve' }), /PAYMENT_MODE="lve".*live.*status.*fixture.*dry/],
  ['BASE_URL without a payment mode', (t) => ({ BASE_URL: t.url }), /PAYMENT_MODE=\(unset\) must be set when BASE_URL is set/],
  [
    'a malformed STAGE_DURATION',
    (t) => ({ BASE_URL: t.url, PAYMENT_MODE: 'status', STAGE_DURATION: '5 minutes' }),
    /STAGE_DURATION="5 minutes" must be a duration like 90s, 5m or 1h/,
  ],
];

for (const [name, env, message] of CASES) {
  target(`refuses ${name} with a message naming it, and sends nothing to the target`, async ({ target: t }) => {
    const { code, output } = await runSuite(env(t));
    expect(code).not.toBe(0);
    expect(output).toMatch(message);
    expect(t.requests()).toBe(0);
  });
}

target('refuses a malformed BASE_URL before anything starts', async () => {
  const { code, output } = await runSuite({ BASE_URL: 'ftp://escrow.invalid', PAYMENT_MODE: 'status' });
  expect(code).not.toBe(0);
  expect(output).toMatch(/BASE_URL="ftp:\/\/escrow.invalid" must be a http or https URL/);
});

target('refuses fixture mode against a host off the allowlist', async () => {
  const { code, output } = await runSuite({ BASE_URL: 'http://escrow-dev.invalid', PAYMENT_MODE: 'fixture' });
  expect(code).not.toBe(0);
  expect(output).toMatch(/PAYMENT_MODE=fixture against host "escrow-dev.invalid" is refused/);
});

target('refuses live mode when the funder cannot pay for the planned stage, saying how much it needs', async ({ target: t, stack }) => {
  const broke = Wallet.createRandom();
  const { code, output } = await runSuite({
    BASE_URL: t.url,
    PAYMENT_MODE: 'live',
    RPC_URL: stack.rpcUrl,
    CHAIN_ID: String(stack.chainId),
    TOKEN_ADDRESS: stack.tokenAddress,
    FUNDER_PRIVATE_KEY: broke.privateKey,
  });
  expect(code).not.toBe(0);
  expect(output).toMatch(
    new RegExp(`funder ${broke.address} cannot fund 1 flows: it needs [0-9.]+ native and [0-9.]+ tokens, it has 0.0 and 0.0`),
  );
  expect(output).not.toContain(broke.privateKey.slice(2));
  expect(t.requests()).toBe(0);
});
