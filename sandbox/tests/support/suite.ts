// Runs the real suite (`playwright test` with the root config) as a child
// process for tests that watch it from outside: refusals, survival. Each run
// gets its own output folders, so runs in parallel never clear each other's.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestInfo } from '@playwright/test';
import { Report } from '../../../reporter/schema.ts';
import { processTree } from '../../../sampler/proc.ts';
import { readProc } from '../../../lib/proc.ts';
import { procTable } from '../../../sampler/sources/processes.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const CLI = join(ROOT, 'node_modules/@playwright/test/cli.js');

export interface SuiteRun {
  /** The Playwright runner's PID; it leads its own process group, as a shell job does. */
  pid: number;
  runId: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** reports/<runId>/report.json of the run, parsed (throws if the reporter wrote none). */
  report: () => Report;
  /** The run's workers/<id>.json files as the flows wrote them. */
  reportsDir: string;
}

export function startSuite(testInfo: TestInfo, env: Record<string, string>, args: string[]): SuiteRun {
  const out = (name: string) => testInfo.outputPath(name);
  const runId = env.RUN_ID ?? `suite-${testInfo.workerIndex}-${Date.now().toString(36)}`;
  const reportsDir = out('reports');
  const child = spawn(process.execPath, [CLI, 'test', ...args, `--output=${out('test-results')}`], {
    cwd: ROOT,
    env: {
      ...process.env,
      CI: '',
      RUN_ID: runId,
      REPORTS_DIR: reportsDir,
      PLAYWRIGHT_HTML_OUTPUT_DIR: out('playwright-report'),
      PLAYWRIGHT_BLOB_OUTPUT_DIR: out('blob-report'),
      ALLURE_RESULTS_DIR: out('allure-results'),
      SANDBOX_STATE_FILE: out('sandbox-state.json'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  child.stdout.on('data', (d) => (text += d));
  child.stderr.on('data', (d) => (text += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const file = join(reportsDir, runId, 'report.json');
  return {
    pid: child.pid!,
    runId,
    output: () => text,
    exited,
    reportsDir,
    report: () => {
      if (!existsSync(file)) throw new Error(`the run wrote no ${file}; its output:\n${text.slice(-3000)}`);
      return Report.parse(JSON.parse(readFileSync(file, 'utf8')));
    },
  };
}

/** Runs the suite to its end and returns its exit code and output: for runs that must be refused. */
export async function runToEnd(
  testInfo: TestInfo,
  env: Record<string, string>,
  args: string[],
): Promise<{ code: number | null; output: string }> {
  const run = startSuite(testInfo, env, args);
  try {
    const { code } = await run.exited;
    return { code, output: run.output() };
  } finally {
    stopSuite(run);
  }
}

/** Stops a run still going (a failed test must not leave it behind): its whole process group, which it leads. */
export function stopSuite(run: SuiteRun): void {
  try {
    process.kill(-run.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** PIDs of the run's Playwright worker processes (descendants of the runner running the worker entry). */
export function workerPids(run: SuiteRun): number[] {
  const parents = new Map([...procTable()].map(([pid, stat]) => [pid, stat.ppid]));
  return processTree(run.pid, parents).filter((pid) => readProc(`/proc/${pid}/cmdline`)?.includes('workerProcessEntry'));
}
