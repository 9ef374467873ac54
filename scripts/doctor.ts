// npm run doctor: checks the target adapter against the target in a bounded number of requests - one user per
// role, one socket each, one flow in PAYMENT_MODE, every read once - without running a stage or Playwright's
// runner. Prints a table of capabilities and of each step; exit 0 when every step of the mode passed, 1 at the
// first blocking mismatch (one message: the step, what was sent, what came back, what the adapter expected),
// 2 on a bad configuration. BASE_URL unset: it starts the embedded sandbox (fixture mode unless PAYMENT_MODE says).
import 'dotenv/config';
import { Checkup, renderTables } from './doctor/checkup.ts';
import { DoctorFailure, failureMessage } from './doctor/failure.ts';
import { examine } from './doctor/flow.ts';
import { LIVE_NOT_CHECKED } from './doctor/payment.ts';
import { configure, openTarget, TargetStartError, UsageError, type Target } from './doctor/target.ts';
import type { Inbox } from '../driver/inbox.ts';

/** Per call and per socket connection: a target that does not answer is named within seconds, not minutes. */
const CALL_TIMEOUT_MS = 5_000;

const out = (text: string) => process.stdout.write(`${text}\n`);
const err = (text: string) => process.stderr.write(`${text}\n`);

/** What must be stopped however the doctor ends: sockets, the driver, the sandbox (last). */
const cleanups: (() => unknown)[] = [];
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (e) {
        err(`doctor: while stopping: ${(e as Error).message}`);
      }
    }
  })();
  return cleaning;
}

let interrupted: NodeJS.Signals | undefined;
/** True while the sandbox starts: it cannot be stopped before startSandbox returns its handle. */
let starting = false;
const signalCode = (signal: NodeJS.Signals) => (signal === 'SIGINT' ? 130 : 143);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = signal;
    err(`doctor: ${signal}: stopping${starting ? ' once the sandbox has started (its components are then stopped)' : ''}`);
    // A sandbox still starting is stopped by main as soon as it is up.
    if (!starting) void cleanUp().then(() => process.exit(signalCode(signal)));
  });

async function main(): Promise<number> {
  let config;
  try {
    config = await configure();
  } catch (e) {
    if (e instanceof UsageError) {
      err(`doctor: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const { adapter, mode } = config;
  let target: Target;
  starting = true;
  try {
    target = await openTarget(config, err);
  } catch (e) {
    if (e instanceof TargetStartError) {
      err(`doctor: the target could not be started\n${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    starting = false;
  }
  cleanups.push(() => target.stop());
  if (interrupted) return signalCode(interrupted); // stopped at once, by main's caller

  const checkup = new Checkup();
  let api;
  try {
    api = adapter.driver({ baseUrl: target.url, timeoutMs: CALL_TIMEOUT_MS, onCall: checkup.onCall, keepBodies: true });
  } catch (e) {
    err(`doctor: TARGET_ADAPTER=${JSON.stringify(adapter.source)}: its driver(options) threw: ${(e as Error).message}`);
    return 2;
  }
  if (api.close) cleanups.push(() => api.close?.());
  const inboxes: Inbox[] = [];
  cleanups.push(() => inboxes.forEach((inbox) => inbox.close()));

  out(`doctor: adapter "${adapter.name}" (${adapter.source}) against ${target.label}, PAYMENT_MODE=${mode}\n`);
  const started = Date.now();
  try {
    await examine({
      adapter,
      api,
      baseUrl: target.url,
      mode,
      checkup,
      timeoutMs: CALL_TIMEOUT_MS,
      opened: (i) => inboxes.push(i),
      usersFile: config.cfg.TARGET_USERS_FILE,
    });
  } catch (e) {
    // Stopped by a signal: what failed then is the doctor closing its own connections, not the target.
    if (interrupted) return signalCode(interrupted);
    if (!(e instanceof DoctorFailure)) throw e;
    out(renderTables(checkup, e.step));
    err(failureMessage(e, { target: target.label, adapter: adapter.name, mode }));
    return 1;
  }
  out(renderTables(checkup));
  const checked = checkup.rows.filter((r) => r.result === 'ok').length;
  out(
    `doctor: every step of PAYMENT_MODE=${mode} passed (${checked} checked, ${checkup.calls.length} requests, ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  if (mode === 'live') out(`doctor: ${LIVE_NOT_CHECKED}; the steps after the payment intent were not run`);
  return 0;
}

let code: number;
try {
  code = await main();
} finally {
  await cleanUp();
}
process.exit(interrupted ? signalCode(interrupted) : code);
