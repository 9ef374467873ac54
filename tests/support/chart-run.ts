// A realistic run for the chart tests: reporter/synthetic.ts's flows over the chosen stages, their latencies growing
// with the stage as a loaded target's do, and the Infrastructure rows and load generator figures a sampled run has,
// with the gaps a real one has (redis not sampled, no runner reading in the first stage).
import type { WorkerResult } from '../../contract/worker-result.ts';
import { summarize } from '../../reporter/summarize.ts';
import { baseRunMeta, syntheticWorkerResults } from '../../reporter/synthetic.ts';
import type { LoadGenerator, Report } from '../../reporter/schema.ts';

/** Latency grows with concurrency: a third of the synthetic figure at C1, nearly three times it at C64. */
const load = (stage: number): number => 0.3 + stage / 24;

function loaded(result: WorkerResult): WorkerResult {
  const f = load(result.stage);
  return {
    ...result,
    calls: result.calls.map((c) => ({ ...c, durationMs: c.durationMs * f })),
    notifications: result.notifications.map((n) => ({ ...n, latencyMs: n.latencyMs === null ? null : n.latencyMs * f })),
  };
}

const loadGenerator = (stage: number): LoadGenerator => ({
  cpuShareMean: stage === 1 ? null : Math.min(0.9, 0.12 + stage / 80),
  cpuShareMax: stage === 1 ? null : Math.min(0.95, 0.2 + stage / 70),
  cpuSamples: stage === 1 ? 0 : 4,
  cpuNotMeasured: stage === 1 ? 'first reading of the runner, no CPU delta yet' : null,
  workersMax: stage,
  eventLoopP99MaxMs: 12,
  eventLoopP99MedianMs: 8,
  eventLoopReports: stage,
  eventLoopNotMeasured: null,
  saturated: false,
  reasons: [],
});

const usage = (avg: number): string => `CPU avg ${avg}%, max ${Math.round(avg * 1.4)}%, RSS max 160 MB`;

/** The run's report and the worker results it was summarized from; flows spread over `levels` as a ramp runs them. */
export function chartRun(levels: readonly number[], flowsPerStage = 60): { report: Report; results: WorkerResult[] } {
  const all = syntheticWorkerResults(flowsPerStage * 7);
  const results = all.filter((r) => levels.includes(r.stage)).map(loaded);
  const report = summarize(results, baseRunMeta({ levels: [...levels] }));
  report.stages = report.stages.map((s) => ({ ...s, loadGenerator: loadGenerator(s.stage) }));
  report.infrastructure = {
    unavailableReason: null,
    rows: levels.map((stage) => ({
      stage,
      backend: usage(Math.round(8 + stage * 2.2)),
      scanner: usage(Math.round(3 + stage / 4)),
      mongo: 'not measured (MONGO_URL is not set)',
      postgres: `${usage(Math.round(5 + stage))}, conns max 9, lock waits max 0, slow (>1 s) max 0`,
      redis: 'not measured (REDIS_URL is not set)',
      restarts: 0,
    })),
  };
  return { report, results };
}
