import { expect, test } from '@playwright/test';
import { flowsForTest, workersFor } from '../../config/stages.ts';

test('one flow per worker by default: a stage runs on as many workers as its level', () => {
  for (const level of [1, 2, 8, 64]) {
    expect(workersFor(level, 1)).toBe(level);
    expect(Array.from({ length: level }, (_, i) => flowsForTest(level, 1, i))).toEqual(Array(level).fill(1));
  }
});

test('FLOWS_PER_WORKER packs a stage onto fewer workers and every generation still starts exactly level flows', () => {
  for (const [level, perWorker, workers] of [
    [256, 8, 32],
    [128, 8, 16],
    [4, 8, 1],
    [10, 4, 3],
    [7, 2, 4],
  ] as const) {
    expect(workersFor(level, perWorker)).toBe(workers);
    // Two rounds: repeat indexes 0..2w-1, each generation of w tests sums to the level.
    const flows = Array.from({ length: workers * 2 }, (_, i) => flowsForTest(level, perWorker, i));
    expect(flows.slice(0, workers).reduce((a, b) => a + b, 0)).toBe(level);
    expect(flows.slice(workers).reduce((a, b) => a + b, 0)).toBe(level);
    expect(Math.max(...flows)).toBeLessThanOrEqual(perWorker);
    expect(Math.max(...flows) - Math.min(...flows)).toBeLessThanOrEqual(1);
  }
});
