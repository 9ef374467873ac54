// Issue 15 item 2: `npm run compare` and `npm run baseline` as a user runs them, on two synthetic run directories:
// exit code, what they print, and the files they write.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { readGoalsFile } from '../../config/goals.ts';
import { Comparison } from '../../reporter/compare-schema.ts';
import { syntheticRun, type SyntheticRun } from '../../reporter/compare-synthetic.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

interface Run {
  code: number | null;
  output: string;
}

/** `node --import tsx scripts/<script>.ts <args>` from the repository's root, as `npm run <script> -- <args>` runs it. */
function cli(script: 'compare' | 'baseline', args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join('scripts', `${script}.ts`), ...args],
      { cwd: ROOT, timeout: 30_000, env: { ...process.env, FORCE_COLOR: '0' } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: stdout + stderr }),
    );
  });
}

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'compare-cli-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A run directory as the reporter writes it: reports/<runId>/report.json. */
function runDir(run: SyntheticRun): string {
  const at = join(dir, run.runId);
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, 'report.json'), JSON.stringify(syntheticRun(run), null, 2));
  return at;
}

test('two runs of one distribution: exit 0, no regression, compare.md and compare.json in the second run', async () => {
  const a = runDir({ runId: 'clean-a', flows: 12, seed: 'a' });
  const b = runDir({ runId: 'clean-b', flows: 12, seed: 'b' });
  const { code, output } = await cli('compare', [a, join(b, 'report.json')]);
  expect(output).toContain('# Comparison with baseline');
  expect(output).toContain('Regressions: none.');
  expect(output).toContain('compare: no regression');
  expect(code).toBe(0);
  const json = Comparison.parse(JSON.parse(readFileSync(join(b, 'compare.json'), 'utf8')));
  expect(json).toMatchObject({ baseline: { runId: 'clean-a' }, run: { runId: 'clean-b' }, regressions: [] });
  expect(readFileSync(join(b, 'compare.md'), 'utf8')).toContain('| createPaymentIntent | 12 → 12 |');
  expect(existsSync(join(a, 'compare.md'))).toBe(false);
});

test('a run with a slow payment intent: exit 1, that regression and nothing else', async () => {
  const a = runDir({ runId: 'base', flows: 12, seed: 'a' });
  const b = runDir({ runId: 'slow', flows: 12, seed: 'b', add: { createPaymentIntent: 1_500 } });
  const { code, output } = await cli('compare', [a, b]);
  expect(output).toMatch(/Regressions:\n- C2 createPaymentIntent: p50 \+1\.\d s, p95 \+1\.\d s, p99 \+1\.\d s\n\nImprovements: none\./);
  expect(output).toContain('compare: 1 regression(s) flagged');
  expect(code).toBe(1);
  expect(Comparison.parse(JSON.parse(readFileSync(join(b, 'compare.json'), 'utf8'))).regressions).toHaveLength(1);
});

test('a run that names nothing, or no run at all: exit 2 with one line saying why', async () => {
  const missing = await cli('compare', [join(dir, 'nope'), join(dir, 'nope-either')]);
  expect(missing.code).toBe(2);
  expect(missing.output).toContain(`compare: ${join(dir, 'nope')}: no such run directory or report.json`);
  expect(missing.output).not.toMatch(/^\s+at /m);
  const usage = await cli('compare', [join(dir, 'nope')]);
  expect(usage.code).toBe(2);
  expect(usage.output).toContain('usage: npm run compare -- <baseline run> <run>');
});

test('npm run baseline writes a goals file GOALS_FILE accepts, each goal with its margin and sample count', async () => {
  const a = runDir({ runId: 'goals-base', flows: 24, seed: 'a' });
  const out = join(dir, 'goals.json');
  const { code, output } = await cli('baseline', [a, `--out=${out}`]);
  expect(code).toBe(0);
  expect(output).toContain("observed × 1.25 (the highest over the run's stages), rounded up to a multiple of 10 ms");
  expect(output).toMatch(/createPaymentIntent +p50 \d+ ms \(observed \d+ ms at C2, n=24\)/);
  expect(output).toContain(`use it with GOALS_FILE=${out}`);
  const goals = readGoalsFile(out);
  expect(goals.source).toMatchObject({ runId: 'goals-base', report: join(a, 'report.json') });
  expect(goals.goals.login?.basis?.p95.n).toBe(24);
  const bad = await cli('baseline', [a, '--margin=0.5']);
  expect(bad.code).toBe(2);
  expect(bad.output).toContain('baseline: --margin must be a factor in 1..10');
});
