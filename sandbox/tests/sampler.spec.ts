// The infrastructure sampler as its own process against a real stack: a line
// per interval with numbers from every source that is there, n/a with a
// reason for those that are not, no secret in its argv or output, and no
// process left after stop() or after its parent goes away.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { aggregateStages, parseSamples, toInfraRow } from '../../sampler/aggregate.ts';
import { startSampler } from '../../sampler/main.ts';
import { isNotAvailable, type Fields, type Sample, type SourceName } from '../../sampler/types.ts';
import { expect, test } from './support/fixtures.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The sampler must see no URL of this machine's environment but the ones a test gives it. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['PG_URL', 'RPC_URL', 'REDIS_URL', 'MONGO_URL']) delete env[name];
  return env;
}

const COMPONENTS = ['backend', 'scanner', 'postgres', 'chain'];
/** Fields that every source that is there must give as numbers. */
const NUMBERS: [SourceName, string[]][] = [
  ['host', ['cpuFraction', 'memFraction', 'memTotalMb', 'cores']],
  ['processes', COMPONENTS.flatMap((c) => [`${c}.cpuPct`, `${c}.rssMb`, `${c}.restarts`, `${c}.procs`])],
  ['postgres', ['connections', 'locks', 'locksWaiting', 'slowStatements']],
  ['metrics', ['socketClients', 'eventsEmitted', 'notificationInserts', 'notificationErrors', 'scannerBacklog', 'scannerLagBlocks']],
  ['rpc', ['latencyMs', 'error', 'blockNumber']],
];

/**
 * What a line lacks, as `source.field=value`: a CPU delta needs two readings,
 * the docker probe runs in the background, and a loaded machine may time a
 * source out for a line.
 */
function lacking(sample: Sample | undefined): string[] {
  if (!sample) return ['no line yet'];
  const numbers = NUMBERS.flatMap(([source, fields]) => {
    const result = sample[source];
    if (isNotAvailable(result)) return [`${source}=${result.na}`];
    return fields.filter((f) => typeof result[f] !== 'number').map((f) => `${source}.${f}=${JSON.stringify(result[f])}`);
  });
  const docker = sample.docker;
  return isNotAvailable(docker) && /^no docker (engine|client)/.test(docker.na)
    ? numbers
    : [...numbers, `docker=${JSON.stringify(docker)}`];
}

const lineCount = (file: string): number => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);
const lastLine = (file: string): Sample | undefined => (existsSync(file) ? parseSamples(readFileSync(file, 'utf8')).at(-1) : undefined);

test('samples host, processes, Postgres, metrics and RPC of a live stack, says why Redis, Mongo and docker are n/a, and stops', async ({
  stack,
}, testInfo) => {
  const out = testInfo.outputPath('infra.jsonl');
  const stateFile = testInfo.outputPath('state.json');
  writeFileSync(stateFile, JSON.stringify({ pgUrl: stack.pgUrl }), { mode: 0o600 });
  const password = new URL(stack.pgUrl).password;
  const sampler = await startSampler({
    target: stack.url,
    out,
    intervalMs: 200,
    pgUrlFile: stateFile,
    rpcUrl: stack.rpcUrl,
    env: cleanEnv(),
  });
  try {
    expect(readFileSync(`/proc/${sampler.pid}/cmdline`, 'utf8'), 'argv, which ps shows').not.toContain(password);
    await expect.poll(() => lineCount(out), { message: 'JSONL lines written', timeout: 30_000 }).toBeGreaterThanOrEqual(5);
    await expect.poll(() => lacking(lastLine(out)), { message: 'numbers from every source that is there', timeout: 30_000 }).toEqual([]);
  } finally {
    await sampler.stop();
  }
  expect(alive(sampler.pid), `sampler pid ${sampler.pid} after stop()`).toBe(false);

  const text = readFileSync(out, 'utf8');
  expect(text).not.toContain(password);
  const samples = parseSamples(text);
  const gaps = samples.slice(1).map((s, i) => s.t - samples[i]!.t);
  expect(Math.min(...gaps), `gaps between lines ${gaps.join(', ')} ms: one line per 200 ms interval, no bursts`).toBeGreaterThanOrEqual(
    150,
  );
  const complete = [...samples].reverse().find((s) => lacking(s).length === 0)!;
  expect((complete.processes as Fields)['postgres.procs'], 'the postmaster and its backends').toBeGreaterThan(1);
  expect((complete.postgres as Fields).connections, "the backend's and scanner's pools").toBeGreaterThan(0);
  expect((complete.rpc as Fields).error).toBe(0);
  expect(complete.redis).toEqual({ na: 'REDIS_URL is not set' });
  expect(complete.mongo).toEqual({ na: 'MONGO_URL is not set' });

  const last = samples.at(-1)!;
  const [row] = aggregateStages(samples, [{ stage: 'C1', start: samples[0]!.t, end: last.t, cooldownEnd: last.t }]).map(toInfraRow);
  expect(row).toMatchObject({
    stage: 'C1',
    mongo: 'not measured (MONGO_URL is not set)',
    redis: 'not measured (REDIS_URL is not set)',
    restarts: '0',
  });
  expect(row!.backend).toMatch(/^CPU avg [0-9.]+%, max [0-9.]+%, RSS max [0-9.]+ MB$/);
  expect(row!.postgres).toMatch(/^CPU avg .*, conns max [0-9]+, lock waits max 0, slow \(>1 s\) max [0-9]+$/);
});

test('stops on its own when the process that started it exits without stop()', async ({}, testInfo) => {
  const out = testInfo.outputPath('orphan.jsonl');
  const script = `
    const { startSampler } = await import(${JSON.stringify(new URL('../../sampler/main.ts', import.meta.url).href)});
    const sampler = await startSampler({ target: 'http://127.0.0.1:1', out: ${JSON.stringify(out)}, intervalMs: 200 });
    process.stdout.write(String(sampler.pid));
    process.exit(0);`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: cleanEnv(),
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  const pid = Number(stdout);
  try {
    expect(pid).toBeGreaterThan(0);
    await expect.poll(() => alive(pid), { message: `sampler pid ${pid} after its parent exited`, timeout: 15_000 }).toBe(false);
  } finally {
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
});

test('refuses a bad option with a message naming it and its value', async ({}, testInfo) => {
  await expect(
    startSampler({ target: 'http://127.0.0.1:1', out: testInfo.outputPath('x.jsonl'), intervalMs: 5, env: cleanEnv() }),
  ).rejects.toThrow(/exited with code 2 before it was ready: sampler: --interval-ms=5 is not an integer in 100\.\.60000/);
});
