// The ramp: one Playwright project per stage (C1, C2, C4 ...), each with as
// many workers as its concurrency level (level / FLOWS_PER_WORKER) and as
// many flows as level x ROUNDS.
import 'dotenv/config';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { defineConfig, type PlaywrightTestConfig, type ReporterDescription } from '@playwright/test';
import { parseEnvOrExit } from './runner/preflight.ts';
import { redactText } from './lib/redact.ts';
import { ALLURE_RESULTS_DIR, runDir } from './config/paths.ts';
import { selectedProjects } from './config/selection.ts';
import { stageName, workersFor } from './config/stages.ts';
import type { AllureRunOptions } from './reporter/allure-reporter.ts';

// A bad configuration prints one message (no stack trace) and exits 2: nothing has started yet.
const cfg = parseEnvOrExit();

// One run id for the runner and every worker (workers inherit this environment).
if (!process.env.RUN_ID) {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  process.env.RUN_ID = `${stamp}-${randomBytes(2).toString('hex')}`;
}
const runId = process.env.RUN_ID;
// The sandbox writes its secrets (funder key, Postgres password) here, mode 0600.
process.env.SANDBOX_STATE_FILE ??= `.sandbox/${runId}.json`;

const levels = cfg.CONCURRENCY_LEVELS;
const gateName = (level: number) => `gate-${stageName(level)}`;

// Selected projects run as one chain in ascending order - C1, gate-C1, C2, gate-C2 ... -
// so a stage's latency never includes another stage's load, and a failed gate
// stops the ramp (its dependents do not run). `--project=C8` alone is C8 alone.
const chosen = new Set(selectedProjects(levels, process.argv));
const chain = levels.flatMap((level) => [stageName(level), gateName(level)]).filter((name) => chosen.has(name));
const dependencies = (name: string) => (chain.indexOf(name) > 0 ? [chain[chain.indexOf(name) - 1]!] : []);

// FLOWS_PER_WORKER > 1: each worker process runs that many isolated flows at once (C128, C256 on one machine).
const workersOf = (level: number) => workersFor(level, cfg.FLOWS_PER_WORKER);

const projects: PlaywrightTestConfig['projects'] = levels.flatMap((level) => [
  {
    name: stageName(level),
    testMatch: 'escrow-flow.spec.ts',
    workers: workersOf(level),
    // Fixed-duration mode: one long test per worker that runs flows until the stage's deadline.
    repeatEach: cfg.STAGE_DURATION ? workersOf(level) : workersOf(level) * cfg.ROUNDS,
    fullyParallel: true,
    dependencies: dependencies(stageName(level)),
    metadata: { stage: level },
  },
  {
    name: gateName(level),
    testMatch: 'gate.spec.ts',
    workers: 1,
    dependencies: dependencies(gateName(level)),
    metadata: { gateFor: level },
  },
]);

export default defineConfig({
  testDir: './tests',
  // Every stage needs its level of workers at once: the default (half the cores) would serialise them.
  workers: Math.max(...levels.map(workersOf)),
  timeout: (cfg.STAGE_DURATION ?? 0) + cfg.OP_TIMEOUT_MS * 4 + cfg.BARRIER_TIMEOUT_MS + cfg.SCANNER_CONFIRM_TIMEOUT_MS,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  globalSetup: './runner/global-setup.ts',
  metadata: {
    runId,
    mode: cfg.mode,
    target: cfg.BASE_URL ? redactText(cfg.BASE_URL) : 'sandbox',
    levels,
    flowsPerWorker: cfg.FLOWS_PER_WORKER,
    // The stage length the reporter states (fixed duration, or rounds); here so merge-reports has it too.
    stageDurationMs: cfg.STAGE_DURATION ?? null,
    rounds: cfg.ROUNDS,
  },
  reporter: [
    ['list'],
    ['html', { open: 'never' }],
    ['blob'],
    // CI: failures as GitHub annotations, and every stage and gate test as JUnit in the run's folder (before the
    // profile reporter, so the file exists when its summary names it).
    ...(process.env.CI
      ? ([
          ['github'],
          ['junit', { outputFile: join(runDir(runId!), 'junit.xml'), includeProjectInTestName: true }],
        ] satisfies ReporterDescription[])
      : []),
    ['./reporter/profile-reporter.ts'],
    // By path with plain options: this file is evaluated in every worker too, and the Allure options' modules are not.
    [
      './reporter/allure-reporter.ts',
      {
        runId,
        mode: cfg.mode,
        baseUrl: cfg.BASE_URL ? redactText(cfg.BASE_URL) : undefined,
        resultsDir: ALLURE_RESULTS_DIR,
      } satisfies AllureRunOptions,
    ],
  ],
  use: { trace: 'off' },
  webServer: cfg.sandbox
    ? {
        command: 'node --import tsx sandbox/src/launcher/cli.ts',
        wait: { stdout: /SANDBOX_URL=(?<SANDBOX_URL>http:\/\/127\.0\.0\.1:\d+)/ },
        env: { SANDBOX_STATE_FILE: process.env.SANDBOX_STATE_FILE, SANDBOX_FIXTURES: '1' },
        stdout: 'ignore',
        stderr: 'pipe',
        timeout: 90_000,
        gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
      }
    : undefined,
  projects,
});
