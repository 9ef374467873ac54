// Workers load ethers, pg and mongodb only in the modes that need them (issue 7: a lean runner).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { id } from 'ethers';
import { TRANSFER_TOPIC } from '../../flow/probes.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Every module URL Node resolves while importing `modules` in a fresh process (tsx as a worker runs it). */
function resolvedWhileImporting(modules: string[], file: string): string[] {
  const register = `data:text/javascript,import{register}from'node:module';import{pathToFileURL}from'node:url';register('./tests/integration/support/record-resolve.mjs',pathToFileURL('./'));`;
  const res = spawnSync(
    process.execPath,
    ['--import', register, '--import', 'tsx', '--input-type=module', '-e', modules.map((m) => `await import('${m}');`).join('')],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, RECORD_RESOLVE_FILE: file } },
  );
  expect(res.status, res.stderr).toBe(0);
  return readFileSync(file, 'utf8').trim().split('\n');
}

test('the inlined ERC-20 Transfer topic is keccak256 of its signature', () => {
  expect(TRANSFER_TOPIC).toBe(id('Transfer(address,address,uint256)'));
});

test('a worker loading the flow, its fixtures and probes does not load ethers, pg or mongodb until a mode needs them', () => {
  const heavy = (urls: string[]) => urls.filter((u) => /\/node_modules\/(ethers|pg|mongodb)\//.test(u));
  const urls = resolvedWhileImporting(
    ['./fixtures/flow.ts', './flow/payment.ts', './flow/probes.ts', './flow/system-of-record.ts', './flow/reconcile.ts'],
    test.info().outputPath('resolved.txt'),
  );
  // undici is a static import of the run fixture: seeing it proves the probe sees packages at all.
  expect(urls.filter((u) => u.includes('/node_modules/undici/')).length, 'the probe sees packages').toBeGreaterThan(0);
  expect(heavy(urls)).toEqual([]);
  // The probe itself can see them: importing ethers shows up.
  expect(heavy(resolvedWhileImporting(['ethers'], test.info().outputPath('control.txt'))).length).toBeGreaterThan(0);
});
