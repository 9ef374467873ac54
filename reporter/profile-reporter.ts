// The profile reporter: collects worker results (and gate verdicts and
// infrastructure rows) from test attachments, then in onEnd summarizes,
// renders and writes reports/<runId>/ in one write phase. Works live and
// under `npx playwright merge-reports`, since attachments travel in blobs.
import path from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError, TestResult } from '@playwright/test/reporter';
import type { z } from 'zod';
import { InfraRow } from '../contract/infra-row.ts';
import {
  FLOW_STARTED_ATTACHMENT,
  FlowStarted,
  WORKER_RESULT_ATTACHMENT,
  WORKER_RESULT_CONTENT_TYPE,
  WorkerResult,
} from '../contract/worker-result.ts';
import { reportsRoot } from '../config/paths.ts';
import { flowsForTest, stageName } from '../config/stages.ts';
import { redact, redactText } from '../lib/redact.ts';
import { percentileOrNull } from '../lib/stats.ts';
import { EVENT_LOOP_ATTACHMENT, EVENT_LOOP_CONTENT_TYPE, EventLoopDelay } from '../sampler/event-loop.ts';
import { gatesByStage, parseFrom, resultKey, roundsOfProjects, runMetaFrom, stageLengthFromEnv, stageOfProject } from './collect.ts';
import { withBaseline } from './compare-load.ts';
import { formatMs } from './format.ts';
import { reporterGates } from './gates.ts';
import { OtlpMetricsExport } from './otel-export.ts';
import { GATE_RESULT_ATTACHMENT, GateResult, INFRA_ROW_ATTACHMENT, type CollectionError } from './schema.ts';
import { summarize } from './summarize.ts';
import { NOTHING_MEASURED } from './summarize-verdict.ts';
import { appendStepSummary } from './step-summary.ts';
import { printTerminalSummary } from './terminal-summary.ts';
import { attachProfileReport } from './run-attachments.ts';
import { runInfrastructure } from './shard-timelines.ts';
import { unreportedFlows } from './unreported-flows.ts';
import { writeReport } from './write-report.ts';
import { writeVerdictFile } from './verdict-file.ts';

export interface ProfileReporterOptions {
  /** The folder that gets <runId>/; relative paths resolve against the config's directory. Default: REPORTS_DIR or `reports`, as config/paths.ts. */
  outputDir?: string;
  /** Print one progress line per finished flow of a stage. Default true. */
  progress?: boolean;
  /** Print the end-of-run summary (reporter/terminal-summary.ts) to stdout. Default true. */
  summary?: boolean;
}

interface StageProgress {
  total: number;
  done: number;
  failed: number;
  totals: number[];
}

const JSON_CONTENT_TYPE = 'application/json';

export default class ProfileReporter implements Reporter {
  private rootDir = process.cwd();
  /** The reporters beside this one, for the terminal summary's paths. */
  private config: Partial<FullConfig> = {};
  private metadata: Record<string, unknown> = {};
  /** This machine's shard of a sharded run: the runner names the flows it reports for dead workers with it. */
  private shard: number | undefined;
  /** What the metadata alone says (run id, mode, flows per worker), read once for the flows the runner reports. */
  private declared: ReturnType<typeof runMetaFrom> = runMetaFrom({}, [], [], new Date(0).toISOString());
  private readonly results = new Map<string, WorkerResult>();
  private readonly gates = new Map<string, GateResult>();
  private readonly infra = new Map<string, InfraRow>();
  private readonly eventLoops = new Map<string, EventLoopDelay>();
  private readonly errors = new Map<string, CollectionError>();
  /** Per stage project in this run: its keys are the stages selected (after --project filters). */
  private readonly stageProgress = new Map<number, StageProgress>();
  /** The first error outside a test (a global setup that threw): why no flow ran, when none did. */
  private firstRunError: string | undefined;
  /** OTEL_EXPORTER_OTLP_ENDPOINT set: the flows' measurements as OTLP metrics (reporter/otel-export.ts). */
  private otlp: OtlpMetricsExport | undefined;

  constructor(private readonly options: ProfileReporterOptions = {}) {}

