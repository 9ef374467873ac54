// The OTLP metrics export against a real loopback receiver: the SDK's own
// exporters over HTTP, what arrives decoded from OTLP's JSON encoding, and a
// receiver that is down or refuses, which fails the export line and nothing else.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { WorkerResult } from '../../contract/worker-result.ts';
import { parseOtelEnv } from '../../config/env.ts';
import { DURATION_BUCKETS_S, METRIC } from '../../reporter/otel-metrics.ts';
import { OtlpMetricsExport } from '../../reporter/otel-export.ts';
import { baseWorkerResult } from '../../reporter/synthetic.ts';
import { flowEnd, readReport, runReporter } from '../unit/support/profile-reporter-run.ts';
import { attribute, deadPort, metricsOf, startOtlpReceiver, type HistogramPoint, type KeyValue } from './support/otlp-receiver.ts';

const T0 = Date.UTC(2026, 5, 6, 12);
const SECRET = 's3cret-token-value';
const RUN = { runId: 'run-otel', target: 'sandbox', mode: 'status' };

const c1: WorkerResult = baseWorkerResult({
  stage: 1,
  workerId: 'C1-W01',
  timingsMs: { ...baseWorkerResult().timingsMs, total: 2_000 },
  target: { url: 'http://127.0.0.1:4000', versions: {}, adapter: 'adapters/sandbox.ts' },
  calls: [
    { op: 'login', status: 200, outcome: 'ok', startedAt: T0, durationMs: 100, timedOut: false },
    { op: 'login', status: 200, outcome: 'ok', startedAt: T0, durationMs: 300, timedOut: false },
    { op: 'createRequest', status: null, outcome: 'info', startedAt: T0, durationMs: 30_000, timedOut: true },
    { op: 'createOffer', status: 201, outcome: 'ok', startedAt: T0, durationMs: 50, timedOut: false, probe: 'underpaymentProbe' },
  ],
  notifications: [
    { step: 'offer_accepted', recipient: 'seller-1', observed: true, latencyMs: 300, duplicates: 0 },
    { step: 'offer_accepted', recipient: 'seller-1', device: 1, observed: false, latencyMs: null, duplicates: 0 },
  ],
});
const c2: WorkerResult = baseWorkerResult({
  stage: 2,
  workerId: 'C2-W01',
  status: 'fail',
  classification: 'product',
  calls: [{ op: 'login', status: 500, outcome: 'fail', startedAt: T0, durationMs: 40, timedOut: false }],
});

const has = (attrs: KeyValue[], wanted: Record<string, string | number>) =>
  Object.entries(wanted).every(([key, value]) => attribute(attrs, key) === value);

