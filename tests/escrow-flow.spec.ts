// One test = one complete, isolated escrow flow (the spec's "Test Shape").
// A stage project runs it level x ROUNDS times on level workers at once.
import { expect, test } from '../fixtures/flow.ts';
import { escrowFlow } from '../flow/escrow-flow.ts';
import { flowsForTest } from '../config/stages.ts';

test('buyer and sellers complete an escrow purchase with payment credited once and notifications to the right users only', async ({
  run,
  flows,
}, testInfo) => {
  // One flow per test, or FLOWS_PER_WORKER isolated flows at once in this worker process, each its own slot.
  const slots = flowsForTest(run.stage, run.cfg.FLOWS_PER_WORKER, testInfo.repeatEachIndex);
  const failures = (await Promise.all(Array.from({ length: slots }, (_, slot) => flows.run(slot, slots, escrowFlow)))).flat();
  expect(failures, 'failed flows of this worker').toEqual([]);
});
