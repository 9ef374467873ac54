// The OTLP export in a real run: `npx playwright test --project=C1` against the
// embedded sandbox, exporting to a loopback receiver; and a malformed endpoint
// refused at configuration time, before anything starts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { METRIC } from '../../reporter/otel-metrics.ts';
import { attribute, metricsOf, startOtlpReceiver } from './support/otlp-receiver.ts';
import { rampCli } from './support/ramp-cli.ts';

const ramp = (dir: string, env: Record<string, string>, timeoutMs: number) => rampCli(dir, env, ['--project=C1'], timeoutMs);

test('a malformed OTLP endpoint stops the run at configuration time, naming the variable and what is allowed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'otel-refused-'));
  try {
    const run = await ramp(dir, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://ingest:hunter22@:4318' }, 30_000);
    expect(run.code, run.output).toBe(2);
    expect(run.output).toContain('OTEL_EXPORTER_OTLP_ENDPOINT="https://ingest:***@:4318" must be an http or https URL');
    expect(run.output).not.toContain('hunter22');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a C1 stage against the sandbox exports its per-op histograms to the collector', async () => {
  test.setTimeout(240_000);
  const receiver = await startOtlpReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'otel-stage-'));
  const runId = `otel-${process.pid}-${Date.now().toString(36)}`;
  try {
    const run = await ramp(
      dir,
      {
        RUN_ID: runId,
        CONCURRENCY_LEVELS: '1',
        PAYMENT_MODE: 'status',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20FakeOtlpT0ken',
      },
      220_000,
    );
    expect(run.output).toContain('escrow-ramp: OTLP export: exported to');
    const decoded = receiver.decoded();
    expect(decoded.length, run.output).toBeGreaterThanOrEqual(1);
    const ops = metricsOf(decoded.at(-1)!).get(METRIC.opDuration)!.histogram!.dataPoints;
    const opNames = new Set(ops.map((p) => attribute(p.attributes, 'escrow.op')));
    for (const op of ['login', 'createRequest', 'createOffer', 'acceptOffer']) expect([...opNames], op).toContain(op);
    expect(new Set(ops.map((p) => attribute(p.attributes, 'escrow.stage')))).toEqual(new Set(['C1']));
    expect(ops.every((p) => Number(p.count) >= 1 && p.sum > 0)).toBe(true);
    const resource = decoded.at(-1)!.resourceMetrics[0]!.resource.attributes;
    expect([attribute(resource, 'escrow.run.id'), attribute(resource, 'escrow.target')]).toEqual([runId, 'sandbox']);

    const report = JSON.parse(readFileSync(join(dir, 'reports', runId, 'report.json'), 'utf8')) as { otlpExport: { status: string } };
    expect(report.otlpExport.status).toBe('exported');
    expect(readFileSync(join(dir, 'reports', runId, 'report.md'), 'utf8')).toContain('- OTLP export: exported to');
    expect(run.output).not.toContain('FakeOtlpT0ken');
  } finally {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
