// Per-stage infrastructure from the sampler's JSONL timeline, for the gates
// (stop conditions) and the report's Infrastructure table. Pure.
//
// Windows: gauges (CPU, memory, connections, clients, latency) are taken over
// start..end. Counters (events, notifications) and restart counts grow from
// the last sample at or before start to the last at or before cooldownEnd
// (end without one), so nothing that happens between two stages is lost.
// "After cooldown" values and the backlog's drain are the last reading in
// end..cooldownEnd.
import { between, increase, last, max, mean, NO_SAMPLES, p95, rate, series, withBaseline, type Num } from './series.ts';
import { isNotAvailable, Sample, type NotAvailable, type SourceName } from './types.ts';

export { toInfraRow } from './infra-row.ts';

export interface StageWindow {
  stage: string;
  start: number;
  end: number;
  cooldownEnd?: number;
}

/** CPU in % of one core (as top shows it), resident memory in MB. */
export interface Usage {
  cpuPctAvg: Num;
  cpuPctMax: Num;
  rssMbMax: Num;
  /** Where the numbers came from: this host's /proc (whole process tree), a docker container, or the target's own /metrics. */
  via: 'processes' | 'docker' | 'metrics' | null;
}

export interface StageInfra {
  stage: string;
  /** Samples in start..end. */
  samples: number;
  /** Fractions (0..1) of all cores and of memory, as STOP_CONDITIONS states its limits. */
  host: { cpuAvg: Num; cpuMax: Num; cpuAfterCooldown: Num; memAvg: Num; memMax: Num; memAfterCooldown: Num };
  backend: Usage;
  scanner: Usage;
  postgres: Usage & { connectionsMax: Num; locksMax: Num; locksWaitingMax: Num; slowStatementsMax: Num };
  redis: { clientsMax: Num; memoryMbMax: Num; opsPerSecMax: Num; cpuPctAvg: Num };
  mongo: { connectionsMax: Num; residentMbMax: Num };
  sockets: { clientsMax: Num; eventsEmitted: Num };
  notifications: { inserts: Num; errors: Num };
  scannerQueue: { backlogAtEnd: Num; lagBlocksMax: Num; drainedByCooldownEnd: boolean | NotAvailable };
  /** Restarts of target components (from /health) and docker containers (`docker:<name>`). */
  restarts: { total: Num; by: Record<string, number> };
  rpc: { p95Ms: Num; errorRate: Num; calls: number };
  /** Image (with its tag, the version) per docker container, the last one seen in start..end. */
  images: Record<string, string> | NotAvailable;
}

/** Parses a sampler JSONL file. A last line without its newline (the sampler was killed mid-write) is left out. */
export function parseSamples(jsonl: string): Sample[] {
  return jsonl
    .split('\n')
    .slice(0, -1)
    .flatMap((line, i) => {
      if (!line.trim()) return [];
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new Error(`sampler line ${i + 1} is not JSON: ${JSON.stringify(line.slice(0, 80))}`);
      }
      const parsed = Sample.safeParse(json);
      if (!parsed.success)
        throw new Error(
          `sampler line ${i + 1} is not a sample: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`,
        );
      return [parsed.data];
    });
}

const NO_COOLDOWN = 'no cooldownEnd for this stage';

function usage(window: Sample[], component: string): Usage {
  // A container whose name holds the component's (escrow-backend for backend).
  const container = window
    .flatMap((s) => (isNotAvailable(s.docker) ? [] : Object.keys(s.docker)))
    .find((key) => key.endsWith('.cpuPct') && key.includes(component))
    ?.slice(0, -'.cpuPct'.length);
  const candidate = (via: NonNullable<Usage['via']>, cpu: string, rss: string) => ({
    via,
    cpu: series(window, via, cpu),
    rss: series(window, via, rss),
  });
  const reported = candidate('metrics', `cpuSeconds.${component}`, `rssMb.${component}`);
  // In order of preference: the whole process tree on this host, the container, what the process says of itself.
  const candidates = [
    candidate('processes', `${component}.cpuPct`, `${component}.rssMb`),
    ...(container ? [candidate('docker', `${container}.cpuPct`, `${container}.memMb`)] : []),
    { ...reported, cpu: rate(reported.cpu, 100) },
  ];
  const chosen = candidates.find((c) => c.cpu.points.length + c.rss.points.length > 0);
  const { cpu, rss } = chosen ?? candidates[0]!;
  return { cpuPctAvg: mean(cpu), cpuPctMax: max(cpu), rssMbMax: max(rss), via: chosen?.via ?? null };
}

