// Payment truth from every side (issue 12, items 7 and 12), end to end: the
// real suite (C1, live mode) runs against a sandbox while the test changes the
// sandbox's Postgres behind the API at the moment the flow's half payment has
// arrived and the rest has not. The flow must fail with a P0 naming what was
// changed: a request marked paid while its payment is pending is "advanced
// without payment"; a payment marked paid with a wrong amount is "paid without
// correct evidence", found from the chain's own Transfer logs.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEther, Wallet } from 'ethers';
import pg from 'pg';
import { WorkerResult } from '../../contract/worker-result.ts';
import { startSandbox, type Sandbox } from '../src/launcher/sandbox.ts';
import { markPaidBehindApi } from './support/behind-api.ts';
import { expect, test } from './support/fixtures.ts';
import { startSuite, stopSuite, type SuiteRun } from './support/suite.ts';

/**
 * Confirmations the sandbox under test requires. The stack's chain mines every 250 ms, so the flow's underpayment
 * probe waits about 2 s after its half transfer: the window in which the test acts behind the API.
 */
const CONFIRMATIONS = 8;

test.describe.configure({ timeout: 180_000 });

interface Target {
  sandbox: Sandbox;
  db: pg.Client;
  /** The suite's environment: live mode against the sandbox, with its own funded funder and the sandbox's Postgres. */
  env: Record<string, string>;
}

