// The sampler's entry (`node --import tsx sampler/main.ts --target <url> --out
// <file.jsonl> [--pg-url-file <state.json>] [--rpc <url>] [--interval-ms 1000]`),
// and startSampler() for the suite to run it as a child process beside a stage.
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { redactText } from '../lib/redact.ts';
import type { TargetSampling } from './run.ts';

const TSX = import.meta.resolve('tsx');
const MAIN = fileURLToPath(import.meta.url);
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;

export interface SamplerOptions {
  /** The target's base URL (its /health and /metrics are read, unless `sampling` says otherwise). */
  target: string;
  /** JSONL file the samples are appended to. */
  out: string;
  intervalMs?: number;
  /** A sandbox state file holding `pgUrl`. */
  pgUrlFile?: string;
  /** These travel in the child's environment (PG_URL, RPC_URL, REDIS_URL, MONGO_URL), never in argv, which `ps` shows. */
  pgUrl?: string;
  rpcUrl?: string;
  redisUrl?: string;
  mongoUrl?: string;
  /** What of the target can be sampled, from its adapter's capabilities; absent: the sandbox's defaults. */
  sampling?: TargetSampling;
  /** The child's environment before the URLs above are added; default this process' environment. */
  env?: NodeJS.ProcessEnv;
  /**
   * The load generator whose own CPU is sampled (the `runner` source): default this process, which is the Playwright
   * runner when its global setup starts the sampler; null samples no runner.
   */
  runnerPid?: number | null;
}

export interface RunningSampler {
  pid: number;
  /** SIGTERM, SIGKILL after a grace period; resolves when the process is gone. Throws if it had died on its own. */
  stop(): Promise<void>;
}

export async function startSampler(options: SamplerOptions): Promise<RunningSampler> {
  const args = ['--target', options.target, '--out', options.out, '--interval-ms', String(options.intervalMs ?? 1_000)];
  if (options.pgUrlFile) args.push('--pg-url-file', options.pgUrlFile);
  const runnerPid = options.runnerPid === undefined ? process.pid : options.runnerPid;
  if (runnerPid !== null) args.push('--runner-pid', String(runnerPid));
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  const urls = { PG_URL: options.pgUrl, RPC_URL: options.rpcUrl, REDIS_URL: options.redisUrl, MONGO_URL: options.mongoUrl };
  for (const [name, value] of Object.entries(urls)) if (value !== undefined) env[name] = value;
  if (options.sampling) env.SAMPLER_TARGET = JSON.stringify(options.sampling);
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
    env,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    detached: false,
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2_000)));
  let stopping = false;
  // 'close', not 'exit': only then has all of its stderr been read.
  const exited = new Promise<string>((resolve) => child.once('close', (code, signal) => resolve(signal ?? `code ${code}`)));
  const died = async (when: string) =>
    new Error(`sampler (pid ${child.pid}) exited with ${await exited} ${when}: ${redactText(stderr.trim()) || 'no stderr'}`);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sampler (pid ${child.pid}) did not report ready within ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    child.on('message', (msg: { type?: string }) => {
      if (msg?.type !== 'ready') return;
      clearTimeout(timer);
      resolve();
    });
    child.once('error', reject);
    child.once('close', () => {
      clearTimeout(timer);
      died('before it was ready').then(reject, reject);
    });
  });
  // Neither the child nor its pipes keep this process alive; if it exits without stop(), the IPC channel closes and the sampler stops.
  child.unref();
  child.channel?.unref();
  (child.stderr as Socket).unref();
  return {
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) {
        if (!stopping) throw await died('before stop()');
        return;
      }
      stopping = true;
      child.ref();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { run } = await import('./run.ts');
  try {
    await run(process.argv.slice(2));
    process.exit(0);
  } catch (err) {
    process.stderr.write(`sampler: ${redactText((err as Error).message)}\n`);
    process.exit(2);
  }
}
