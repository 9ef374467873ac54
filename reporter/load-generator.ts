// The load generator's saturation per stage, from the sampler's `runner`
// source (the runner's and its workers' CPU as a share of the host) and the
// workers' event-loop delays (sampler/event-loop.ts). Pure.
//
// A stage is saturated by the runner when, while its flows were measured (each
// flow from the barrier's release to its end; with ROUNDS > 1 the time between
// rounds, when new worker processes start, is left out), the runner's processes used more
// than LOAD_GENERATOR_LIMITS.runnerCpuShare of the host on average, or a
// worker's event-loop delay p99 went above LOAD_GENERATOR_LIMITS.eventLoopDelayP99Ms:
// its latencies then include time the requests and answers waited in the suite.
import { LOAD_GENERATOR_LIMITS, stageName } from '../config/stages.ts';
import type { WorkerResult } from '../contract/worker-result.ts';
import type { LoadGenerator } from './schema.ts';
import { formatMs } from './format.ts';
import { percentileOrNull } from '../lib/stats.ts';
import type { EventLoopDelay } from '../sampler/event-loop.ts';
import { max, series } from '../sampler/series.ts';
import type { Sample } from '../sampler/types.ts';

export interface LoadWindow {
  stage: number;
  /** Epoch ms spans in which the stage's flows were measured (each flow from the barrier's release to its end). */
  spans: readonly (readonly [start: number, end: number])[];
}

/** Each stage's measured spans: every flow from the barrier's release (or its start, when it never got there) to its end. */
export function measuredWindows(results: readonly WorkerResult[]): LoadWindow[] {
  const stages = [...new Set(results.map((r) => r.stage))].sort((a, b) => a - b);
  return stages.map((stage) => ({
    stage,
    spans: results
      .filter((r) => r.stage === stage)
      .map((r) => [Math.min(r.barrierReleasedAt ?? r.startedAt, r.endedAt), r.endedAt] as const),
  }));
}

/** The spans merged where they overlap or touch, ascending. */
export function mergeSpans(spans: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    const last = out.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/** How much of (from, to] the spans cover, ms. */
const covered = (spans: readonly [number, number][], from: number, to: number): number =>
  spans.reduce((sum, [start, end]) => sum + Math.max(0, Math.min(to, end) - Math.max(from, start)), 0);

const pct = (fraction: number): string => `${Math.round(fraction * 100)}%`;
const round = (v: number, digits = 4): number => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * Per stage: the runner's CPU share while its flows were measured, the workers' event-loop delay p99s, and the
 * verdict. A reading at t is the share over (previous reading, t]; it counts in proportion to how much of that
 * interval the stage's spans cover (a weighted mean), and the max is over readings that overlap them at all.
 * `cpuUnavailable` is why there is no runner CPU at all (no timeline on this machine, as after merge-reports).
 */
export function loadGeneratorByStage(
  samples: readonly Sample[] | null,
  windows: readonly LoadWindow[],
  eventLoops: readonly EventLoopDelay[],
  cpuUnavailable = 'no sampler timeline on this machine',
): Record<number, LoadGenerator> {
  const sorted = samples ? [...samples].sort((a, b) => a.t - b.t) : null;
  const out: Record<number, LoadGenerator> = {};
  for (const w of windows) {
    const spans = mergeSpans(w.spans);
    // Each reading with the interval it covers, weighted by the share of it the stage's flows were measured in.
    const weighted = (sorted ?? []).flatMap((s, i) => {
      const from = sorted![i - 1]?.t;
      const weight = from === undefined || s.t <= from ? 0 : covered(spans, from, s.t) / (s.t - from);
      return weight > 0 ? [{ s, weight }] : [];
    });
    const overlapping = weighted.map(({ s }) => s);
    const cpu = series(overlapping, 'runner', 'cpuFraction');
    const weightOf = new Map(weighted.map(({ s, weight }) => [s.t, weight]));
    const totalWeight = cpu.points.reduce((sum, p) => sum + weightOf.get(p.t)!, 0);
    const cpuMean: number | null = cpu.points.length
      ? cpu.points.reduce((sum, p) => sum + p.v * weightOf.get(p.t)!, 0) / totalWeight
      : null;
    const cpuMax = max(cpu);
    const workersMax = max(series(overlapping, 'runner', 'workers'));
    const measuredMs = spans.reduce((sum, [start, end]) => sum + end - start, 0);
    const cpuNotMeasured =
      sorted === null
        ? cpuUnavailable
        : cpuMean !== null
          ? null
          : overlapping.length === 0
            ? `no sampler reading in the stage's ${Math.round(measuredMs)} ms of measured flows`
            : cpu.reason;

    const loops = eventLoops.filter((e) => e.stage === w.stage && e.p99Ms !== null);
    const p99s = loops.map((e) => e.p99Ms!);
    const worst = loops.reduce<EventLoopDelay | null>((a, e) => (a === null || e.p99Ms! > a.p99Ms! ? e : a), null);

    const reasons: string[] = [];
    if (cpuMean !== null && cpuMean > LOAD_GENERATOR_LIMITS.runnerCpuShare)
      reasons.push(`runner CPU ${pct(cpuMean)} of the host on average, above ${pct(LOAD_GENERATOR_LIMITS.runnerCpuShare)}`);
    if (worst && worst.p99Ms! > LOAD_GENERATOR_LIMITS.eventLoopDelayP99Ms)
      reasons.push(
        `worker event-loop delay p99 ${formatMs(worst.p99Ms)} (pid ${worst.pid}), above ${formatMs(LOAD_GENERATOR_LIMITS.eventLoopDelayP99Ms)}`,
      );
    const measured = cpuMean !== null || worst !== null;
    out[w.stage] = {
      cpuShareMean: cpuMean === null ? null : round(cpuMean),
      cpuShareMax: typeof cpuMax === 'number' ? round(cpuMax) : null,
      cpuSamples: cpu.points.length,
      cpuNotMeasured,
      workersMax: typeof workersMax === 'number' ? workersMax : null,
      eventLoopP99MaxMs: worst?.p99Ms ?? null,
      eventLoopP99MedianMs: percentileOrNull(p99s, 50),
      eventLoopReports: loops.length,
      eventLoopNotMeasured: loops.length > 0 ? null : `no worker of ${stageName(w.stage)} reported its event-loop delay`,
      saturated: reasons.length > 0 ? true : measured ? false : null,
      reasons,
    };
  }
  return out;
}
