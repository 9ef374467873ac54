// Containers from `docker ps` (image, status), `docker inspect` (restart count)
// and `docker stats --no-stream` (CPU%, memory), only when a docker engine
// answers. `docker stats --no-stream` reads twice, about two seconds, longer
// than an interval: readings run in the background and each sample carries
// the latest finished one with its time (dockerSampledAt).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { toMb, type Fields, type Source, type SourceResult } from '../types.ts';

const exec = promisify(execFile);
const DOCKER_TIMEOUT_MS = 10_000;
/** Without an engine, ask again this seldom: every probe is a process spawned on the host being measured. */
const ENGINE_RETRY_MS = 30_000;

const UNIT_BYTES: Record<string, number> = {
  B: 1,
  kB: 1e3,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
};

/** Bytes of docker's human sizes such as `12.5MiB`; undefined when unparsable. */
export function parseDockerSize(text: string): number | undefined {
  const m = /^([0-9.]+)\s*([A-Za-z]+)$/.exec(text.trim());
  const unit = m && UNIT_BYTES[m[2]!];
  return m && unit ? Number(m[1]) * unit : undefined;
}

const jsonLines = (text: string): Record<string, string>[] =>
  text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Record<string, string>);

const percent = (text: string | undefined): number | undefined => (text === undefined ? undefined : Number(text.replace('%', '')));

/** Fields per container name from `docker ps`/`docker stats` JSON lines and `docker inspect` `<name> <restarts>` lines. */
export function dockerFields(psText: string, statsText: string, inspectText: string): Fields {
  const fields: Fields = {};
  const set = (name: string, key: string, value: number | string | undefined) => {
    if (value !== undefined && !Number.isNaN(value)) fields[`${name}.${key}`] = value;
  };
  const ps = jsonLines(psText);
  for (const c of ps) {
    set(c.Names!, 'image', c.Image);
    set(c.Names!, 'status', c.Status);
  }
  for (const s of jsonLines(statsText)) {
    const used = parseDockerSize(s.MemUsage?.split('/')[0] ?? '');
    set(s.Name!, 'cpuPct', percent(s.CPUPerc));
    set(s.Name!, 'memMb', used === undefined ? undefined : toMb(used));
    set(s.Name!, 'memPct', percent(s.MemPerc));
  }
  for (const line of inspectText.split('\n')) {
    const m = /^\/?(\S+)\s+([0-9]+)$/.exec(line.trim());
    if (m) set(m[1]!, 'restarts', Number(m[2]));
  }
  return { containers: ps.length, ...fields };
}

function noEngine(err: Error & { code?: string; stderr?: string }): string {
  if (err.code === 'ENOENT') return 'no docker client (docker is not on PATH)';
  return `no docker engine (${(err.stderr || err.message).trim().split('\n')[0]})`;
}

async function docker(args: string[]): Promise<string> {
  return (await exec('docker', args, { timeout: DOCKER_TIMEOUT_MS, maxBuffer: 8 * 2 ** 20 })).stdout;
}

async function read(): Promise<SourceResult> {
  const ps = await docker(['ps', '--format', '{{json .}}']);
  const ids = jsonLines(ps).map((c) => c.ID!);
  const [stats, inspect] = await Promise.all([
    docker(['stats', '--no-stream', '--format', '{{json .}}']),
    ids.length ? docker(['inspect', '--format', '{{.Name}} {{.RestartCount}}', ...ids]) : '',
  ]);
  return { dockerSampledAt: Date.now(), ...dockerFields(ps, stats, inspect) };
}

export function dockerSource(): Source {
  let latest: SourceResult = { na: 'the first docker reading has not finished yet' };
  let inFlight: Promise<void> | undefined;
  let nextProbeAt = 0;
  const refresh = async () => {
    try {
      await docker(['version', '--format', '{{.Server.Version}}']);
    } catch (err) {
      latest = { na: noEngine(err as Error) };
      nextProbeAt = Date.now() + ENGINE_RETRY_MS;
      return;
    }
    latest = await read().catch((err: Error) => ({ na: `error: docker: ${err.message.split('\n')[0]}` }));
  };
  return {
    async sample() {
      if (!inFlight && Date.now() >= nextProbeAt) inFlight = refresh().finally(() => (inFlight = undefined));
      return latest;
    },
    close: async () => {
      await inFlight;
    },
  };
}
