// The load generator's saturation per stage, from the sampler's `runner`
// source (the runner's and its workers' CPU as a share of the host) and the
// workers' event-loop delays (sampler/event-loop.ts). Pure.
//
// A stage is saturated by the runner when, while its flows ran (from the
// barrier's release to the last flow's end), the runner's processes used more
// than LOAD_GENERATOR_LIMITS.runnerCpuShare of the host on average, or a
// worker's event-loop delay p99 went above LOAD_GENERATOR_LIMITS.eventLoopDelayP99Ms:
// its latencies then include time the requests and answers waited in the suite.
import { LOAD_GENERATOR_LIMITS, stageName } from '../helpers/stages.ts';
import type { LoadGenerator } from '../reporter/schema.ts';
import { formatMs } from '../reporter/format.ts';
import { percentileOrNull } from '../reporter/stats.ts';
import type { EventLoopDelay } from './event-loop.ts';
import { max, mean, series } from './series.ts';
import type { Sample } from './types.ts';

export interface LoadWindow {
  stage: number;
  /** Epoch ms: the stage's flows were measured from here (barrier release) ... */
  start: number;
  /** ... to here (the last flow's end). */
  end: number;
}

const pct = (fraction: number): string => `${Math.round(fraction * 100)}%`;
const round = (v: number, digits = 4): number => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * Per stage: the runner's CPU share over the stage's window (readings in start..end, each covering the interval
 * before it, so a window shorter than one interval may have none), the workers' event-loop delay p99s, and the verdict.
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
    const inWindow = sorted?.filter((s) => s.t > w.start && s.t <= w.end) ?? [];
    const cpu = series(inWindow, 'runner', 'cpuFraction');
    const workers = series(inWindow, 'runner', 'workers');
    const cpuMean = mean(cpu);
    const cpuMax = max(cpu);
    const workersMax = max(workers);
    const cpuNotMeasured =
      sorted === null
        ? cpuUnavailable
        : typeof cpuMean === 'number'
          ? null
          : inWindow.length === 0
            ? `no sampler reading in the stage's ${Math.max(0, Math.round(w.end - w.start))} ms`
            : cpuMean.na;

    const loops = eventLoops.filter((e) => e.stage === w.stage && e.p99Ms !== null);
    const p99s = loops.map((e) => e.p99Ms!);
    const worst = loops.reduce<EventLoopDelay | null>((a, e) => (a === null || e.p99Ms! > a.p99Ms! ? e : a), null);

    const reasons: string[] = [];
    if (typeof cpuMean === 'number' && cpuMean > LOAD_GENERATOR_LIMITS.runnerCpuShare)
      reasons.push(`runner CPU ${pct(cpuMean)} of the host on average, above ${pct(LOAD_GENERATOR_LIMITS.runnerCpuShare)}`);
    if (worst && worst.p99Ms! > LOAD_GENERATOR_LIMITS.eventLoopDelayP99Ms)
      reasons.push(
        `worker event-loop delay p99 ${formatMs(worst.p99Ms)} (pid ${worst.pid}), above ${formatMs(LOAD_GENERATOR_LIMITS.eventLoopDelayP99Ms)}`,
      );
    const measured = typeof cpuMean === 'number' || worst !== null;
    out[w.stage] = {
      cpuShareMean: typeof cpuMean === 'number' ? round(cpuMean) : null,
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