function restarts(span: Sample[]): StageInfra['restarts'] {
  const by: Record<string, number> = {};
  let reason = NO_SAMPLES;
  for (const source of ['processes', 'docker'] as const satisfies SourceName[]) {
    const keys = new Set(
      span.flatMap((s) => (isNotAvailable(s[source]) ? [] : Object.keys(s[source]).filter((k) => k.endsWith('.restarts')))),
    );
    for (const key of keys) {
      const grown = increase(series(span, source, key));
      const name = `${source === 'docker' ? 'docker:' : ''}${key.slice(0, -'.restarts'.length)}`;
      if (typeof grown === 'number') by[name] = grown;
      else if (source === 'processes') reason = grown.na;
    }
    if (source === 'processes' && keys.size === 0) reason = series(span, 'processes', 'backend.restarts').reason;
  }
  const counted = Object.values(by);
  return { total: counted.length ? counted.reduce((a, b) => a + b, 0) : { na: `no restart counts: ${reason}` }, by };
}

function images(window: Sample[]): StageInfra['images'] {
  const found: Record<string, string> = {};
  let reason = NO_SAMPLES;
  for (const s of window) {
    if (isNotAvailable(s.docker)) reason = s.docker.na;
    else
      for (const [key, v] of Object.entries(s.docker))
        if (key.endsWith('.image') && typeof v === 'string') found[key.slice(0, -'.image'.length)] = v;
  }
  if (Object.keys(found).length) return found;
  return { na: window.some((s) => !isNotAvailable(s.docker)) ? 'docker listed no containers' : reason };
}

function stage(all: readonly Sample[], w: StageWindow): StageInfra {
  const window = between(all, w.start, w.end);
  const span = withBaseline(all, w.start, w.cooldownEnd ?? w.end);
  const cooldown = w.cooldownEnd === undefined ? [] : between(all, w.end, w.cooldownEnd);
  const afterCooldown = (source: SourceName, field: string): Num =>
    w.cooldownEnd === undefined ? { na: NO_COOLDOWN } : last(series(cooldown, source, field));
  const on = (source: SourceName, field: string) => series(window, source, field);
  const backlogAfter = afterCooldown('metrics', 'scannerBacklog');
  const rpcLatency = on('rpc', 'latencyMs');
  const rpcErrors = on('rpc', 'error');
  return {
    stage: w.stage,
    samples: window.length,
    host: {
      cpuAvg: mean(on('host', 'cpuFraction')),
      cpuMax: max(on('host', 'cpuFraction')),
      cpuAfterCooldown: afterCooldown('host', 'cpuFraction'),
      memAvg: mean(on('host', 'memFraction')),
      memMax: max(on('host', 'memFraction')),
      memAfterCooldown: afterCooldown('host', 'memFraction'),
    },
    backend: usage(window, 'backend'),
    scanner: usage(window, 'scanner'),
    postgres: {
      ...usage(window, 'postgres'),
      connectionsMax: max(on('postgres', 'connections')),
      locksMax: max(on('postgres', 'locks')),
      locksWaitingMax: max(on('postgres', 'locksWaiting')),
      slowStatementsMax: max(on('postgres', 'slowStatements')),
    },
    redis: {
      clientsMax: max(on('redis', 'connectedClients')),
      memoryMbMax: max(on('redis', 'usedMemoryMb')),
      opsPerSecMax: max(on('redis', 'opsPerSec')),
      cpuPctAvg: mean(rate(on('redis', 'cpuSeconds'), 100)),
    },
    mongo: { connectionsMax: max(on('mongo', 'connections')), residentMbMax: max(on('mongo', 'residentMb')) },
    sockets: { clientsMax: max(on('metrics', 'socketClients')), eventsEmitted: increase(series(span, 'metrics', 'eventsEmitted')) },
    notifications: {
      inserts: increase(series(span, 'metrics', 'notificationInserts')),
      errors: increase(series(span, 'metrics', 'notificationErrors')),
    },
    scannerQueue: {
      backlogAtEnd: last(on('metrics', 'scannerBacklog')),
      lagBlocksMax: max(on('metrics', 'scannerLagBlocks')),
      drainedByCooldownEnd: typeof backlogAfter === 'number' ? backlogAfter === 0 : backlogAfter,
    },
    restarts: restarts(span),
    rpc: { p95Ms: p95(rpcLatency), errorRate: mean(rpcErrors), calls: rpcErrors.points.length },
    images: images(window),
  };
}

/** One StageInfra per window, in the windows' order. */
export function aggregateStages(samples: readonly Sample[], windows: readonly StageWindow[]): StageInfra[] {
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  return windows.map((w) => stage(sorted, w));
}
