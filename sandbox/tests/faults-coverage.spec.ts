// Every fault switch of sandbox/src/faults.ts has a test in a faults-*.spec.ts
// file of this folder (the themed files share their setup through support/faulty.ts).
import { FAULT_NAMES } from '../src/faults.ts';
import { expect, test } from '@playwright/test';
import { testedSwitches } from './support/faulty.ts';

test('every fault switch in FAULT_SWITCHES has a test in the faults-*.spec.ts files', () => {
  const tested = new Set([...testedSwitches().values()].flat());
  expect([...tested].sort()).toEqual([...FAULT_NAMES].sort());
});