  printsToStdio(): boolean {
    return false;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.rootDir = config.rootDir;
    this.config = config;
    // The stage length: the config's metadata, else ROUNDS as the stage projects ran it (repeatEach = workers x ROUNDS),
    // else this runner's environment (STAGE_DURATION, ROUNDS).
    const perWorker = runMetaFrom(config.metadata ?? {}, [], [], new Date(0).toISOString()).flowsPerWorker ?? 1;
    const rounds = roundsOfProjects(suite, perWorker);
    this.metadata = { ...stageLengthFromEnv(), ...(rounds === null ? {} : { rounds }), ...config.metadata };
    this.shard = config.shard && config.shard.total > 1 ? config.shard.current : undefined;
    this.declared = runMetaFrom(this.metadata, [], [], new Date().toISOString());
    const run = { runId: this.declared.runId, target: this.declared.target, mode: this.declared.mode, shard: this.shard };
    this.otlp = OtlpMetricsExport.fromEnv(run);
    // merge-reports gives one project suite per blob, so a project can appear once per shard.
    for (const projectSuite of suite.suites) {
      const stage = stageOfProject(projectSuite.title);
      // In flows: a test runs one flow, or several at once with FLOWS_PER_WORKER.
      const perWorker = this.declared.flowsPerWorker ?? 1;
      const total = stage === null ? 0 : projectSuite.allTests().reduce((n, t) => n + flowsForTest(stage, perWorker, t.repeatEachIndex), 0);
      if (stage === null || total === 0) continue;
      const progress = this.stageProgress.get(stage);
      if (progress) progress.total += total;
      else this.stageProgress.set(stage, { total, done: 0, failed: 0, totals: [] });
    }
  }

  onTestBegin(test: TestCase): void {
    this.otlp?.projectBegins(test.parent.project()?.name ?? '');
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const project = test.parent.project()?.name ?? '';
    const stage = stageOfProject(project);
    const key = resultKey(project, test.titlePath(), test.repeatEachIndex, result.retry);
    const label = `${test.titlePath().filter(Boolean).join(' › ')} (retry ${result.retry})`;
    const recordError = (id: string, message: string, at = stage) => this.errors.set(id, { stage: at, test: label, message });
    const collect = <T>(name: string, contentType: string, schema: z.ZodType<T>, clean: (value: T) => T, into: Map<string, T>): T[] =>
      result.attachments
        .filter((a) => a.name === name)
        .flatMap((a, i) => {
          const parsed = parseFrom(a, schema, clean, contentType);
          if (parsed.ok) into.set(`${key}#${i}`, parsed.value);
          else recordError(`${key}#${name}#${i}`, parsed.message);
          return parsed.ok ? [parsed.value] : [];
        });

    const flows = collect(WORKER_RESULT_ATTACHMENT, WORKER_RESULT_CONTENT_TYPE, WorkerResult, redact, this.results);
    collect(GATE_RESULT_ATTACHMENT, JSON_CONTENT_TYPE, GateResult, redact, this.gates);
    collect(INFRA_ROW_ATTACHMENT, JSON_CONTENT_TYPE, InfraRow, redact, this.infra);
    collect(EVENT_LOOP_ATTACHMENT, EVENT_LOOP_CONTENT_TYPE, EventLoopDelay, (value) => value, this.eventLoops);

    const testFailed = result.status !== 'passed' && result.status !== 'skipped';
    if (stage !== null) {
      // Every flow that started is reported: by itself, or here when its worker died or the run was cut short first.
      const started = collect(FLOW_STARTED_ATTACHMENT, JSON_CONTENT_TYPE, FlowStarted, redact, new Map());
      const unreported = unreportedFlows(
        {
          stage,
          mode: this.declared.mode ?? 'status',
          runId: this.declared.runId,
          status: result.status,
          error: result.error?.message,
          repeatEachIndex: test.repeatEachIndex,
          flowsPerWorker: this.declared.flowsPerWorker ?? 1,
          ...(this.shard !== undefined ? { shard: this.shard } : {}),
          startTime: result.startTime?.getTime() ?? Date.now(),
          durationMs: result.duration,
        },
        started,
        flows,
        result.attachments.filter((a) => a.name === WORKER_RESULT_ATTACHMENT).length - flows.length,
      );
      unreported.forEach((flow, i) => this.results.set(`${key}#runner#${i}`, flow));
      flows.push(...unreported);
      this.otlp?.record(project, flows);
    }
    // A failed test must show why in its flows. With several flows per test (FLOWS_PER_WORKER) one failed flow
    // explains it and its passing siblings are fine; only a failed test whose flows all say pass is contradictory.
    if (testFailed && flows.length > 0 && flows.every((flow) => flow.status === 'pass'))
      for (const flow of flows)
        recordError(`${key}#${flow.workerId}`, `test ended ${result.status} but worker result ${flow.workerId} says pass`, flow.stage);

    if (stage !== null) this.printProgress(stage, flows, testFailed);
  }

  onError(error: TestError): void {
    // A preflight failure prints as `PreflightError: preflight check "…" failed, no flow ran` + details: its first line says it.
    const line = (error.message ?? error.value ?? '').split('\n').find((l) => l.trim().length > 0);
    const why = line
      ?.trim()
      .replace(/^[A-Za-z]*Error: /, '')
      .replace(/,? no flow ran$/, '');
    this.firstRunError ??= why ? redactText(why) : undefined;
  }

