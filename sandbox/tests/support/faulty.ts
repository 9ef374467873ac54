// Shared by the fault-switch specs (sandbox/tests/faults-*.spec.ts): the `faulty`
// fixture (a private backend+scanner started with fault switches - or none, with
// fixture deposits or the status route off - beside the worker's healthy stack),
// the title of a test of one switch, and the coverage check's reading of which
// switches those specs test.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sandbox } from '../../src/launcher/sandbox.ts';
import { HttpEscrowDriver } from '../../../adapters/sandbox/driver.ts';
import { test as base, type FaultyOptions } from './fixtures.ts';

export { expect, type Actor } from './fixtures.ts';

export interface Faulty {
  sandbox: Sandbox;
  /** A driver of the faulty sandbox (the worker's `api` fixture talks to the healthy stack). */
  api: HttpEscrowDriver;
}

export const test = base.extend<{
  faulty: (faults: string, options?: FaultyOptions) => Promise<Faulty>;
}>({
  faulty: async ({ withFaults }, use) => {
    const opened: Faulty[] = [];
    await use(async (faults, options) => {
      const sandbox = await withFaults(faults, options);
      const faulty = { sandbox, api: new HttpEscrowDriver(sandbox.url, { timeoutMs: 30_000 }) };
      opened.push(faulty);
      return faulty;
    });
    // Stop early to free the two cores; withFaults' own teardown then has nothing left to stop.
    for (const { sandbox, api } of opened) {
      await api.close();
      await sandbox.stop();
    }
  },
});

/** The title of a test of one fault switch. The coverage test finds the switch by this call in the spec's source. */
export const fault = (name: string, behaviour: string): string => `${name}: ${behaviour}`;

export const sumPostings = (postings: { amount: string }[]) => postings.reduce((sum, p) => sum + BigInt(p.amount), 0n);

/** The folder of the fault-switch specs. */
export const FAULT_SPECS_DIR = new URL('..', import.meta.url).pathname;

/** Switches named by a `fault('<switch>', ...)` title in the faults-*.spec.ts files of `dir`, per file. */
export function testedSwitches(dir = FAULT_SPECS_DIR): Map<string, string[]> {
  const files = readdirSync(dir).filter((f) => /^faults-.*\.spec\.ts$/.test(f));
  return new Map(files.map((f) => [f, [...readFileSync(join(dir, f), 'utf8').matchAll(/\bfault\(\s*[`'"]([a-z-]+)/g)].map((m) => m[1]!)]));
}
