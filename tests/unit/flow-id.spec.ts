import { expect, test } from '@playwright/test';
import { flowId, roundOf } from '../../config/flow-id.ts';
import { workersFor } from '../../config/stages.ts';

test('with ROUNDS=2 at C2 the four flows get four names: the second round is -R2 whichever process ran it', () => {
  const ids = [0, 1, 2, 3].map((repeatEachIndex) => flowId({ stage: 2, repeatEachIndex, workers: 2, nth: 1 }));
  expect(ids).toEqual(['C2-W01', 'C2-W02', 'C2-W01-R2', 'C2-W02-R2']);
});

test('fixed-duration flows of one slot are numbered on from the first', () => {
  expect([1, 2, 3].map((nth) => flowId({ stage: 8, repeatEachIndex: 2, workers: 8, nth }))).toEqual(['C8-W03', 'C8-W03-R2', 'C8-W03-R3']);
  expect(roundOf({ repeatEachIndex: 2, workers: 8, nth: 3 })).toBe(3);
});

test('C256 on 32 processes of 8 flows, over 2 rounds and 2 shards, names 1024 flows without a repeat', () => {
  const workers = workersFor(256, 8);
  const ids = new Set<string>();
  for (const shard of [1, 2])
    for (let repeatEachIndex = 0; repeatEachIndex < workers * 2; repeatEachIndex++)
      for (let slot = 0; slot < 8; slot++) ids.add(flowId({ stage: 256, repeatEachIndex, workers, nth: 1, slot, shard }));
  expect(ids.size).toBe(2 * workers * 2 * 8);
  expect(flowId({ stage: 256, repeatEachIndex: 34, workers, nth: 1, slot: 4, shard: 2 })).toBe('C256-S2-W03-F05-R2');
});
