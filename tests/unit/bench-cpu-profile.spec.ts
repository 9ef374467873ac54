import { expect, test } from '@playwright/test';
import { groupOf, summarise, type CpuProfile } from '../../bench/cpu-profile-groups.ts';

const ROOT = '/repo';
const frame = (functionName: string, url = '') => ({ functionName, url });

// (root) ─┬─ spec top level ── zod parse ── compileFunction
//         ├─ (idle)
//         ├─ escrowFlow ── undici request
//         └─ (garbage collector)
const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 5, 6, 7] },
    { id: 2, callFrame: frame('', 'file:///repo/tests/escrow-flow.spec.ts'), children: [3] },
    { id: 3, callFrame: frame('parse', 'file:///repo/node_modules/zod/v4/core/schemas.js'), children: [4] },
    { id: 4, callFrame: frame('compileFunction') },
    { id: 5, callFrame: frame('(idle)') },
    { id: 6, callFrame: frame('escrowFlow', 'file:///repo/flow/escrow-flow.ts'), children: [8] },
    { id: 7, callFrame: frame('(garbage collector)') },
    { id: 8, callFrame: frame('request', 'file:///repo/node_modules/undici/lib/api/api-request.js') },
  ],
  startTime: 0,
  endTime: 11_000,
  // Sample times 0, 1, 3, 4, 8, 9, 11 ms: each sample lasts until the next one, the last one 0 ms.
  samples: [3, 4, 5, 6, 8, 7, 3],
  timeDeltas: [0, 1000, 2000, 1000, 4000, 1000, 2000],
};
const MARKER = /flow\/escrow-flow\.ts/;

test('a sample counts for its top frame as self time and once for each group on its stack, split at the marker', () => {
  const s = summarise(PROFILE, ROOT, MARKER);
  expect(s).toMatchObject({ wallMs: 11, cpuScale: 1, markerAtMs: 4 });
  // Before the marker: zod 1 ms, then compile 2 ms under zod under the spec; the idle 1 ms is no CPU.
  expect(s.before.cpuMs).toBe(3);
  expect(s.before.groups).toEqual([
    { group: 'module load and compile (node)', selfMs: 2, inclusiveMs: 2 },
    { group: 'zod', selfMs: 1, inclusiveMs: 3 },
    { group: 'suite: tests/', selfMs: 0, inclusiveMs: 3 },
  ]);
  // From the marker: the flow 4 ms, undici 1 ms under the flow, GC 2 ms; the last sample lasts 0 ms and counts nowhere.
  expect(s.after.cpuMs).toBe(7);
  expect(s.after.groups).toEqual([
    { group: 'suite: flow/', selfMs: 4, inclusiveMs: 5 },
    { group: 'GC', selfMs: 2, inclusiveMs: 2 },
    { group: 'undici', selfMs: 1, inclusiveMs: 1 },
  ]);
});

test("the process's CPU time scales the sampled time: 5 CPU ms over 10 sampled ms halves every figure", () => {
  const s = summarise({ ...PROFILE, processCpuMs: 5 }, ROOT, MARKER);
  expect(s.cpuScale).toBe(0.5);
  expect([s.before.cpuMs, s.after.cpuMs]).toEqual([1.5, 3.5]);
  expect(s.after.groups[0]).toEqual({ group: 'suite: flow/', selfMs: 2, inclusiveMs: 2.5 });
});

test('without the marker everything is before it', () => {
  const s = summarise(PROFILE, ROOT, /never-runs\.ts/);
  expect(s.markerAtMs).toBeNull();
  expect([s.before.cpuMs, s.after.cpuMs]).toEqual([10, 0]);
});

test('frames are grouped by what the issue asks about: reporters, IPC, socket.io, the recorder, module loading', () => {
  const pw = 'file:///repo/node_modules/playwright/lib';
  expect(groupOf(frame('onStepEnd', `${pw}/reporters/html.js`), ROOT)).toBe('reporter: html');
  expect(groupOf(frame('x', `${pw}/common/process.js`), ROOT)).toBe('IPC (Playwright process messages)');
  expect(groupOf(frame('parseChannelMessages', 'node:internal/child_process/serialization'), ROOT)).toBe('IPC and child processes (node)');
  expect(groupOf(frame('onTestEnd', 'file:///repo/node_modules/allure-playwright/dist/cjs/index.js'), ROOT)).toBe('reporter: allure');
  expect(groupOf(frame('emit', 'file:///repo/node_modules/engine.io-client/build/cjs/socket.js'), ROOT)).toBe('socket.io-client/engine.io');
  expect(groupOf(frame('record', 'file:///repo/flow/recorder.ts'), ROOT)).toBe('suite: flow/recorder.ts');
  expect(groupOf(frame('render', 'file:///repo/reporter/profile-reporter.ts'), ROOT)).toBe('reporter: suite (profile, allure hooks)');
  expect(groupOf(frame('wrapCallSite', `${pw}/../../playwright-core/lib/utilsBundle.js`), ROOT)).toBe('stack capture and source maps');
  expect(groupOf(frame('loadESM', 'node:internal/modules/esm/loader'), ROOT)).toBe('module load and compile (node)');
  expect(groupOf(frame('x', 'file:///repo/node_modules/left-pad/index.js'), ROOT)).toBe('left-pad');
});
