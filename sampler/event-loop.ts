// The load generator's own saturation, worker side: each worker process
// measures its event-loop delay (perf_hooks.monitorEventLoopDelay) while its
// test runs and attaches it; the profile reporter takes each stage's worst p99.
// A worker whose event loop is late by tens of ms sends requests and reads
// answers late: the latencies it reports then include client-side queuing.
//
// Wiring (fixtures/), one auto fixture per test:
//   const loop = monitorEventLoop();
//   await use(loop);
//   await attachEventLoopDelay(testInfo, stage, loop);
// and loop.reset() when the stage's barrier releases the flows, so the worker's
// setup (module loading, registration, socket connects) is left out: only the
// measured part of the flow counts, as for the latencies it would distort.
// Imports only zod and node:perf_hooks, so a lean worker stays lean.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { z } from 'zod';

export const EVENT_LOOP_ATTACHMENT = 'escrow-event-loop';
export const EVENT_LOOP_CONTENT_TYPE = 'application/json';

/** How often the monitor's timer fires: delays shorter than this are not seen, longer ones are measured to about 1 ms. */
export const EVENT_LOOP_RESOLUTION_MS = 10;

/** One worker process's event-loop delay over one test (attachment EVENT_LOOP_ATTACHMENT), in ms. */
export const EventLoopDelay = z.object({
  stage: z.number().int().positive(),
  /** The worker process. */
  pid: z.number().int().positive(),
  /** Epoch ms the measurement covers. */
  startedAt: z.number(),
  endedAt: z.number(),
  /** Timer ticks measured; 0 means the test was too short to say anything (percentiles are then null). */
  samples: z.number().int().nonnegative(),
  meanMs: z.number().nonnegative().nullable(),
  p50Ms: z.number().nonnegative().nullable(),
  p99Ms: z.number().nonnegative().nullable(),
  maxMs: z.number().nonnegative().nullable(),
});
export type EventLoopDelay = z.infer<typeof EventLoopDelay>;

export interface EventLoopMonitor {
  /** Forgets what was seen so far: call it when the measured part begins (the barrier's release). */
  reset(): void;
  /** Stops the monitor and returns what it saw since it started or was last reset. */
  stop(stage: number): EventLoopDelay;
}

const ms = (ns: number): number => Math.round((ns / 1e6) * 100) / 100;

/** From a histogram of delays (ns) to the attachment's numbers (ms); null percentiles when nothing was measured. */
export function eventLoopDelayOf(
  histogram: Pick<IntervalHistogram, 'count' | 'mean' | 'max' | 'percentile'>,
  where: Pick<EventLoopDelay, 'stage' | 'pid' | 'startedAt' | 'endedAt'>,
): EventLoopDelay {
  const samples = histogram.count;
  const measured = samples > 0;
  return {
    ...where,
    samples,
    meanMs: measured ? ms(histogram.mean) : null,
    p50Ms: measured ? ms(histogram.percentile(50)) : null,
    p99Ms: measured ? ms(histogram.percentile(99)) : null,
    maxMs: measured ? ms(histogram.max) : null,
  };
}

/** Starts measuring this process's event-loop delay. */
export function monitorEventLoop(resolutionMs = EVENT_LOOP_RESOLUTION_MS): EventLoopMonitor {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  let startedAt = Date.now();
  histogram.enable();
  return {
    reset() {
      histogram.reset();
      startedAt = Date.now();
    },
    stop(stage) {
      histogram.disable();
      return eventLoopDelayOf(histogram, { stage, pid: process.pid, startedAt, endedAt: Date.now() });
    },
  };
}

/** Stops `monitor` and attaches what it saw to the test, for the profile reporter. */
export async function attachEventLoopDelay(
  testInfo: { attach(name: string, options: { body: string; contentType: string }): Promise<void> },
  stage: number,
  monitor: EventLoopMonitor,
): Promise<void> {
  await testInfo.attach(EVENT_LOOP_ATTACHMENT, { body: JSON.stringify(monitor.stop(stage)), contentType: EVENT_LOOP_CONTENT_TYPE });
}
