// The runner survives what breaks under it. Each case runs the real suite
// (C2) against a sandbox backend whose payment intents take a few seconds,
// waits until both flows are inside that call, breaks something, and then
// reads the run's report: every started flow is there (pass, fail or
// interrupted), classified for what broke, and the run ended within bounds.
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { parseEther, Wallet } from 'ethers';
import pg from 'pg';
import type { Report } from '../../reporter/schema.ts';
import type { Sandbox } from '../src/launcher/sandbox.ts';
import { parsePrometheus } from '../../sampler/prometheus.ts';
import { expect, test } from './support/fixtures.ts';
import { startSuite, stopSuite, workerPids, type SuiteRun } from './support/suite.ts';

const HOLD_MS = 5_000;
/** How long a run may take to end after the fault; past it, the run is hanging. */
const END_BOUND_MS = 60_000;

test.describe.configure({ timeout: 180_000 });

interface Held {
  sandbox: Sandbox;
  /** Resolves once both flows of the run's stage have an accepted offer (they are about to pay); throws if the run ends first. */
  bothFlowsMidFlight: (run: SuiteRun) => Promise<void>;
  /**
   * Resolves once both flows have read their request back after the accept race: the next call of each is the
   * payment intent, which holds for HOLD_MS, so a fault now cuts both flows inside a write.
   */
  bothInPaymentIntent: (run: SuiteRun) => Promise<void>;
}

const held = test.extend<{ held: Held }>({
  held: async ({ withFaults }, use) => {
    const sandbox = await withFaults(`slow-payment-intent=${HOLD_MS}`, { fixtures: true });
    const db = new pg.Client({ connectionString: sandbox.pgUrl });
    await db.connect();
    const accepted = async () =>
      Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM purchase_requests WHERE status = 'offer_accepted'`)).rows[0]!.n);
    const readsBack = async () => {
      const families = parsePrometheus(await (await fetch(`${sandbox.url}/metrics`)).text());
      return (families.get('http_request_duration_seconds_count')?.series ?? [])
        .filter((x) => x.labels.method === 'GET' && x.labels.route === '/requests/:id')
        .reduce((n, x) => n + x.value, 0);
    };
    const bothFlowsMidFlight = (run: SuiteRun) =>
      Promise.race([
        expect.poll(accepted, { timeout: 120_000, intervals: [100], message: 'both flows have an accepted offer' }).toBe(2),
        run.exited.then(({ code }) => {
          throw new Error(`the run ended (exit ${code}) before both flows were mid-flight:\n${run.output().slice(-3000)}`);
        }),
      ]);
    await use({
      sandbox,
      bothFlowsMidFlight,
      bothInPaymentIntent: async (run) => {
        await bothFlowsMidFlight(run);
        await expect.poll(readsBack, { timeout: 30_000, intervals: [50], message: 'both flows read their request back' }).toBe(2);
      },
    });
    await db.end();
  },
});

function suiteEnv(sandbox: Sandbox, extra: Record<string, string> = {}): Record<string, string> {
  return {
    BASE_URL: sandbox.url,
    PAYMENT_MODE: 'fixture',
    CONCURRENCY_LEVELS: '2',
    OP_TIMEOUT_MS: '20000',
    NOTIFY_TIMEOUT_MS: '4000',
    ...extra,
  };
}

/** The run's exit, or an error if it is still running END_BOUND_MS after the fault. */
async function endsWithinBound(run: SuiteRun): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the run was still going ${END_BOUND_MS} ms after the fault:\n${run.output().slice(-2000)}`)),
      END_BOUND_MS,
    );
  });
  try {
    return await Promise.race([run.exited, hung]);
  } finally {
    clearTimeout(timer);
  }
}

function stageOf(report: Report, stage: number): Report['stages'][number] {
  const found = report.stages.find((s) => s.stage === stage);
  if (!found) throw new Error(`report has no C${stage} stage: ${JSON.stringify(report.stages.map((s) => s.stage))}`);
  return found;
}

held(
  'a worker process killed mid-flow: its flow is reported by the runner as a capacity failure, the other flow passes',
  async ({ held: { sandbox, bothFlowsMidFlight } }) => {
    const run = startSuite(test.info(), suiteEnv(sandbox), ['--project=C2']);
    try {
      await bothFlowsMidFlight(run);
      const workers = workerPids(run);
      expect(workers, 'the C2 stage runs two worker processes').toHaveLength(2);
      process.kill(workers[0]!, 'SIGKILL');
      const { code } = await endsWithinBound(run);
      expect(code).toBe(1);
      const stage = stageOf(run.report(), 2);
      expect(stage).toMatchObject({ flows: 2, pass: 1, fail: 1, interrupted: 0, runnerReported: 1 });
      expect(stage.failures).toEqual([expect.objectContaining({ class: 'capacity', count: 1 })]);
      expect(stage.failures[0]!.examples[0]).toMatch(/worker process exited unexpectedly .*signal=SIGKILL/);
    } finally {
      stopSuite(run);
    }
  },
);

