// Operations endpoints: health, versions, Prometheus metrics, and fixture routes switched off.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { data, health, toPaymentIntent } from './support/flow.ts';
import { expect, test } from './support/faulty.ts';

const sandboxVersion = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

const alive = (pid: number) => {
  try {
    return process.kill(pid, 0);
  } catch {
    return false;
  }
};

/** Sum of the samples of `name` whose labels include `labels`; NaN when there is none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = Number.NaN;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum = (Number.isNaN(sum) ? 0 : sum) + Number(m[3]);
  }
  return sum;
}

test("/health lists backend, scanner, postgres and chain as up, with live PIDs and the launcher's restart counts", async ({
  api,
  stack,
}) => {
  const report = await health(stack.url);
  expect(report.httpStatus).toBe(200);
  expect(report.status).toBe('ok');
  expect(report.components.map((c) => c.name).sort()).toEqual(['backend', 'chain', 'postgres', 'scanner']);
  const launcher = new Map(stack.components().map((c) => [c.name, c]));
  for (const c of report.components) {
    expect(c.state, c.name).toBe('up');
    expect(c.restarts, c.name).toBe(launcher.get(c.name)!.restarts);
    expect(c.pid, c.name).toEqual(expect.any(Number));
    expect(alive(c.pid!), `${c.name} pid ${c.pid} is alive`).toBe(true);
  }
  expect(report.components.find((c) => c.name === 'backend')!.pid).toBe(stack.backend.child!.pid);
  expect(report.components.find((c) => c.name === 'scanner')!.pid).toBe(stack.scanner.child!.pid);
  // The driver's view of the same endpoint validates against the contract.
  expect(data(await api.health()).status).toBe('ok');
});

test('/version names the git commit and the version of every component', async ({ api, stack }) => {
  const version = data(await api.version());
  const sha = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  expect(version.service).toBe('escrow-sandbox');
  expect(version.gitSha).toBe(sha);
  expect(version.components.backend).toEqual({ version: sandboxVersion, gitSha: sha });
  expect(version.components.scanner).toEqual({ version: sandboxVersion, gitSha: sha });
  expect(version.components.postgres?.version).toMatch(/^\d+(\.\d+)?/);
  expect(version.components.chain?.version).toMatch(/hardhat/i);
  expect(version.components.token?.version.toLowerCase()).toContain(stack.tokenAddress.toLowerCase());
  expect(version.components.node?.version).toMatch(/^v\d+\./);
});

test('/metrics is Prometheus text whose HTTP, Socket.IO, notification, scanner and restart series move with traffic', async ({
  api,
  stack,
  newUser,
  inbox,
}) => {
  const scrape = async () => {
    const res = await fetch(new URL('/metrics', stack.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };
  const before = await scrape();
  const names = [
    'http_request_duration_seconds',
    'socketio_connected_clients',
    'socketio_events_emitted_total',
    'notification_inserts_total',
    'scanner_backlog',
    'scanner_lag_blocks',
    'sandbox_component_restarts',
  ];
  for (const name of names) expect(before, name).toMatch(new RegExp(`^# TYPE ${name} (counter|gauge|histogram)$`, 'm'));
  const posts = (text: string) =>
    sample(text, 'http_request_duration_seconds_count', { method: 'POST', route: '/requests', status_code: '201' });
  const counter = (text: string, name: string) => sample(text, name) || 0;

  const buyer = await newUser('buyer');
  const seller = await newUser('seller');
  const box = await inbox(stack.url, seller);
  const { request } = await toPaymentIntent(api, buyer, [seller]);
  await box.waitFor((n) => n.type === 'offer_accepted' && n.requestId === request.id, 10_000);

  const after = await scrape();
  expect(posts(after)).toBeGreaterThanOrEqual((posts(before) || 0) + 1);
  expect(
    sample(after, 'http_request_duration_seconds_bucket', { route: '/requests/:id/payment-intents', le: '+Inf' }),
  ).toBeGreaterThanOrEqual(1);
  // invited + offer created + accepted: three rows at least, each emitted.
  expect(counter(after, 'notification_inserts_total')).toBeGreaterThanOrEqual(counter(before, 'notification_inserts_total') + 3);
  await expect
    .poll(async () => counter(await scrape(), 'socketio_events_emitted_total'))
    .toBeGreaterThanOrEqual(counter(before, 'socketio_events_emitted_total') + 3);
  expect(sample(after, 'socketio_connected_clients')).toBeGreaterThanOrEqual(1);
  // The scanner's series are merged in: it watches the pending payment just created.
  await expect.poll(async () => sample(await scrape(), 'scanner_backlog')).toBeGreaterThanOrEqual(1);
  expect(sample(after, 'scanner_lag_blocks')).toBeGreaterThanOrEqual(0);
  for (const name of ['backend', 'scanner', 'postgres', 'chain']) {
    expect(sample(after, 'sandbox_component_restarts', { name }), name).toBe(stack.components().find((c) => c.name === name)!.restarts);
  }
});

test('POST /test/deposits is not a route when the sandbox starts with fixtures disabled', async ({ api, faulty, newUser }) => {
  test.setTimeout(90_000);
  expect(data(await api.chain()).fixturesEnabled).toBe(true);
  const driver = (await faulty('', { fixtures: false })).api;
  expect(data(await driver.chain()).fixturesEnabled).toBe(false);
  const buyer = await newUser('buyer', driver);
  const { request, payment } = await toPaymentIntent(driver, buyer, [await newUser('seller', driver)]);
  const res = await driver.fixtureDeposit(buyer.token, payment.id);
  expect(res.status).toBe(404);
  expect(res.error).toMatchObject({ error: 'not_found', message: expect.stringContaining('POST /test/deposits is not a route') });
  expect(data(await driver.getPayment(buyer.token, payment.id)).status).toBe('pending');
  expect(data(await driver.getRequest(buyer.token, request.id)).status).toBe('payment');
  expect(data(await driver.paymentLedger(buyer.token, payment.id)).journals).toEqual([]);
});