test('exports per-op latency histograms, flow outcomes and notification latencies with their attributes, stage by stage', async () => {
  const receiver = await startOtlpReceiver();
  try {
    const settings = parseOtelEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${SECRET}`,
      OTEL_SERVICE_NAME: 'ramp-ci',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=dev',
    })!;
    const otlp = new OtlpMetricsExport(settings, { ...RUN, shard: 2 });
    otlp.record('C1', [c1]);
    otlp.projectBegins('C1'); // the stage goes on: nothing is exported yet
    otlp.projectBegins('gate-C1');
    otlp.record('C2', [c2]);
    const status = await otlp.finish();

    expect(status).toEqual({
      status: 'exported',
      endpoint: `${receiver.url}/v1/metrics`,
      protocol: 'http/json',
      attempts: 2,
      accepted: 2,
      measurements: 10,
      failures: [],
    });
    expect(receiver.requests.map((r) => [r.path, r.headers['content-type'], r.headers.authorization])).toEqual([
      ['/v1/metrics', 'application/json', `Bearer ${SECRET}`],
      ['/v1/metrics', 'application/json', `Bearer ${SECRET}`],
    ]);
    // The two sends run side by side and may arrive in either order: a point's collection time tells them apart.
    type Request = ReturnType<typeof receiver.decoded>[number];
    const pointsOf = (request: Request) =>
      [...metricsOf(request).values()].flatMap((m) => [...(m.histogram?.dataPoints ?? []), ...(m.sum?.dataPoints ?? [])]);
    const collectedAt = (request: Request) => Math.max(...pointsOf(request).map((p) => Number(p.timeUnixNano)));
    const [first, last] = [...receiver.decoded()].sort((a, b) => collectedAt(a) - collectedAt(b));
    const stagesIn = (request: typeof first) => pointsOf(request!).map((p) => attribute(p.attributes, 'escrow.stage'));
    expect(new Set(stagesIn(first))).toEqual(new Set(['C1']));
    expect(new Set(stagesIn(last))).toEqual(new Set(['C1', 'C2']));

    const resource = last!.resourceMetrics[0]!.resource.attributes;
    for (const [key, value] of Object.entries({
      'service.name': 'ramp-ci',
      'escrow.run.id': 'run-otel',
      'escrow.target': 'sandbox',
      'escrow.adapter': 'adapters/sandbox.ts',
      'escrow.mode': 'status',
      'escrow.shard': 2,
      'deployment.environment.name': 'dev',
    }))
      expect(attribute(resource, key), key).toBe(value);

    const metrics = metricsOf(last!);
    const ops = metrics.get(METRIC.opDuration)!;
    expect(ops.unit).toBe('s');
    const point = (wanted: Record<string, string | number>): HistogramPoint => {
      const found = ops.histogram!.dataPoints.filter((p) => has(p.attributes, wanted));
      expect(found, JSON.stringify(wanted)).toHaveLength(1);
      return found[0]!;
    };
    // 0.1 s falls in (0.075, 0.1], 0.3 s in (0.25, 0.5]: bucket i counts values in (bounds[i-1], bounds[i]].
    const login = point({ 'escrow.stage': 'C1', 'escrow.op': 'login', 'escrow.outcome': 'ok', 'http.response.status_code': 200 });
    expect(login.explicitBounds).toEqual(DURATION_BUCKETS_S);
    expect([Number(login.count), login.sum]).toEqual([2, 0.4]);
    const buckets = login.bucketCounts.map(Number);
    expect(buckets).toHaveLength(DURATION_BUCKETS_S.length + 1);
    expect(buckets.flatMap((n, i) => (n > 0 ? [[DURATION_BUCKETS_S[i], n]] : []))).toEqual([
      [0.1, 1],
      [0.5, 1],
    ]);
    const timedOut = point({ 'escrow.op': 'createRequest' });
    expect([
      attribute(timedOut.attributes, 'error.type'),
      attribute(timedOut.attributes, 'http.response.status_code'),
      timedOut.sum,
    ]).toEqual(['timeout', undefined, 30]);
    expect([Number(point({ 'escrow.stage': 'C2', 'http.response.status_code': 500 }).count)]).toEqual([1]);
    expect(ops.histogram!.dataPoints.some((p) => attribute(p.attributes, 'escrow.op') === 'createOffer')).toBe(false); // a probe's call

    const flows = metrics.get(METRIC.flows)!;
    expect(flows.sum!.isMonotonic).toBe(true);
    const flowCounts = flows.sum!.dataPoints.map((p) => [
      attribute(p.attributes, 'escrow.stage'),
      attribute(p.attributes, 'escrow.status'),
      attribute(p.attributes, 'escrow.failure_class'),
      Number(p.asInt ?? p.asDouble),
    ]);
    expect(flowCounts.sort()).toEqual([
      ['C1', 'pass', undefined, 1],
      ['C2', 'fail', 'product', 1],
    ]);
    expect(metrics.get(METRIC.flowDuration)!.histogram!.dataPoints.map((p) => [attribute(p.attributes, 'escrow.stage'), p.sum])).toEqual([
      ['C1', 2],
    ]);

    const latency = metrics.get(METRIC.notificationLatency)!.histogram!.dataPoints;
    expect(latency.map((p) => [attribute(p.attributes, 'escrow.notification.type'), Number(p.count), p.sum])).toEqual([
      ['offer_accepted', 1, 0.3],
    ]);
    const copies = metrics.get(METRIC.notificationCopies)!.sum!.dataPoints;
    expect(copies.map((p) => [attribute(p.attributes, 'escrow.notification.arrival'), Number(p.asInt ?? p.asDouble)]).sort()).toEqual([
      ['missing', 1],
      ['observed', 1],
    ]);
  } finally {
    await receiver.close();
  }
});

test('sends protobuf by default, to OTEL_EXPORTER_OTLP_METRICS_ENDPOINT as given', async () => {
  const receiver = await startOtlpReceiver();
  try {
    const settings = parseOtelEnv({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/custom/metrics` })!;
    const otlp = new OtlpMetricsExport(settings, RUN);
    otlp.record('C1', [c1]);
    expect((await otlp.finish()).status).toBe('exported');
    expect(receiver.requests.map((r) => [r.path, r.headers['content-type']])).toEqual([['/custom/metrics', 'application/x-protobuf']]);
    expect(receiver.requests[0]!.body.length).toBeGreaterThan(100);
  } finally {
    await receiver.close();
  }
});

