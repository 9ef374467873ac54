// Fixtures for the sandbox's own tests: one real stack per test worker, and
// extra backend+scanner pairs with fault switches on a fresh database of it.
import { randomBytes } from 'node:crypto';
import { test as base } from '@playwright/test';
import { Contract, JsonRpcProvider, NonceManager, Wallet, type ContractTransactionResponse } from 'ethers';
import pg from 'pg';
import { HttpEscrowDriver } from '../../../adapters/sandbox/driver.ts';
import { Inbox } from '../../../driver/inbox.ts';
import { ERC20_ABI } from '../../../contract/erc20.ts';
import { startSandbox, type Sandbox } from '../../src/launcher/sandbox.ts';
import sandboxAdapter from '../../../adapters/sandbox/index.ts';

export interface Actor {
  id: string;
  username: string;
  token: string;
  role: 'buyer' | 'seller';
}

export interface Chain {
  provider: JsonRpcProvider;
  funder: NonceManager;
  /** Sends `amount` base units of `token` (default tUSDT) from the funder to `to`; resolves when mined. */
  pay: (to: string, amount: bigint, token?: string) => Promise<string>;
}

export interface FaultyOptions {
  fixtures?: boolean;
  statusRoute?: boolean;
  scannerTimeoutMs?: number;
  /** Also start a web front end on it (its faults are the ui-* switches); default false, to spare the CPU. */
  web?: boolean;
}

interface WorkerFixtures {
  stack: Sandbox;
  chain: Chain;
  /** Starts a backend+scanner with these fault switches on a fresh database of the worker's stack. */
  withFaults: (faults: string, options?: FaultyOptions) => Promise<Sandbox>;
}

interface TestFixtures {
  api: HttpEscrowDriver;
  /** Registers a unique user (name keyed by worker and a random suffix). */
  newUser: (role: 'buyer' | 'seller', api?: HttpEscrowDriver) => Promise<Actor>;
  /** Connects devices for a user; closed after the test. */
  inbox: (baseUrl: string, user: Actor, devices?: number) => Promise<Inbox>;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  stack: [
    async ({}, use) => {
      const logs: string[] = [];
      const stack = await startSandbox({ log: (line) => logs.push(line), blockMs: 250 });
      try {
        await use(stack);
      } finally {
        await stack.stop();
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  chain: [
    async ({ stack }, use) => {
      const provider = new JsonRpcProvider(stack.rpcUrl, stack.chainId, { staticNetwork: true });
      const funder = new NonceManager(new Wallet(stack.funderPrivateKey, provider));
      const pay = async (to: string, amount: bigint, token = stack.tokenAddress) => {
        const erc20 = new Contract(token, ERC20_ABI, funder);
        const tx = (await erc20.getFunction('transfer')(to, amount)) as ContractTransactionResponse;
        await tx.wait();
        return tx.hash;
      };
      await use({ provider, funder, pay });
      provider.destroy();
    },
    { scope: 'worker' },
  ],
  withFaults: [
    async ({ stack }, use) => {
      const started: Sandbox[] = [];
      await use(async (faults, options = {}) => {
        const dbName = `faults_${randomBytes(6).toString('hex')}`;
        const admin = new pg.Client({ connectionString: stack.pgUrl });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${dbName}`);
        await admin.end();
        const sandbox = await startSandbox({
          faults,
          pgUrl: stack.pgUrl.replace(/\/escrow$/, `/${dbName}`),
          rpcUrl: stack.rpcUrl,
          tokenAddress: stack.tokenAddress,
          funderPrivateKey: stack.funderPrivateKey,
          chainId: stack.chainId,
          fixtures: options.fixtures,
          statusRoute: options.statusRoute,
          scannerTimeoutMs: options.scannerTimeoutMs,
          web: options.web ?? false,
          log: () => undefined,
        });
        started.push(sandbox);
        return sandbox;
      });
      for (const sandbox of started) await sandbox.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  api: async ({ stack }, use) => {
    const api = new HttpEscrowDriver(stack.url, { timeoutMs: 30_000 });
    await use(api);
    await api.close();
  },
  newUser: async ({ api }, use, testInfo) => {
    let n = 0;
    await use(async (role, driver = api) => {
      const username = `${role}-w${testInfo.workerIndex}-${randomBytes(4).toString('hex')}-${n++}`;
      const res = await driver.register({ username, password: 'correct horse battery', role });
      if (!res.ok) throw new Error(`register ${username}: ${res.status} ${res.error?.message}`);
      return { id: res.data.user.id, username, token: res.data.token, role };
    });
  },
  inbox: async ({}, use) => {
    const opened: Inbox[] = [];
    await use(async (baseUrl, user, devices = 1) => {
      const inbox = await Inbox.connect(sandboxAdapter.notifications, baseUrl, user, devices);
      opened.push(inbox);
      return inbox;
    });
    for (const inbox of opened) inbox.close();
  },
});

export { expect } from '@playwright/test';