const target = test.extend<{ target: Target }>({
  target: async ({ stack, chain }, use) => {
    const dbName = `truth_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: stack.pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const sandbox = await startSandbox({
      pgUrl: stack.pgUrl.replace(/\/escrow$/, `/${dbName}`),
      rpcUrl: stack.rpcUrl,
      tokenAddress: stack.tokenAddress,
      funderPrivateKey: stack.funderPrivateKey,
      chainId: stack.chainId,
      confirmations: CONFIRMATIONS,
      fixtures: false,
      web: false,
      log: () => undefined,
    });
    // A funder of its own: the run's transactions must not move the nonce of the worker's shared funder.
    const funder = Wallet.createRandom();
    await (await chain.funder.sendTransaction({ to: funder.address, value: parseEther('1') })).wait();
    await chain.pay(funder.address, 1_000n * 10n ** 18n);
    const db = new pg.Client({ connectionString: sandbox.pgUrl });
    await db.connect();
    try {
      await use({
        sandbox,
        db,
        env: {
          BASE_URL: sandbox.url,
          PAYMENT_MODE: 'live',
          CONCURRENCY_LEVELS: '1',
          RPC_URL: stack.rpcUrl,
          CHAIN_ID: String(stack.chainId),
          TOKEN_ADDRESS: stack.tokenAddress,
          FUNDER_PRIVATE_KEY: funder.privateKey,
          PG_URL: sandbox.pgUrl,
          NOTIFY_TIMEOUT_MS: '4000',
        },
      });
    } finally {
      await db.end();
      await sandbox.stop();
    }
  },
});

interface HalfPaid {
  requestId: string;
  paymentId: string;
  /** The payment's amount due, base units. */
  amount: string;
  /** The recorded half payment: its amount, tx, log and block. */
  deposited: string;
  txHash: string;
  logIndex: number;
  blockNumber: number;
}

/** Waits until the flow's half payment is recorded (a deposit) while its payment is still pending; throws if the run ends first. */
async function halfPaid(db: pg.Client, run: SuiteRun): Promise<HalfPaid> {
  let found: HalfPaid | undefined;
  const poll = async () => {
    found = (
      await db.query<HalfPaid>(
        `SELECT p.request_id AS "requestId", p.id AS "paymentId", p.amount::text AS amount, d.amount::text AS deposited, d.tx_hash AS "txHash",
                d.log_index AS "logIndex", d.block_number::int AS "blockNumber"
         FROM payments p JOIN deposits d ON d.payment_id = p.id WHERE p.status = 'pending' LIMIT 1`,
      )
    ).rows[0];
    return found !== undefined;
  };
  await Promise.race([
    expect.poll(poll, { timeout: 120_000, intervals: [50], message: "the flow's half payment is recorded" }).toBe(true),
    run.exited.then(({ code }) => {
      throw new Error(`the run ended (exit ${code}) before its half payment was recorded:\n${run.output().slice(-3000)}`);
    }),
  ]);
  return found!;
}

/** The run's one flow, as its worker wrote it. */
function onlyFlow(run: SuiteRun): WorkerResult {
  const dir = join(run.reportsDir, run.runId, 'workers');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  expect(files, `worker results in ${dir}`).toHaveLength(1);
  return WorkerResult.parse(JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')));
}

target(
  'a request marked paid behind the API while its payment is pending fails the flow with a P0 naming the request',
  async ({ target: { sandbox, db, env } }) => {
    const run = startSuite(test.info(), env, ['--project=C1']);
    try {
      const half = await halfPaid(db, run);
      const { paymentId } = await markPaidBehindApi(sandbox.pgUrl, half.requestId);
      expect(paymentId).toBe(half.paymentId);

      const { code } = await run.exited;
      expect(code, run.output().slice(-3000)).not.toBe(0);
      const flow = onlyFlow(run);
      expect(flow).toMatchObject({ status: 'fail', purchaseRequestId: half.requestId, paymentId: half.paymentId });
      const line = `advanced without payment: request ${half.requestId} is paid while payment ${half.paymentId} is pending`;
      expect(
        flow.evidence.filter((e) => e.includes(line)),
        flow.evidence.join('\n'),
      ).not.toEqual([]);
      expect(flow.correctness.advancedWithoutPayment).toBeGreaterThanOrEqual(1);
      expect(flow.errors.filter((e) => e.class === 'product' && e.message.includes(half.requestId))).not.toEqual([]);
      const stage = run.report().stages.find((s) => s.stage === 1)!;
      expect(stage.correctnessEvidence.advancedWithoutPayment?.examples.join('\n')).toContain(line);
    } finally {
      stopSuite(run);
    }
  },
);

target(
  'a payment marked paid with a wrong amount behind the API is a P0 "paid without correct evidence", found on the chain',
  async ({ target: { sandbox, db, env } }) => {
    const run = startSuite(test.info(), env, ['--project=C1']);
    try {
      const half = await halfPaid(db, run);
      // As a buggy job would: the request paid, the payment confirmed with evidence claiming the full amount at the half's log.
      await markPaidBehindApi(sandbox.pgUrl, half.requestId);
      const claim = {
        txHash: half.txHash,
        logIndex: half.logIndex,
        blockNumber: half.blockNumber,
        confirmations: CONFIRMATIONS,
        amountReceived: half.amount,
        source: 'chain',
      };
      const updated = await db.query(
        `UPDATE payments SET status = 'confirmed', confirmed_at = now(), evidence = $2 WHERE id = $1 AND status = 'pending'`,
        [half.paymentId, JSON.stringify(claim)],
      );
      expect(updated.rowCount).toBe(1);

      const { code } = await run.exited;
      expect(code, run.output().slice(-3000)).not.toBe(0);
      const flow = onlyFlow(run);
      expect(flow).toMatchObject({ status: 'fail', paymentId: half.paymentId });
      expect(flow.correctness.evidenceMismatches).toBe(1);
      const [line] = flow.evidence.filter((e) => e.startsWith('evidenceMismatches: '));
      expect(line).toContain(`paid without correct evidence: payment ${half.paymentId} of request ${half.requestId}`);
      expect(line).toContain(
        `amount: evidence claims ${half.amount} received by block ${half.blockNumber}, the chain shows ${half.deposited} by then`,
      );
      expect(line).toContain(`amount: postgres: deposits sum to ${half.deposited} of ${half.amount}`);
      // The rest was sent after the payment was already confirmed: it cannot have had the confirmations required.
      expect(line).toMatch(
        new RegExp(
          `confirmations: the transfer completing the amount \\(block \\d+\\) had [0-${CONFIRMATIONS - 1}] of ${CONFIRMATIONS} confirmations`,
        ),
      );
      // Confirmed after half: the underpayment probe saw it too.
      expect(flow.correctness.underOverpayments).toBeGreaterThanOrEqual(1);
      const stage = run.report().stages.find((s) => s.stage === 1)!;
      expect(stage.correctness.evidenceMismatches).toBe(1);
    } finally {
      stopSuite(run);
    }
  },
);
