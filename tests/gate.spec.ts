// A gate project (gate-C8) runs after its stage: it waits for the target to
// settle, evaluates the spec's stop conditions on the stage's results, and
// fails (stopping the ramp: later stages depend on it) with the conditions named.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { WorkerResult } from '../contract/worker-result.ts';
import { GATE_RESULT_ATTACHMENT, INFRA_ROW_ATTACHMENT } from '../reporter/schema.ts';
import { summarizeStage } from '../reporter/summarize.ts';
import { REPORT_SO_FAR_ATTACHMENT, reportSoFar } from '../reporter/run-attachments.ts';
import { stageWindow } from '../reporter/timeline.ts';
import { parseEnv } from '../config/env.ts';
import { loadAdapter } from '../driver/load-adapter.ts';
import { evaluateGate, type GateInfra } from '../reporter/gates.ts';
import { aggregateStages, parseSamples, toInfraRow } from '../sampler/aggregate.ts';
import { parsePrometheus, sumOf } from '../sampler/prometheus.ts';
import { RUN_ENV } from '../config/run-env.ts';
import { infraTimeline, runDir, workersDir } from '../config/paths.ts';
import { STOP_CONDITIONS, stageName } from '../config/stages.ts';
import { intentsLeftPending } from '../flow/payment.ts';
import { backlogGauge, targetMetrics } from '../runner/target-metrics.ts';

/**
 * Every flow's result of the run, each round's included: the flows write one file per flow (ids unique per round,
 * `C8-W03-R2`). A file that does not parse fails the gate with its name rather than going unjudged.
 */
async function stageResults(runId: string): Promise<WorkerResult[]> {
  const dir = workersDir(runId);
  const files = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(
    files
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map(async (f) => {
        const parsed = WorkerResult.safeParse(JSON.parse(await readFile(join(dir, f), 'utf8')));
        if (!parsed.success) throw new Error(`workers/${f} is not a worker result: ${parsed.error.issues[0]?.message}`);
        return parsed.data;
      }),
  );
}

