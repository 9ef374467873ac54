// The scanner process: a polling loop plus a small HTTP API for on-demand
// checks (the backend's POST /payments/:id/check) and metrics.
import { createServer } from 'node:http';
import { JsonRpcProvider, Network } from 'ethers';
import client from 'prom-client';
import { createPool } from '../db/pool.ts';
import { parseFaults } from '../faults.ts';
import { announceReady, intEnv, listenLoopback, onShutdown, requireEnv, startingComponent } from '../lib/process.ts';
import { toPaymentDto } from '../domain/payments.ts';
import { Scanner } from './scanner.ts';

await startingComponent('scanner');
const faults = parseFaults(process.env.SANDBOX_FAULTS);
const chainId = intEnv('CHAIN_ID', 31337, 1, 2 ** 31 - 1);
const intervalMs = intEnv('SCANNER_INTERVAL_MS', 250, 10, 60_000);
const db = createPool(requireEnv('PG_URL'), 10);
const provider = new JsonRpcProvider(requireEnv('RPC_URL'), Network.from(chainId), { staticNetwork: true, polling: false });
const actual = Number((await provider.getNetwork()).chainId);
if (actual !== chainId) throw new Error(`RPC_URL serves chain ${actual}, but CHAIN_ID is ${chainId}`);

const registry = new client.Registry();
registry.setDefaultLabels({ component: 'scanner' });
client.collectDefaultMetrics({ register: registry });
const m = {
  backlog: new client.Gauge({ name: 'scanner_backlog', help: 'Pending payments being watched', registers: [registry] }),
  lag: new client.Gauge({
    name: 'scanner_lag_blocks',
    help: 'Blocks between chain head and the oldest scan position',
    registers: [registry],
  }),
  head: new client.Gauge({ name: 'scanner_head_block', help: 'Latest block seen', registers: [registry] }),
  lastScan: new client.Gauge({ name: 'scanner_last_scan_timestamp_seconds', help: 'When the last pass finished', registers: [registry] }),
  deposits: new client.Counter({ name: 'scanner_deposits_total', help: 'Transfers recorded as deposits', registers: [registry] }),
  credits: new client.Counter({ name: 'scanner_confirmations_total', help: 'Payments confirmed', registers: [registry] }),
  inserts: new client.Counter({ name: 'notification_inserts_total', help: 'Notification rows inserted', registers: [registry] }),
  errors: new client.Counter({
    name: 'scanner_errors_total',
    help: 'Failed passes or checks',
    labelNames: ['kind'],
    registers: [registry],
  }),
  check: new client.Histogram({
    name: 'scanner_check_duration_seconds',
    help: 'On-demand check duration',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }),
};

const scanner = new Scanner({
  db,
  provider,
  chainId,
  faults,
  onDeposit: () => m.deposits.inc(),
  onConfirm: (n) => {
    m.credits.inc();
    m.inserts.inc(n);
  },
});

// Fault scanner-stall: the process stays up but never makes progress again.
const stalled = new Promise<never>(() => undefined);

let stopping = false;
let timer: NodeJS.Timeout | undefined;
async function loop(): Promise<void> {
  if (stopping) return;
  if (faults.scannerStall) await stalled;
  try {
    const stats = await scanner.scanOnce();
    m.backlog.set(stats.backlog);
    m.lag.set(stats.lagBlocks);
    m.head.set(stats.latestBlock);
    m.lastScan.set(Date.now() / 1000);
  } catch (err) {
    m.errors.inc({ kind: 'scan' });
    console.error(`scan failed: ${(err as Error).message}`);
  }
  if (!stopping) timer = setTimeout(loop, intervalMs);
}

const server = createServer(async (req, res) => {
  const send = (status: number, body: unknown, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  try {
    const check = req.method === 'POST' && /^\/check\/([0-9a-f-]{36})$/.exec(req.url ?? '');
    if (check) {
      const end = m.check.startTimer();
      if (faults.scannerStall) await stalled;
      const payment = await scanner.check(check[1]!);
      end();
      return payment ? send(200, toPaymentDto(payment)) : send(404, { error: 'not_found', message: `payment ${check[1]} does not exist` });
    }
    if (req.method === 'GET' && req.url === '/health') return send(200, { status: 'ok', pid: process.pid });
    if (req.method === 'GET' && req.url === '/metrics.json') return send(200, await registry.getMetricsAsJSON());
    if (req.method === 'GET' && req.url === '/metrics') return send(200, await registry.metrics(), registry.contentType);
    send(404, { error: 'not_found', message: `${req.method} ${req.url} is not a scanner route` });
  } catch (err) {
    m.errors.inc({ kind: 'check' });
    send(500, { error: 'scanner_error', message: (err as Error).message });
  }
});

const url = await listenLoopback(server, intEnv('SCANNER_PORT', 0, 0, 65535));
void loop();
announceReady('scanner', url);

onShutdown(async () => {
  stopping = true;
  clearTimeout(timer);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await db.end();
});