held(
  'the backend killed mid-stage and restarted by the launcher: both flows fail as infrastructure, none is lost',
  async ({ held: { sandbox, bothInPaymentIntent } }) => {
    const run = startSuite(test.info(), suiteEnv(sandbox), ['--project=C2']);
    try {
      await bothInPaymentIntent(run);
      const before = sandbox.backend.describe();
      process.kill(before.pid!, 'SIGKILL');
      await expect.poll(() => sandbox.backend.describe(), { timeout: 30_000 }).toMatchObject({ state: 'up', restarts: 1 });
      const { code } = await endsWithinBound(run);
      expect(code).toBe(1);
      const stage = stageOf(run.report(), 2);
      expect(stage).toMatchObject({ flows: 2, pass: 0, fail: 2, interrupted: 0, runnerReported: 0 });
      // The in-flight calls lost their connection: the target could not answer, which is infrastructure.
      expect(stage.failures.map((f) => f.class)).toEqual(['capacity']);
      for (const example of stage.failures[0]!.examples) expect(example).toMatch(/cannot reach|did not answer|ECONNRESET|socket hang up/);
      // The writes cut off by the kill are looked up afterwards: each one happened or did not, none is left unknown.
      const { writes, happened, didNotHappen, unknown } = stage.indeterminate;
      expect(writes).toBeGreaterThanOrEqual(2);
      expect({ resolved: happened + didNotHappen, unknown }).toEqual({ resolved: writes, unknown: 0 });
      // The restarted backend answers on the same URL.
      expect((await fetch(`${sandbox.url}/health`)).status).toBe(200);
    } finally {
      stopSuite(run);
    }
  },
);

/** A JSON-RPC pass-through to the chain that can be made unreachable (its port closed, open connections cut). */
async function rpcProxy(upstream: string): Promise<{ url: string; cut: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const out = httpRequest(upstream, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut: async () => {
      const closed = new Promise((r) => server.close(r));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

held(
  'the chain RPC unreachable mid-stage in live mode: both flows fail as external, none is lost',
  async ({ held: { sandbox, bothFlowsMidFlight }, stack, chain }) => {
    // A funder of its own: the stack's funder key belongs to this worker's other tests (their nonces).
    const funder = Wallet.createRandom();
    await (await chain.funder.sendTransaction({ to: funder.address, value: parseEther('1') })).wait();
    await chain.pay(funder.address, 10n ** 24n);
    const rpc = await rpcProxy(stack.rpcUrl);
    const run = startSuite(
      test.info(),
      suiteEnv(sandbox, {
        PAYMENT_MODE: 'live',
        RPC_URL: rpc.url,
        CHAIN_ID: String(stack.chainId),
        TOKEN_ADDRESS: stack.tokenAddress,
        FUNDER_PRIVATE_KEY: funder.privateKey,
      }),
      ['--project=C2'],
    );
    try {
      // The buyers' wallets are funded during setup, before the barrier; the RPC goes away before they pay.
      await bothFlowsMidFlight(run);
      await rpc.cut();
      const { code } = await endsWithinBound(run);
      expect(code).toBe(1);
      const stage = stageOf(run.report(), 2);
      expect(stage).toMatchObject({ flows: 2, pass: 0, fail: 2, interrupted: 0, runnerReported: 0 });
      expect(stage.failures.map((f) => f.class)).toEqual(['external']);
      expect(run.output()).not.toContain(funder.privateKey.slice(2));
    } finally {
      stopSuite(run);
      await rpc.cut().catch(() => undefined);
    }
  },
);

held(
  'SIGINT during a stage: the run stops, and its report has both flows as interrupted, with no failure class',
  async ({ held: { sandbox, bothFlowsMidFlight } }) => {
    const run = startSuite(test.info(), suiteEnv(sandbox), ['--project=C2']);
    try {
      await bothFlowsMidFlight(run);
      // As Ctrl+C in a terminal: the signal goes to the runner's whole process group.
      process.kill(-run.pid, 'SIGINT');
      const { code } = await endsWithinBound(run);
      expect(code).toBe(130);
      const report = run.report();
      expect(report.stopReason).toMatch(/interrupted/);
      const stage = stageOf(report, 2);
      expect(stage).toMatchObject({ flows: 2, pass: 0, fail: 2, interrupted: 2 });
      expect(stage.failures).toEqual([expect.objectContaining({ class: 'interrupted', count: 2 })]);
    } finally {
      stopSuite(run);
    }
  },
);

held(
  'a payment intent that timed out but was created is reconciled as "happened", not counted as a plain failure',
  async ({ held: { sandbox, bothFlowsMidFlight } }) => {
    // Intents take HOLD_MS (5 s); the client gives up after 3 s, and the server creates the intent anyway,
    // within the 3 s the reconciliation gives it after the timeout.
    const run = startSuite(test.info(), suiteEnv(sandbox, { OP_TIMEOUT_MS: '3000' }), ['--project=C2']);
    try {
      await bothFlowsMidFlight(run);
      const { code } = await endsWithinBound(run);
      expect(code).toBe(1);
      const stage = stageOf(run.report(), 2);
      expect(stage).toMatchObject({ flows: 2, fail: 2 });
      expect(stage.ops.createPaymentIntent).toMatchObject({ n: 2, censored: 2 });
      expect(stage.indeterminate).toMatchObject({ writes: 2, happened: 2, didNotHappen: 0, unknown: 0 });
      for (const example of stage.indeterminate.examples)
        expect(example).toMatch(/createPaymentIntent: happened \(request [0-9a-f-]+: status payment\)/);
      const markdown = readFileSync(join(run.reportsDir, run.runId, 'report.md'), 'utf8');
      expect(markdown).toContain('C2: 2 — 2 happened, 0 did not happen, 0 unknown');
    } finally {
      stopSuite(run);
    }
  },
);