/** The backlog summed over the target's metrics endpoints; null when none answers with the gauge. */
async function backlog(target: string, gauge: { urls: string[]; metric: string }): Promise<number | null> {
  const values = await Promise.all(
    gauge.urls.map(async (endpoint) => {
      const res = await fetch(new URL(endpoint, target), { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
      return res?.ok ? (sumOf(parsePrometheus(await res.text()), gauge.metric) ?? null) : null;
    }),
  );
  const read = values.filter((v): v is number => v !== null);
  return read.length ? read.reduce((a, v) => a + v, 0) : null;
}

test('the stage passes its gate: no stop condition of the spec holds', async ({}, testInfo) => {
  const cfg = parseEnv();
  const level = Number(testInfo.project.metadata.gateFor);
  const target = process.env[RUN_ENV.target]!;
  const runId = process.env.RUN_ID!;

  const infra: GateInfra = { notMeasured: {} };
  await test.step('cooldown: queues drain', async () => {
    const gauge = backlogGauge(targetMetrics(cfg, (await loadAdapter(cfg.TARGET_ADAPTER)).capabilities ?? {}));
    if ('none' in gauge) {
      infra.notMeasured!.backlog = gauge.none;
      return;
    }
    const initial = await backlog(target, gauge);
    if (initial === null) {
      infra.notMeasured!.backlog = `${gauge.metric} is in none of the target's metrics endpoints`;
      return;
    }
    // Dry mode leaves its payment intents pending on purpose: they are not a backlog that failed to drain.
    const allowed = intentsLeftPending(await stageResults(runId).catch(() => []));
    await expect
      .poll(() => backlog(target, gauge), { timeout: STOP_CONDITIONS.cooldownMs, intervals: [250] })
      .toBeLessThanOrEqual(allowed)
      .catch(() => undefined); // a backlog left after the bounded cooldown is a stop condition, reported below
    infra.backlogAtEnd = await backlog(target, gauge);
    infra.backlogDrained = infra.backlogAtEnd !== null && infra.backlogAtEnd <= allowed;
  });

  await test.step('cooldown: host CPU and memory settle', async () => {
    // The latest three samples of the timeline; the stop condition is about load that *remains* after cooldown.
    // The target's own processes (per-component CPU, when the sampler sees them) tell its load from other work.
    const recent = async () => {
      const samples = parseSamples(await readFile(infraTimeline(runId), 'utf8').catch(() => '')).slice(-3);
      const hosts = samples.flatMap(({ host, processes }) => {
        if ('na' in host) return [];
        const { cpuFraction: cpu, memFraction: mem, cores } = host;
        if (typeof cpu !== 'number' || typeof mem !== 'number') return [];
        // Percent of one core per component; every component must have a reading, or the target's share is unknown.
        const own = 'na' in processes ? [] : Object.entries(processes).filter(([k]) => k.endsWith('.cpuPct'));
        const measured = own.length > 0 && own.every(([, v]) => typeof v === 'number') && typeof cores === 'number';
        const target = measured ? own.reduce((a, [, v]) => a + (v as number), 0) / 100 / cores : null;
        return [{ cpu, mem, target }];
      });
      const mean = (values: number[]) => values.reduce((a, v) => a + v, 0) / values.length;
      const targets = hosts.flatMap((h) => (h.target === null ? [] : [h.target]));
      return hosts.length
        ? {
            cpu: mean(hosts.map((h) => h.cpu)),
            mem: mean(hosts.map((h) => h.mem)),
            target: targets.length === hosts.length ? mean(targets) : null,
          }
        : null;
    };
    if ((await recent()) === null) {
      // The sampler says why it has no host reading (a remote target's host is not this machine's, no /proc ...).
      const last = parseSamples(await readFile(infraTimeline(runId), 'utf8').catch(() => '')).at(-1);
      const host = last?.host as { na?: unknown } | undefined;
      infra.notMeasured!.hostAfterCooldown = typeof host?.na === 'string' ? host.na : 'no infrastructure samples were taken';
      return;
    }
    const settled = (h: { cpu: number; mem: number; target: number | null } | null) =>
      h !== null &&
      (h.cpu <= STOP_CONDITIONS.hostCpuAfterCooldown || (h.target !== null && h.target <= STOP_CONDITIONS.targetCpuAfterCooldown)) &&
      h.mem <= STOP_CONDITIONS.hostMemoryAfterCooldown;
    await expect
      .poll(async () => settled(await recent()), { timeout: STOP_CONDITIONS.cooldownMs, intervals: [1_000] })
      .toBe(true)
      .catch(() => undefined);
    const after = await recent();
    infra.hostCpuAfterCooldown = after?.cpu ?? null;
    infra.targetCpuAfterCooldown = after?.target ?? null;
    infra.hostMemoryAfterCooldown = after?.mem ?? null;
  });

  const all = await stageResults(runId);
  const levels = cfg.CONCURRENCY_LEVELS.filter((l) => l <= level);
  const summaries = levels
    .map((l) =>
      summarizeStage(
        l,
        all.filter((r) => r.stage === l),
        null,
        0,
      ),
    )
    .filter((s) => s.flows > 0 || s.stage === level);
  const stage = summaries.at(-1)!;
  const flows = all.filter((r) => r.stage === level);
  await test.step('infrastructure of the stage', async () => {
    const timeline = await readFile(infraTimeline(runId), 'utf8').catch(() => undefined);
    if (!timeline || flows.length === 0) {
      infra.notMeasured!.restarts = timeline ? 'no flow of the stage to place its window' : 'no infrastructure samples were taken';
      return;
    }
    const window = { ...stageWindow(level, flows), cooldownEnd: Date.now() };
    const [row] = aggregateStages(parseSamples(timeline), [window]);
    if (!row) return;
    // Restart counts exist only where a source counted them; otherwise the total says why none did.
    if (typeof row.restarts.total === 'number') infra.restarts = row.restarts.by;
    else infra.notMeasured!.restarts = row.restarts.total.na;
    await testInfo.attach(INFRA_ROW_ATTACHMENT, {
      body: JSON.stringify({ ...toInfraRow(row), stage: level }),
      contentType: 'application/json',
    });
  });
  // Every flow of the stage is judged: level x ROUNDS of them (fixed-duration mode runs as many as fit, and a shard's
  // gate sees its own machine's flows only, so neither has a count to hold the results to).
  const sharded = (testInfo.config.shard?.total ?? 1) > 1;
  const verdict = evaluateGate({
    stage,
    previous: summaries.slice(0, -1),
    results: flows,
    mode: cfg.mode,
    infra,
    ...(cfg.STAGE_DURATION || sharded ? {} : { expectedFlows: level * cfg.ROUNDS }),
  });
  await testInfo.attach(GATE_RESULT_ATTACHMENT, { body: JSON.stringify(verdict), contentType: 'application/json' });
  // Playwright's HTML report gets no file written after the run: report.md as this gate sees the run, one click from its row.
  await testInfo.attach(REPORT_SO_FAR_ATTACHMENT, {
    body: reportSoFar(all, testInfo.config.metadata, levels, verdict, join(runDir(runId), 'report.md')),
    contentType: 'text/markdown',
  });
  // Not passed, not failed: what the gate could not evaluate is said where the user looks (the HTML report, the terminal).
  for (const line of verdict.notEvaluated) testInfo.annotations.push({ type: 'not evaluated', description: line });
  expect(stage.flows, `${stageName(level)} produced results`).toBeGreaterThan(0);
  expect(verdict.reasons, `${stageName(level)} gate, on ${verdict.flows} flows`).toEqual([]);
});
