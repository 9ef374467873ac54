// Issue 15 item 2: `npm run baseline` proposes goals from a run; GOALS_FILE makes every reader of the latency goals use
// them instead of the starting goals; a bad goals file or BASELINE is one clear error naming the field.
import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseEnv } from '../../config/env.ts';
import { GoalsFileError, readGoalsFile } from '../../config/goals.ts';
import { LATENCY_GOALS, latencyGoals, STARTING_LATENCY_GOALS } from '../../config/stages.ts';
import { proposeGoals } from '../../reporter/compare-goals.ts';
import { syntheticRun } from '../../reporter/compare-synthetic.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'goals-'));
const write = (path: string, content: unknown) => {
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
};

test('proposed goals: observed x 1.25 rounded up to 10 ms, from the slowest stage, with the stage and sample count', () => {
  const c1 = syntheticRun({ runId: 'base', flows: 8, seed: 'x', stage: 1 });
  const c2 = syntheticRun({ runId: 'base', flows: 16, seed: 'y', stage: 2, factor: 2 });
  const report = { ...c1, stages: [...c1.stages, ...c2.stages], levels: [1, 2] };
  const goals = proposeGoals(report, 'reports/base/report.json');
  expect(goals.margin?.rule).toBe("observed × 1.25 (the highest over the run's stages), rounded up to a multiple of 10 ms");
  const login = goals.goals.login!;
  const observed = c2.stages[0]!.ops.login!.p95;
  expect(login.basis?.p95).toEqual({ observedMs: observed, stage: 2, n: 16 });
  expect(login.p95).toBe(Math.ceil((observed * 1.25) / 10) * 10);
  expect(login.label).toBe('login');
  expect(login.p50).toBeLessThanOrEqual(login.p95);
  expect(login.p95).toBeLessThanOrEqual(login.p99);
  expect(Object.keys(goals.goals)).toContain('fixtureDeposit'); // every measured op, not only those with starting goals
});

test('a baseline goals file round-trips: written, read back, and used by latencyGoals() and LATENCY_GOALS', () => {
  const goals = proposeGoals(syntheticRun({ runId: 'base', flows: 20, seed: 'x' }), 'reports/base/report.json');
  const file = write(join(dir(), 'goals.json'), goals);
  expect(readGoalsFile(file)).toEqual(goals);

  const inForce = latencyGoals({ GOALS_FILE: file });
  expect(inForce.createPaymentIntent).toEqual({
    label: 'create payment intent',
    p50: goals.goals.createPaymentIntent!.p50,
    p95: goals.goals.createPaymentIntent!.p95,
    p99: goals.goals.createPaymentIntent!.p99,
  });
  // An op the file does not name keeps its starting goal; one only the file names gets its op name as label.
  expect(inForce.notification).toEqual(STARTING_LATENCY_GOALS.notification);
  expect(inForce.fixtureDeposit?.label).toBe('fixtureDeposit');
  expect(latencyGoals({})).toBe(STARTING_LATENCY_GOALS);

  const before = process.env.GOALS_FILE;
  try {
    process.env.GOALS_FILE = file;
    expect(LATENCY_GOALS.login!.p95).toBe(goals.goals.login!.p95);
    expect(Object.keys(LATENCY_GOALS)).toContain('fixtureDeposit');
    expect(Object.fromEntries(Object.entries(LATENCY_GOALS))).toEqual(inForce);
    delete process.env.GOALS_FILE;
    expect(LATENCY_GOALS.login).toEqual(STARTING_LATENCY_GOALS.login);
    expect('fixtureDeposit' in LATENCY_GOALS).toBe(false);
  } finally {
    if (before === undefined) delete process.env.GOALS_FILE;
    else process.env.GOALS_FILE = before;
  }
});

test('a bad goals file is one error naming the field', () => {
  const at = dir();
  const bad = (name: string, content: unknown) => () => readGoalsFile(write(join(at, name), content));
  expect(bad('type.json', { version: 1, goals: { login: { p50: 10, p95: 'fast', p99: 30 } } })).toThrow(
    /type\.json: goals\.login\.p95: .*expected number/,
  );
  expect(bad('order.json', { version: 1, goals: { login: { p50: 10, p95: 40, p99: 30 } } })).toThrow(
    /goals\.login\.p99: must be at least p95 \(40\)/,
  );
  expect(bad('typo.json', { version: 1, goals: { login: { p50: 10, p90: 20, p95: 40, p99: 50 } } })).toThrow(/goals\.login: .*p90/);
  expect(bad('version.json', { goals: {} })).toThrow(/version\.json: version: /);
  expect(bad('empty.json', { version: 1, goals: {} })).toThrow(/goals: must name at least one op/);
  expect(bad('json.json', '{ not json')).toThrow(GoalsFileError);
});

test('GOALS_FILE and BASELINE are checked with the configuration: a clear error names the variable and what is wrong', () => {
  const at = dir();
  const goals = write(join(at, 'goals.json'), { version: 1, goals: { login: { p50: 10, p95: 'x', p99: 30 } } });
  expect(() => parseEnv({ GOALS_FILE: goals })).toThrow(ConfigError);
  expect(() => parseEnv({ GOALS_FILE: goals })).toThrow(/GOALS_FILE=".*goals\.json" is not a usable goals file: .*goals\.login\.p95/);
  expect(() => parseEnv({ BASELINE: join(at, 'nope') })).toThrow(/BASELINE=".*nope" names nothing: give a run directory/);
  mkdirSync(join(at, 'run'));
  expect(() => parseEnv({ BASELINE: join(at, 'run') })).toThrow(/BASELINE=.* cannot be read as a report\.json: no such file/);
  write(join(at, 'run', 'report.json'), JSON.stringify(syntheticRun({ runId: 'base', flows: 2, seed: 'x' })));
  expect(parseEnv({ BASELINE: join(at, 'run') }).BASELINE).toBe(join(at, 'run'));
  expect(
    parseEnv({ GOALS_FILE: write(join(at, 'ok.json'), { version: 1, goals: { login: { p50: 10, p95: 20, p99: 30 } } }) }).GOALS_FILE,
  ).toMatch(/ok\.json$/);
});