/** Runs the profile reporter over one flow with the OTel variables set; the warnings it printed. */
async function reporterRun(dir: string, vars: Record<string, string>) {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const warn = console.warn;
  const warnings: string[] = [];
  Object.assign(process.env, vars);
  console.warn = (line: string) => warnings.push(line);
  try {
    await runReporter(dir, [flowEnd(c1)], { metadata: { ...RUN, levels: [1] } });
  } finally {
    console.warn = warn;
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
  const runDir = path.join(dir, 'run-otel');
  return {
    warnings,
    report: readReport(runDir),
    md: readFileSync(path.join(runDir, 'report.md'), 'utf8'),
    json: readFileSync(path.join(runDir, 'report.json'), 'utf8'),
  };
}

test('an unreachable collector is a warning and a failed export line in report.md and report.json, never a crash', async ({}, testInfo) => {
  const endpoint = `http://127.0.0.1:${await deadPort()}`;
  const started = Date.now();
  const { warnings, report, md, json } = await reporterRun(testInfo.outputPath('out'), {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
    OTEL_EXPORTER_OTLP_HEADERS: `api-key=${SECRET}`,
  });
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(report.otlpExport).toMatchObject({ status: 'failed', endpoint: `${endpoint}/v1/metrics`, attempts: 1, accepted: 0 });
  expect(report.otlpExport!.failures.join()).toMatch(/ECONNREFUSED|timed out after/);
  expect(md).toContain(`- OTLP export: failed (${report.otlpExport!.failures[0]})`);
  expect(warnings.some((w) => w.startsWith('escrow-ramp: OTLP export: failed ('))).toBe(true);
  for (const text of [md, json, ...warnings]) expect(text).not.toContain(SECRET);
});

test('a receiver that refuses the export fails the export line with its answer', async () => {
  const receiver = await startOtlpReceiver(400);
  try {
    const otlp = new OtlpMetricsExport(
      parseOtelEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })!,
      RUN,
    );
    otlp.record('C1', [c1]);
    const warn = console.warn;
    console.warn = () => {};
    const status = await otlp.finish().finally(() => (console.warn = warn));
    expect(status).toMatchObject({ status: 'failed', attempts: 1, accepted: 0 });
    expect(status.failures).toHaveLength(1);
    expect(receiver.requests).toHaveLength(1);
  } finally {
    await receiver.close();
  }
});

test('variables refused under merge-reports export nothing and fail the export line, naming the variable', async ({}, testInfo) => {
  const { report, md } = await reporterRun(testInfo.outputPath('out'), { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' });
  expect(report.otlpExport).toMatchObject({ status: 'failed', endpoint: null, attempts: 0 });
  expect(md).toContain('- OTLP export: failed (OTEL_EXPORTER_OTLP_ENDPOINT="localhost:4318" must be an http or https URL');
});
