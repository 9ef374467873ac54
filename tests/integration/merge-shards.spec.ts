// Issue 15 item 8: a sharded stage as the sharded workflow runs it, on one machine: a sandbox, a redis-server for the
// cross-shard barrier, `--shard=1/2` and `--shard=2/2` of C2 at once (each with its own reports and blob folders, as
// two machines would have), then `npm run merge` over both blob reports and both sampler timelines. The merge step's
// exit code follows the stop conditions evaluated on every shard's flows together; the merged report has the
// Infrastructure row the shards' timelines give.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { Report } from '../../reporter/schema.ts';
import { launch, printed, ROOT, stopLaunched } from '../../sandbox/tests/support/cli.ts';
import { hasRedisServer, REDIS_MISSING, startRedisServer } from './support/redis-server.ts';

test.skip(!hasRedisServer(), REDIS_MISSING);
test.describe.configure({ mode: 'serial', timeout: 240_000 });

interface Exit {
  code: number | null;
  output: string;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0', CI: '', ...env } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** Two shards of C2 against one sandbox (with `faults`), then the merge step; returns its exit and the merged report. */
async function shardedStage(dir: string, faults: string): Promise<{ shards: Exit[]; merge: Exit; report: Report }> {
  const sandbox = launch({ SANDBOX_FAULTS: faults, SANDBOX_FIXTURES: '1', SANDBOX_STATE_FILE: join(dir, 'sandbox.json') });
  const redis = await startRedisServer();
  try {
    const baseUrl = await printed(sandbox, 'SANDBOX_URL', 90_000);
    const runId = `merge-${faults || 'clean'}-${Date.now()}`;
    const common = { BASE_URL: baseUrl, PAYMENT_MODE: 'status', RUN_ID: runId, BARRIER_REDIS_URL: redis.url, SANDBOX_FAULTS: '' };
    const cli = join(ROOT, 'node_modules/@playwright/test/cli.js');
    const shards = await Promise.all(
      [1, 2].map((shard) =>
        run(
          [
            cli,
            'test',
            '--project=C2',
            `--shard=${shard}/2`,
            `--output=${join(dir, `out-${shard}`)}`,
            '--reporter=blob,./reporter/profile-reporter.ts',
          ],
          {
            ...common,
            REPORTS_DIR: join(dir, `reports-${shard}`),
            PLAYWRIGHT_BLOB_OUTPUT_DIR: join(dir, `blob-${shard}`),
          },
        ),
      ),
    );
    mkdirSync(join(dir, 'blobs'));
    for (const shard of [1, 2]) {
      for (const zip of readdirSync(join(dir, `blob-${shard}`))) copyFileSync(join(dir, `blob-${shard}`, zip), join(dir, 'blobs', zip));
      // As the workflow downloads them: one folder per shard artifact, its name ending in the shard's number.
      mkdirSync(join(dir, 'timelines', `shard-infra-${shard}`), { recursive: true });
      copyFileSync(join(dir, `reports-${shard}`, runId, 'infra.jsonl'), join(dir, 'timelines', `shard-infra-${shard}`, 'infra.jsonl'));
    }
    const merge = await run(['--import', 'tsx', 'scripts/merge.ts', join(dir, 'blobs'), '--shard-timelines', join(dir, 'timelines')], {
      ...common,
      REPORTS_DIR: join(dir, 'merged'),
      PLAYWRIGHT_HTML_OUTPUT_DIR: join(dir, 'html'),
      ALLURE_RESULTS_DIR: join(dir, 'allure-results'),
    });
    const report = Report.parse(JSON.parse(readFileSync(join(dir, 'merged', runId, 'report.json'), 'utf8')));
    return { shards, merge, report };
  } finally {
    redis.stop();
    await stopLaunched(sandbox);
  }
}

let dir: string;
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'merge-shards-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a faulty sharded stage: the merge step fails, naming the stop condition judged on both shards together', async () => {
  const { shards, merge, report } = await shardedStage(dir, 'wrong-recipient');
  expect(shards.map((s) => s.code)).toEqual([1, 1]);
  expect(merge.output).toContain('merge: the merged profile is FAIL (C2 2 flows)');
  expect(merge.output).toMatch(/C2: gate: P0 notification delivered to wrong user: \d+ in C2: C2-S1-W\d+ .*C2-S2-W\d+/);
  expect(merge.code).toBe(1);
  const [stage] = report.stages;
  expect(stage).toMatchObject({ stage: 2, flows: 2, gate: { passed: false, flows: 2 } });
  // The shards' timelines give the merged stage its Infrastructure row and its load generator figures.
  expect(report.infrastructure.rows.map((r) => r.stage)).toEqual([2]);
  expect(report.infrastructure.rows[0]!.backend).toMatch(/^CPU avg [\d.]+%/);
  expect(stage!.loadGenerator?.cpuShareMean).toEqual(expect.any(Number));
  // What only a gate project observes is said not evaluated, never passed.
  expect(stage!.gate?.notEvaluated).toContainEqual(
    expect.stringMatching(/^backlog drained after cooldown: not measured \(no gate project observed/),
  );
});

test('a clean sharded stage: the merge step passes with both shards judged', async () => {
  const { shards, merge, report } = await shardedStage(dir, '');
  expect(shards.map((s) => s.code)).toEqual([0, 0]);
  expect(merge.output).toContain('merge: the merged profile passes (C2 2 flows)');
  expect(merge.code).toBe(0);
  expect(report.stages[0]).toMatchObject({ stage: 2, flows: 2, pass: 2, gate: { passed: true, flows: 2 } });
});

test('bad input to the merge step: exit 2 with what was expected, nothing merged', async () => {
  const none = await run(['--import', 'tsx', 'scripts/merge.ts'], {});
  expect(none.output).toContain('merge: expected one blob reports folder, got none');
  expect(none.code).toBe(2);
  const empty = await run(['--import', 'tsx', 'scripts/merge.ts', dir], {});
  expect(empty.output).toContain('holds no blob report (*.zip)');
  expect(empty.code).toBe(2);
  mkdirSync(join(dir, 'timelines', 'latest'), { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'timelines', 'latest', 'infra.jsonl'));
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'x.zip'));
  const unnamed = await run(['--import', 'tsx', 'scripts/merge.ts', dir, '--shard-timelines', join(dir, 'timelines')], {});
  expect(unnamed.output).toContain("its folder's name does not end in a shard number");
  expect(unnamed.code).toBe(2);
  expect(unnamed.output).not.toMatch(/\n\s+at /);
});
