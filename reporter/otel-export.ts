// The OTLP metrics export (OTEL_EXPORTER_OTLP_ENDPOINT set): the runner process
// records what the worker results it already collected measured, and exports at
// the end of each stage and of the run, each export bounded by the OTLP timeout.
// A receiver that is down or refuses is a warning and a line in the report,
// never a crash and never a silent pass. Header values go to the exporter only.
import { ExportResultCode } from '@opentelemetry/core';
import { AggregationTemporalityPreference, OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { WorkerResult } from '../contract/worker-result.ts';
import { parseOtelEnv } from '../config/env.ts';
import type { OtlpSettings, Temporality } from '../config/otel-env.ts';
import { redactText } from '../lib/redact.ts';
import { instruments, measurementsOf, type Measurement } from './otel-metrics.ts';
import { otlpExportLine, type OtlpExportStatus } from './otel-status.ts';

/** The run as the resource attributes name it. */
export interface RunFacts {
  runId: string;
  /** The target as report.md names it (`sandbox`, or its URL with credentials masked). */
  target: string | null;
  mode: string | null;
  /** This machine's shard of a sharded run: shards export their own flows, told apart by `escrow.shard`. */
  shard?: number | undefined;
}

const TEMPORALITY: Record<Temporality, AggregationTemporalityPreference> = {
  cumulative: AggregationTemporalityPreference.CUMULATIVE,
  delta: AggregationTemporalityPreference.DELTA,
  lowmemory: AggregationTemporalityPreference.LOWMEMORY,
};

/** A reader that collects only when asked (at a stage's end) and says whether the receiver took the export. */
class OnDemandReader extends MetricReader {
  constructor(private readonly exporter: PushMetricExporter) {
    super({ aggregationTemporalitySelector: (type) => exporter.selectAggregationTemporality!(type) });
  }

  /** The points as they stand now (their time is this moment), or why they could not be collected. */
  async collectNow(timeoutMs: number): Promise<ResourceMetrics | string> {
    const { resourceMetrics, errors } = await this.collect({ timeoutMillis: timeoutMs });
    return errors.length > 0 ? `collection failed: ${errors.map(String).join('; ')}` : resourceMetrics;
  }

  /** null when the receiver accepted the export, else why not. */
  send(metrics: ResourceMetrics): Promise<string | null> {
    return new Promise((resolve) =>
      this.exporter.export(metrics, (result) =>
        resolve(result.code === ExportResultCode.SUCCESS ? null : (result.error?.message ?? 'the receiver did not accept the export')),
      ),
    );
  }

  protected override onForceFlush(): Promise<void> {
    return this.exporter.forceFlush();
  }

  protected override onShutdown(): Promise<void> {
    return this.exporter.shutdown();
  }
}

/** The work's result, or why there is none: it threw, or `ms` passed first (the timer never keeps the process alive). */
function within<T>(work: Promise<T>, ms: number): Promise<T | string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(`timed out after ${ms} ms`), ms);
    timer.unref();
    void work
      .then(resolve, (error: unknown) => resolve(error instanceof Error ? error.message : String(error)))
      .finally(() => clearTimeout(timer));
  });
}

/** The settings of an export whose variables were refused: nothing is recorded or sent. */
const REFUSED: OtlpSettings = {
  url: '',
  urlFrom: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  shownUrl: '',
  protocol: 'http/protobuf',
  headers: {},
  timeoutMs: 0,
  temporality: 'cumulative',
  serviceName: '',
  resourceAttributes: {},
};

// The exporter's own timeout ends a request; this margin only covers collecting and encoding.
const MARGIN_MS = 1_000;

export class OtlpMetricsExport {
  private started: { provider: MeterProvider; reader: OnDemandReader; record: (m: Measurement) => void } | undefined;
  /** Records and collections in the order they were asked for: a stage's collection holds that stage's flows only. */
  private ordered: Promise<void> = Promise.resolve();
  private readonly sends: Promise<void>[] = [];
  /** The project whose flows were recorded last, while they wait for an export. */
  private unexported: string | undefined;
  private attempts = 0;
  private accepted = 0;
  private measurements = 0;
  private readonly failures = new Set<string>();

  constructor(
    private readonly settings: OtlpSettings,
    private readonly run: RunFacts,
  ) {}

