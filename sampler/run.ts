// The sampler process: every interval it reads all sources at once and
// appends one JSON line; it stops on SIGTERM/SIGINT and when its parent's IPC
// channel closes, after the line in progress is written. URLs that carry
// secrets come from the environment or the sandbox state file, never argv.
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { redactText } from '../lib/redact.ts';
import { dockerSource } from './sources/docker.ts';
import { hostSource } from './sources/host.ts';
import { nodeExporterHostSource } from './sources/node-exporter.ts';
import { metricsSource, type MetricField } from './sources/metrics.ts';
import { mongoSource } from './sources/mongo.ts';
import { postgresSource } from './sources/postgres.ts';
import { processesSource } from './sources/processes.ts';
import { redisSource } from './sources/redis.ts';
import { rpcSource } from './sources/rpc.ts';
import { runnerSource } from './sources/runner.ts';
import { SOURCE_NAMES, withTimeout, type AnySourceName, type Sample, type Source, type SourceName, type SourceResult } from './types.ts';

/** The least time a source is given per line, however short the interval: loopback answers under load take this. */
const MIN_BUDGET_MS = 1_000;
const CLOSE_TIMEOUT_MS = 5_000;

export interface CliOptions {
  target: string;
  out: string;
  intervalMs: number;
  pgUrlFile?: string;
  rpc?: string;
  /** The Playwright runner's pid: its own CPU and its workers' are sampled as the `runner` source. */
  runnerPid?: number;
}

export function parseCli(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      target: { type: 'string' },
      out: { type: 'string' },
      'pg-url-file': { type: 'string' },
      rpc: { type: 'string' },
      'interval-ms': { type: 'string', default: '1000' },
      'runner-pid': { type: 'string' },
    },
  });
  const httpUrl = (name: string, value: string | undefined) => {
    if (value === undefined) throw new Error(`--${name} is required: an http(s) URL`);
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol))
      throw new Error(`--${name}=${redactText(value)} is not an http(s) URL`);
    return value;
  };
  const intervalMs = Number(values['interval-ms']);
  if (!Number.isInteger(intervalMs) || intervalMs < 100 || intervalMs > 60_000) {
    throw new Error(`--interval-ms=${values['interval-ms']} is not an integer in 100..60000`);
  }
  if (!values.out) throw new Error('--out is required: the JSONL file to append samples to');
  const runnerPid = values['runner-pid'] === undefined ? undefined : Number(values['runner-pid']);
  if (runnerPid !== undefined && (!Number.isInteger(runnerPid) || runnerPid < 1))
    throw new Error(`--runner-pid=${values['runner-pid']} is not a process id`);
  return {
    target: httpUrl('target', values.target),
    out: values.out,
    intervalMs,
    pgUrlFile: values['pg-url-file'],
    rpc: values.rpc === undefined ? undefined : httpUrl('rpc', values.rpc),
    runnerPid,
  };
}

/** `pgUrl` of a sandbox state file (npm run sandbox writes one, mode 0600). */
async function pgUrlFromState(file: string): Promise<string> {
  let state: unknown;
  try {
    state = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`--pg-url-file ${file} is not a readable JSON file: ${(err as Error).message}`);
  }
  const pgUrl = (state as { pgUrl?: unknown } | null)?.pgUrl;
  if (typeof pgUrl !== 'string') throw new Error(`--pg-url-file ${file} has no string "pgUrl"`);
  return pgUrl;
}

/** URL passwords, and the RPC URL's path and query (providers put API keys there): masked in every line written. */
function secretsOf(urls: (string | undefined)[], rpcUrl: string | undefined): string[] {
  const parsed = (u: string | undefined) => (u && URL.canParse(u) ? [new URL(u)] : []);
  return [
    ...urls.flatMap(parsed).flatMap((u) => [u.password, decodeURIComponent(u.password)]),
    ...parsed(rpcUrl).map((u) => u.pathname + u.search),
  ].filter((secret) => secret.length >= 6);
}

/**
 * Reads every source at once, each given `budgetMs`: a slow source costs its
 * own entry (`{ na: 'error: … no answer …' }`), not the line. A reading still
 * running is awaited again by the next line instead of starting another, so a
 * hung source never piles up requests on the target.
 */