  private printProgress(stage: number, flows: readonly WorkerResult[], testFailed: boolean): void {
    const progress = this.stageProgress.get(stage);
    if (!progress || this.options.progress === false) return;
    progress.done += Math.max(1, flows.length);
    progress.failed += flows.length > 0 ? flows.filter((f) => f.status !== 'pass').length : testFailed ? 1 : 0;
    for (const f of flows) if (f.timingsMs.total !== null) progress.totals.push(f.timingsMs.total);
    const p95 = formatMs(percentileOrNull(progress.totals, 95));
    // Fixed-duration mode has no total to count towards: each slot starts flows until the stage's deadline.
    const duration = this.declared.stageDurationMs;
    const done = duration ? `${progress.done} flows (fixed duration ${formatMs(duration)})` : `${progress.done}/${progress.total} flows`;
    console.log(`${stageName(stage).padEnd(3)} ${done} · p95 total ${p95} · ${progress.failed} failed`);
  }

  /** Flows each selected stage was to run, every shard's when merged (level x ROUNDS); unknown in fixed-duration mode. */
  private expectedFlows(): Record<number, number> | undefined {
    if (this.declared.stageDurationMs) return undefined;
    return Object.fromEntries([...this.stageProgress].map(([stage, progress]) => [stage, progress.total]));
  }

  /**
   * Writes the report, then makes the run's status follow the profile: a FAIL verdict (any stop condition of a selected stage,
   * gate project or not) fails a run Playwright would pass. An interrupted or timed-out run keeps its own status (and exit code).
   */
  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    // Sorted by key: shards merged in any order give the same report.
    const byKey = <T>(map: Map<string, T>): T[] => [...map.keys()].sort().map((k) => map.get(k)!);
    const results = byKey(this.results);
    const meta = runMetaFrom(this.metadata, results, [...this.stageProgress.keys()], new Date().toISOString());
    // This machine's sampler timeline, or the shards' when `npm run merge` handed them over.
    const { infrastructure, loadGenerator } = runInfrastructure(meta.runId, byKey(this.infra), results, byKey(this.eventLoops));
    const profile = summarize(results, {
      ...meta,
      gates: {
        ...reporterGates(results, meta.mode ?? 'live', infrastructure, { expectedFlows: this.expectedFlows() }),
        ...gatesByStage(byKey(this.gates)),
      },
      infrastructure,
      loadGenerator,
      collectionErrors: byKey(this.errors),
      ...(results.length === 0 && this.errors.size === 0
        ? {
            stopReason: `no flow ran, nothing was measured: ${this.firstRunError ?? `the Playwright run ended ${result.status} before any flow reported`}`,
          }
        : result.status === 'interrupted' || result.status === 'timedout'
          ? { stopReason: `the Playwright run ended ${result.status}` }
          : {}),
    });
    // BASELINE set: the run compared with that run (report.md's "Comparison with baseline", report.json's comparison).
    // The last OTLP export goes first, so report.md and report.json say how the export went.
    const otlpExport = await this.otlp?.finish();
    const report = { ...withBaseline(profile), ...(otlpExport ? { otlpExport } : {}) };

    // Same default root as the flows and the gates (config/paths.ts), so one run has one folder.
    const root = this.options.outputDir ? path.resolve(this.rootDir, this.options.outputDir) : reportsRoot();
    const reportFile = await writeReport(root, report, results);
    appendStepSummary(reportFile);
    writeVerdictFile(report, reportFile);
    // Allure: the profile report and its charts as the run's "Profile report" result (reporter/run-attachments.ts).
    attachProfileReport(reportFile, report, this.config);
    if (this.options.summary !== false) printTerminalSummary(report, reportFile, this.config);
    if (report.overall === 'not-measured') {
      console.log(`escrow-ramp report: ${reportFile} (not measured: ${report.stopReason ?? NOTHING_MEASURED})`);
      return undefined;
    }
    const safe = report.safeConcurrency === null ? 'none' : stageName(report.safeConcurrency);
    const note = report.safeConcurrencyNote ? `; ${report.safeConcurrencyNote}` : '';
    console.log(`escrow-ramp report: ${reportFile} (${report.overall}, safe concurrency ${safe}${note})`);
    if (report.overall !== 'fail') return undefined;
    const failsRun = result.status === 'passed';
    console.log(
      `escrow-ramp: the profile is FAIL${failsRun ? ', so the run fails' : ''}; stop condition(s):\n${report.failedConditions.map((c) => `  - ${c}`).join('\n')}`,
    );
    return failsRun ? { status: 'failed' } : undefined;
  }
}
