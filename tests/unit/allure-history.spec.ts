// Which earlier runs of allure-results npm run report:allure adds to the Allure history before a run's report.
import { expect, test } from '@playwright/test';
import { runsToAdd, type RunOfResults } from '../../scripts/allure-history.ts';

const run = (n: number): RunOfResults => ({ runId: `run-${n}`, start: n * 100, stop: n * 100 + 50 });
const runs = [1, 2, 3, 4, 5].map(run);
const ids = (list: RunOfResults[]) => list.map((r) => r.runId);

test('an empty history gets the runs before the current one, oldest first, the latest `max` of them', () => {
  const empty = { names: new Set<string>(), end: -Infinity };
  expect(ids(runsToAdd(runs, run(5), empty))).toEqual(['run-1', 'run-2', 'run-3', 'run-4']);
  expect(ids(runsToAdd(runs, run(5), empty, 2))).toEqual(['run-3', 'run-4']);
  expect(runsToAdd(runs, run(1), empty)).toEqual([]);
});

test('a history adds only the runs after its newest line and not in it by name', () => {
  expect(ids(runsToAdd(runs, run(5), { names: new Set(['escrow-ramp run-2']), end: run(2).stop }))).toEqual(['run-3', 'run-4']);
  expect(ids(runsToAdd(runs, run(5), { names: new Set(['escrow-ramp run-3']), end: -Infinity }))).toEqual(['run-1', 'run-2', 'run-4']);
});