  /**
   * The export the environment asks for, or undefined when it asks for none. Settings refused here (the run's
   * configuration refused them first; merge-reports reads no configuration) export nothing and fail the export line.
   */
  static fromEnv(run: RunFacts, source: NodeJS.ProcessEnv = process.env): OtlpMetricsExport | undefined {
    try {
      const settings = parseOtelEnv(source);
      return settings ? new OtlpMetricsExport(settings, run) : undefined;
    } catch (error) {
      const refused = new OtlpMetricsExport(REFUSED, run);
      refused.failures.add((error as Error).message.replace(/^invalid configuration:\s*/, '').replace(/\n\s*/g, '; '));
      console.warn(`escrow-ramp: ${otlpExportLine(refused.status())}`);
      return refused;
    }
  }

  /** Records a finished test's flows (in the runner process, from results it already parsed). */
  record(project: string, flows: readonly WorkerResult[]): void {
    if (flows.length === 0 || this.settings === REFUSED) return;
    const { record } = (this.started ??= this.start(flows[0]!.target.adapter));
    const measurements = flows.flatMap(measurementsOf);
    this.measurements += measurements.length;
    this.ordered = this.ordered.then(() => measurements.forEach(record));
    this.unexported = project;
  }

  /** A test of another project begins: the stage recorded before it is over (stages run one after another), so it goes out now. */
  projectBegins(project: string): void {
    if (this.unexported !== undefined && project !== this.unexported) this.exportStage(`at the end of ${this.unexported}`);
  }

  /** The last export and the shutdown, each bounded; what the export did, for the report. */
  async finish(): Promise<OtlpExportStatus> {
    if (this.unexported !== undefined) this.exportStage('at the end of the run');
    await this.ordered;
    await Promise.all(this.sends);
    if (this.started) await within(this.started.provider.shutdown(), this.settings.timeoutMs + MARGIN_MS);
    const status = this.status();
    if (status.status === 'failed') console.warn(`escrow-ramp: ${otlpExportLine(status)}`);
    else console.log(`escrow-ramp: ${otlpExportLine(status)}`);
    return status;
  }

  status(): OtlpExportStatus {
    const failures = [...this.failures];
    const refused = this.settings === REFUSED;
    return {
      status: failures.length > 0 ? 'failed' : 'exported',
      endpoint: refused ? null : this.settings.shownUrl,
      protocol: refused ? null : this.settings.protocol,
      attempts: this.attempts,
      accepted: this.accepted,
      measurements: this.measurements,
      failures,
    };
  }

  private start(adapter: string | undefined) {
    const { settings, run } = this;
    const options = {
      url: settings.url,
      headers: settings.headers,
      timeoutMillis: settings.timeoutMs,
      temporalityPreference: TEMPORALITY[settings.temporality],
    };
    const exporter = settings.protocol === 'http/json' ? new JsonExporter(options) : new ProtobufExporter(options);
    const reader = new OnDemandReader(exporter);
    const resource = defaultResource().merge(
      resourceFromAttributes({
        ...settings.resourceAttributes,
        'service.name': settings.serviceName,
        'escrow.run.id': run.runId,
        'escrow.target': redactText(run.target ?? 'unknown'),
        'escrow.adapter': adapter ?? 'default',
        ...(run.mode ? { 'escrow.mode': run.mode } : {}),
        ...(run.shard !== undefined ? { 'escrow.shard': run.shard } : {}),
      }),
    );
    const provider = new MeterProvider({ resource, readers: [reader] });
    return { provider, reader, record: instruments(provider.getMeter('escrow-ramp')) };
  }

  /** Collects now, after the records asked for before; sends without holding up the records that follow. */
  private exportStage(when: string): void {
    const { reader } = this.started!;
    const timeout = this.settings.timeoutMs;
    this.unexported = undefined;
    this.attempts += 1;
    this.ordered = this.ordered.then(async () => {
      const collected = await within(reader.collectNow(timeout), timeout);
      const sent = typeof collected === 'string' ? Promise.resolve(collected) : within(reader.send(collected), timeout + MARGIN_MS);
      this.sends.push(sent.then((failure) => this.settle(failure, when)));
    });
  }

  private settle(failure: string | null, when: string): void {
    if (failure === null) {
      this.accepted += 1;
      return;
    }
    // Header values are secrets: an error that echoes a request never shows them.
    const why = redactText(failure, Object.values(this.settings.headers));
    if (!this.failures.has(why))
      console.warn(`escrow-ramp: ${otlpExportLine({ ...this.status(), status: 'failed', failures: [why] })} (${when}; the run goes on)`);
    this.failures.add(why);
  }
}
