// The ramp's CLI (`npx playwright test ...`) as a user runs it, for the tests
// that need a whole run: from the repo root, on a clean environment plus the
// variables a case sets, with every file it writes under one folder.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { EnvSchema } from '../../../config/env.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

export interface Run {
  code: number | null;
  output: string;
}

/** Runs `npx playwright test <args>` writing under `dir`; killed after `timeoutMs`. Exit code and output (stdout and stderr). */
export function rampCli(dir: string, env: Record<string, string>, args: string[], timeoutMs: number): Promise<Run> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      // Neither this test runner's own variables nor the suite's configuration leak into the child.
      ([key]) => !(key in EnvSchema.shape) && !/^(TEST_|PW_|PLAYWRIGHT_|ESCROW_|SANDBOX_|ALLURE_|REPORTS_DIR$|FORCE_COLOR$|CI$)/.test(key),
    ),
  );
  return new Promise<Run>((resolve, reject) => {
    const child = spawn('npx', ['playwright', 'test', ...args, '--output', join(dir, 'test-results')], {
      cwd: ROOT,
      env: {
        ...base,
        REPORTS_DIR: join(dir, 'reports'),
        PLAYWRIGHT_HTML_OUTPUT_DIR: join(dir, 'html'),
        PLAYWRIGHT_BLOB_OUTPUT_DIR: join(dir, 'blob'),
        ALLURE_RESULTS_DIR: join(dir, 'allure'),
        FORCE_COLOR: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
