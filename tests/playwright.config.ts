// The project's own tests (npm test): unit tests of pure logic (unit/), tests
// that start servers and child processes (integration/: the coordinator over
// HTTP, redis-server, the ramp's CLI, the allure CLI), and the sandbox's
// integration tests against real Postgres, chain and Socket.IO.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  reporter: process.env.CI ? [['list'], ['junit', { outputFile: '../test-results/self/junit.xml' }]] : 'list',
  outputDir: '../test-results/self',
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // Each sandbox test worker runs a whole stack: two fit this two-core machine.
  workers: 2,
  projects: [
    { name: 'unit', testDir: './unit' },
    { name: 'integration', testDir: './integration' },
    { name: 'sandbox', testDir: '../sandbox/tests' },
  ],
});