export function lineReader(
  sources: Record<SourceName, Source> & Partial<Record<'runner', Source>>,
  budgetMs: number,
): () => Promise<Sample> {
  const pending = new Map<AnySourceName, Promise<SourceResult>>();
  const names: AnySourceName[] = [...SOURCE_NAMES, ...(sources.runner ? (['runner'] as const) : [])];
  const read = (name: AnySourceName) => {
    let reading = pending.get(name);
    if (!reading) {
      // A source that throws synchronously (a /proc entry gone mid-read) still yields an n/a entry, not a dead loop.
      reading = Promise.resolve()
        .then(() => sources[name]!.sample())
        .finally(() => pending.delete(name));
      pending.set(name, reading);
    }
    return withTimeout(reading, budgetMs, name);
  };
  return async () => {
    const t = Date.now();
    const entries = await Promise.all(
      names.map((name) =>
        read(name).then(
          (result) => [name, result] as const,
          (err: Error) => [name, { na: `error: ${err.message}` }] as const,
        ),
      ),
    );
    return { t, ...Object.fromEntries(entries) } as Sample;
  };
}

/**
 * What the target adapter says can be sampled (SAMPLER_TARGET, JSON, in the environment: endpoints may carry tokens).
 * Absent: the sandbox's defaults (its /health pids on this host, its /metrics).
 */
export interface TargetSampling {
  /** Why the target's processes are not sampled here; absent: they are (pids from its health, on this host). */
  processesNotSampled?: string;
  /** Why this host is not the target's; absent: it is. */
  hostNotSampled?: string;
  /** The target host's node exporter: host CPU and memory come from there instead of this machine's /proc. */
  hostFrom?: string;
  /** Prometheus endpoints per component; {} for none. */
  metrics?: Record<string, string>;
  /** The procedure's metric fields in the target's names. */
  metricNames?: Partial<Record<MetricField, string>>;
}

export function targetSampling(env: NodeJS.ProcessEnv): TargetSampling {
  if (!env.SAMPLER_TARGET) return {};
  try {
    return JSON.parse(env.SAMPLER_TARGET) as TargetSampling;
  } catch (err) {
    throw new Error(`SAMPLER_TARGET is not JSON: ${(err as Error).message}`);
  }
}

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const options = parseCli(argv);
  const sampling = targetSampling(env);
  const pgUrl = options.pgUrlFile ? await pgUrlFromState(options.pgUrlFile) : env.PG_URL || undefined;
  const rpcUrl = options.rpc ?? (env.RPC_URL || undefined);
  const secrets = secretsOf([pgUrl, env.REDIS_URL, env.MONGO_URL, rpcUrl], rpcUrl);
  const sources: Record<SourceName, Source> & { runner: Source } = {
    host: sampling.hostFrom ? nodeExporterHostSource(new URL(sampling.hostFrom, options.target)) : hostSource(sampling.hostNotSampled),
    processes: processesSource(options.target, sampling.processesNotSampled),
    postgres: postgresSource(pgUrl),
    redis: redisSource(env.REDIS_URL || undefined),
    mongo: mongoSource(env.MONGO_URL || undefined),
    metrics: metricsSource(options.target, sampling.metrics, sampling.metricNames),
    rpc: rpcSource(rpcUrl),
    docker: dockerSource(),
    runner: runnerSource(options.runnerPid),
  };
  await mkdir(dirname(options.out), { recursive: true });
  const file = await open(options.out, 'a');
  const stop = new AbortController();
  const onStop = () => stop.abort();
  process.once('SIGTERM', onStop);
  process.once('SIGINT', onStop);
  if (process.send) {
    process.once('disconnect', onStop);
    process.send({ type: 'ready', pid: process.pid });
  }
  const readLine = lineReader(sources, Math.max(options.intervalMs, MIN_BUDGET_MS));
  let next = Date.now();
  while (!stop.signal.aborted) {
    const sample = await readLine();
    await file.appendFile(`${redactText(JSON.stringify(sample), secrets)}\n`);
    // Behind schedule (a slow source): start the next reading now rather than in a burst.
    next = Math.max(next + options.intervalMs, Date.now());
    await delay(next - Date.now(), undefined, { signal: stop.signal }).catch(() => undefined);
  }
  await file.close();
  await Promise.all(
    Object.values(sources).flatMap((s) => (s.close ? [withTimeout(s.close(), CLOSE_TIMEOUT_MS, 'close').catch(() => undefined)] : [])),
  );
}
