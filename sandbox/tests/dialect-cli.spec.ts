// SANDBOX_DIALECT through the sandbox's CLI (npm run sandbox): the dialect's URL on stdout and in the state file,
// and an unknown dialect refused with one message before anything starts.
import { readFileSync } from 'node:fs';
import { launch, printed, stopLaunched, watchTree } from './support/cli.ts';
import { bazaar, expect, expectStatus, test } from './support/dialect.ts';

test('the CLI: SANDBOX_DIALECT=bazaar prints SANDBOX_DIALECT_URL after SANDBOX_URL and writes dialectUrl; an unknown dialect is one message before anything starts', async ({}, testInfo) => {
  test.setTimeout(120_000);
  const refused = launch({ SANDBOX_STATE_FILE: testInfo.outputPath('refused.json'), SANDBOX_DIALECT: 'soap' });
  const spawned = await watchTree(refused);
  expect((await refused.exited).code).toBe(1);
  const messages = refused.stderr.filter((line) => line.startsWith('sandbox: '));
  expect(messages, refused.stderr.join('\n')).toHaveLength(1);
  expect(messages[0]).toContain('SANDBOX_DIALECT="soap"');
  expect(messages[0]).toContain('bazaar');
  expect(refused.stderr.join('\n')).toMatch(/^ {2}what to do: .*bazaar/m);
  expect(
    refused.stderr.filter((line) => /^\s+at /.test(line)),
    'stack frames',
  ).toEqual([]);
  expect(
    [...spawned.values()].filter((cmd) => /sandbox\/src\/|hardhat|postgres/.test(cmd)),
    'processes started',
  ).toEqual([]);

  const stateFile = testInfo.outputPath('state.json');
  const launched = launch({ SANDBOX_STATE_FILE: stateFile, SANDBOX_DIALECT: 'bazaar' });
  try {
    const dialectUrl = await printed(launched, 'SANDBOX_DIALECT_URL', 80_000);
    const lines = launched.stdout.map((line) => line.split('=')[0]);
    expect(lines.indexOf('SANDBOX_DIALECT_URL')).toBe(lines.indexOf('SANDBOX_URL') + 1);
    expect(dialectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { url: string; dialectUrl: string };
    expect(state.dialectUrl).toBe(dialectUrl);
    expect(dialectUrl).not.toBe(state.url);
    const about = await expectStatus(bazaar(dialectUrl)('GET', '/api/about'), 200, 'about');
    expect(about.decimals).toBe(18);
    const logs = await printed(launched, 'SANDBOX_LOGS', 5_000);
    expect(readFileSync(`${logs}/dialect.log`, 'utf8')).toContain('bazaar dialect on');
  } finally {
    await stopLaunched(launched);
  }
  expect((await launched.exited).code).toBe(0);
});
