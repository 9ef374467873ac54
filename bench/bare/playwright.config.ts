// A bare Playwright worker for comparison (npm run bench): the same number of
// workers as the stage, each running one empty test that only waits at a TCP
// barrier, so all of them are alive together as the stage's workers are.
import { defineConfig } from '@playwright/test';

const workers = Number(process.env.BENCH_BARE_WORKERS ?? '8');

export default defineConfig({
  testDir: '.',
  testMatch: 'empty.spec.ts',
  workers,
  fullyParallel: true,
  retries: 0,
  timeout: 300_000,
  reporter: 'dot',
  projects: [{ name: `bare-C${workers}`, workers, repeatEach: workers }],
});
