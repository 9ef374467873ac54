// The OpenTelemetry variables: refused at configuration time with the variable,
// its value (credentials and header values masked) and what is allowed; and the
// export settings they give, as the OTLP exporter specification reads them.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { ConfigError, parseEnv, parseOtelEnv } from '../../config/env.ts';
import { keyValuePairs } from '../../config/otel-env.ts';
import { measurementsOf } from '../../reporter/otel-metrics.ts';
import { otlpExportLine } from '../../reporter/otel-status.ts';
import { baseWorkerResult } from '../../reporter/synthetic.ts';

const refusal = (env: Record<string, string>): string => {
  try {
    parseEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`parseEnv accepted ${JSON.stringify(env)}`);
};

test('refuses an endpoint that is no http(s) URL, naming the variable, the value and what is allowed', () => {
  expect(refusal({ OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' })).toBe(
    'invalid configuration:\n  OTEL_EXPORTER_OTLP_ENDPOINT="localhost:4318" must be an http or https URL of an OTLP/HTTP receiver, e.g. http://localhost:4318 (the collector port for OTLP over HTTP)',
  );
  expect(refusal({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'collector:4318/v1/metrics' })).toContain(
    'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT="collector:4318/v1/metrics" must be an http or https URL',
  );
});

test('masks the credentials of a refused endpoint URL', () => {
  const message = refusal({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://ingest:hunter22@otel.example.com:4317' });
  expect(message).toContain('OTEL_EXPORTER_OTLP_ENDPOINT="grpc://ingest:***@otel.example.com:4317" must be an http or https URL');
  expect(message).not.toContain('hunter22');
});

test('refuses malformed headers without showing a header value', () => {
  const message = refusal({ OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc123secret,x-tenant' });
  expect(message).toBe(
    'invalid configuration:\n  OTEL_EXPORTER_OTLP_HEADERS="authorization=***,***" must be comma-separated key=value pairs (values percent-encoded), e.g. authorization=Bearer%20<token>,x-tenant=ramp',
  );
  expect(refusal({ OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'api-key=%E0%A4%A' })).toContain(
    'OTEL_EXPORTER_OTLP_METRICS_HEADERS="api-key=***" must be',
  );
});

test('refuses grpc, a bad timeout, temporality or SDK switch, each with what is allowed', () => {
  const message = refusal({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_EXPORTER_OTLP_TIMEOUT: '10s',
    OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'sometimes',
    OTEL_SDK_DISABLED: 'yes',
  });
  expect(message.split('\n').slice(1)).toEqual([
    '  OTEL_EXPORTER_OTLP_PROTOCOL="grpc" must be one of http/protobuf, http/json (grpc is not supported: use the collector\'s OTLP/HTTP port, 4318)',
    '  OTEL_EXPORTER_OTLP_TIMEOUT="10s" must be a timeout in milliseconds, an integer in 1..120000',
    '  OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE="sometimes" must be one of cumulative, delta, lowmemory',
    '  OTEL_SDK_DISABLED="yes" must be true or false',
  ]);
});

test('is off without an endpoint, and with OTEL_SDK_DISABLED=true', () => {
  expect(parseOtelEnv({ OTEL_SERVICE_NAME: 'ramp' })).toBeNull();
  expect(parseOtelEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'TRUE' })).toBeNull();
});

test('posts to <endpoint>/v1/metrics with the defaults of the specification', () => {
  expect(parseOtelEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com:4318/' })).toEqual({
    url: 'https://otel.example.com:4318/v1/metrics',
    urlFrom: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    shownUrl: 'https://otel.example.com:4318/v1/metrics',
    protocol: 'http/protobuf',
    headers: {},
    timeoutMs: 10_000,
    temporality: 'cumulative',
    serviceName: 'escrow-ramp',
    resourceAttributes: {},
  });
});

test('the metrics variables win over the general ones; headers merge per key; OTEL_SERVICE_NAME wins over service.name', () => {
  const settings = parseOtelEnv({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318',
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://user:pw-secret@metrics:4318/custom',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_HEADERS: 'authorization=general,x-tenant=ramp',
    OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'authorization=Bearer%20metrics',
    OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
    OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '2000',
    OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'Delta',
    OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-resource,team=payments%20core',
    OTEL_SERVICE_NAME: 'ramp-ci',
  });
  expect(settings).toMatchObject({
    url: 'http://user:pw-secret@metrics:4318/custom',
    urlFrom: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
    shownUrl: 'http://user:***@metrics:4318/custom',
    protocol: 'http/json',
    headers: { authorization: 'Bearer metrics', 'x-tenant': 'ramp' },
    timeoutMs: 2000,
    temporality: 'delta',
    serviceName: 'ramp-ci',
    resourceAttributes: { 'service.name': 'from-resource', team: 'payments core' },
  });
  expect(
    parseOtelEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-resource' })!.serviceName,
  ).toBe('from-resource');
});

test('reads key=value pairs as the specification writes them, and nothing else', () => {
  expect(keyValuePairs(' a = 1 , b=x%3Dy ')).toEqual({ a: '1', b: 'x=y' });
  expect(keyValuePairs('a=1,,b=2')).toBeNull();
  expect(keyValuePairs('=1')).toBeNull();
  expect(keyValuePairs('a b=1')).toBeNull();
});

test('a flow gives one measurement per business call, its outcome and total, and per notification copy', () => {
  const flow = baseWorkerResult({
    timingsMs: { ...baseWorkerResult().timingsMs, total: 1_500 },
    calls: [
      { op: 'login', status: 200, outcome: 'ok', startedAt: 0, durationMs: 250, timedOut: false },
      { op: 'acceptOffer', status: 200, outcome: 'ok', startedAt: 0, durationMs: 90, timedOut: false, probe: 'racingAccepts' },
    ],
    notifications: [{ step: 'offer_created', recipient: 'buyer', observed: false, latencyMs: null, duplicates: 0, knownGap: 'gap-1' }],
  });
  expect(measurementsOf(flow)).toEqual([
    {
      metric: 'escrow.op.duration',
      value: 0.25,
      attributes: { 'escrow.stage': 'C1', 'escrow.op': 'login', 'escrow.outcome': 'ok', 'http.response.status_code': 200 },
    },
    { metric: 'escrow.flows', value: 1, attributes: { 'escrow.stage': 'C1', 'escrow.status': 'pass' } },
    { metric: 'escrow.flow.duration', value: 1.5, attributes: { 'escrow.stage': 'C1', 'escrow.status': 'pass' } },
    {
      metric: 'escrow.notification.copies',
      value: 1,
      attributes: { 'escrow.stage': 'C1', 'escrow.notification.type': 'offer_created', 'escrow.notification.arrival': 'known-gap' },
    },
  ]);
});

test('the export line says failed and why, or how many exports the receiver accepted', () => {
  const base = { endpoint: 'http://c:4318/v1/metrics', protocol: 'http/json' as const, attempts: 2, measurements: 40 };
  expect(otlpExportLine({ ...base, status: 'failed', accepted: 1, failures: ['connect ECONNREFUSED 127.0.0.1:4318'] })).toBe(
    'OTLP export: failed (connect ECONNREFUSED 127.0.0.1:4318) to http://c:4318/v1/metrics (http/json): 1 of 2 exports accepted, 40 measurements',
  );
  expect(otlpExportLine({ ...base, status: 'exported', accepted: 2, failures: [] })).toBe(
    'OTLP export: exported to http://c:4318/v1/metrics (http/json): 2 of 2 exports accepted, 40 measurements',
  );
});

test('one copy of each OpenTelemetry SDK package is installed, so the exporter and the meter provider agree', () => {
  const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
    packages: Record<string, unknown>;
  };
  const nested = Object.keys(lock.packages).filter((p) => /node_modules\/@opentelemetry\/.*node_modules\/@opentelemetry\//.test(p));
  expect(nested).toEqual([]);
});
