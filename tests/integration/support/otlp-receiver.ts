// A loopback OTLP/HTTP receiver for the export's tests: a plain node http
// server on 127.0.0.1 and a port the OS picks, keeping every request it gets.
// JSON bodies are decoded (OTLP's JSON encoding); protobuf ones kept as bytes.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

// OTLP's JSON encoding, as far as the tests read it (opentelemetry-proto's metrics.proto).
export interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
}
export interface HistogramPoint {
  attributes: KeyValue[];
  count: number | string;
  sum: number;
  bucketCounts: (number | string)[];
  explicitBounds: number[];
  startTimeUnixNano: string | number;
  timeUnixNano: string | number;
}
export interface SumPoint {
  attributes: KeyValue[];
  timeUnixNano: string | number;
  asInt?: number | string;
  asDouble?: number;
}
export interface OtlpMetric {
  name: string;
  unit: string;
  histogram?: { dataPoints: HistogramPoint[]; aggregationTemporality: number };
  sum?: { dataPoints: SumPoint[]; isMonotonic: boolean; aggregationTemporality: number };
}
export interface ExportMetricsRequest {
  resourceMetrics: { resource: { attributes: KeyValue[] }; scopeMetrics: { metrics: OtlpMetric[] }[] }[];
}

export interface OtlpReceiver {
  /** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  url: string;
  requests: OtlpRequest[];
  /** The JSON requests, decoded. */
  decoded(): ExportMetricsRequest[];
  close(): Promise<void>;
}

/** Starts a receiver that answers `status` (200: accepted) to every export. */
export async function startOtlpReceiver(status = 200): Promise<OtlpReceiver> {
  const requests: OtlpRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{}' : '{"message":"refused by the test"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    decoded: () =>
      requests
        .filter((r) => String(r.headers['content-type']).startsWith('application/json'))
        .map((r) => JSON.parse(r.body.toString('utf8')) as ExportMetricsRequest),
    close: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}

/** A port nothing listens on: one the OS gave a server that is closed again. */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const attribute = (attrs: KeyValue[], key: string) => {
  const v = attrs.find((a) => a.key === key)?.value;
  return v === undefined ? undefined : (v.stringValue ?? v.boolValue ?? (v.intValue !== undefined ? Number(v.intValue) : v.doubleValue));
};

/** Every metric of a request, by name. */
export const metricsOf = (request: ExportMetricsRequest): Map<string, OtlpMetric> =>
  new Map(request.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)).map((m) => [m.name, m]));
