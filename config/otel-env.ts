// The OpenTelemetry variables a user of OTel expects (the OTLP exporter and SDK
// specification's names), parsed with the rest of config/env.ts so a bad value
// stops the run at configuration time. Header values are secrets: they are
// masked in every message and never written anywhere.
import { z } from 'zod';
import { MASK, redactText } from '../lib/redact.ts';

export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];
export const TEMPORALITIES = ['cumulative', 'delta', 'lowmemory'] as const;
export type Temporality = (typeof TEMPORALITIES)[number];

/** `key=value,key2=value2`, values percent-encoded (the W3C baggage form the specification uses for headers and resources). */
export function keyValuePairs(text: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    const key = part.slice(0, at).trim();
    if (at < 1 || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(key)) return null;
    try {
      out[key] = decodeURIComponent(part.slice(at + 1).trim());
    } catch {
      return null;
    }
  }
  return out;
}

const pairs = (example: string) =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      const parsed = keyValuePairs(v);
      if (parsed) return parsed;
      ctx.addIssue({ code: 'custom', message: `must be comma-separated key=value pairs (values percent-encoded), e.g. ${example}` });
      return z.NEVER;
    });

const endpoint = z
  .string()
  .trim()
  .refine(
    (v) => URL.canParse(v) && ['http:', 'https:'].includes(new URL(v).protocol),
    'must be an http or https URL of an OTLP/HTTP receiver, e.g. http://localhost:4318 (the collector port for OTLP over HTTP)',
  );

const protocol = z
  .string()
  .trim()
  .refine(
    (v): v is OtlpProtocol => (OTLP_PROTOCOLS as readonly string[]).includes(v),
    `must be one of ${OTLP_PROTOCOLS.join(', ')} (grpc is not supported: use the collector's OTLP/HTTP port, 4318)`,
  )
  .transform((v) => v as OtlpProtocol);

const timeoutMs = z
  .string()
  .trim()
  .regex(/^[0-9]+$/, 'must be a timeout in milliseconds, an integer in 1..120000')
  .transform(Number)
  .refine((n) => n >= 1 && n <= 120_000, 'must be a timeout in milliseconds, an integer in 1..120000');

const HEADERS_EXAMPLE = 'authorization=Bearer%20<token>,x-tenant=ramp';

export const OtelEnvSchema = z.object({
  /** The OTLP/HTTP base URL: metrics go to <endpoint>/v1/metrics. Setting it (or the metrics one) turns the export on. */
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint.optional(),
  /** The full metrics URL, used as given; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: endpoint.optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol.optional(),
  OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: protocol.optional(),
  OTEL_EXPORTER_OTLP_HEADERS: pairs(HEADERS_EXAMPLE).optional(),
  OTEL_EXPORTER_OTLP_METRICS_HEADERS: pairs(HEADERS_EXAMPLE).optional(),
  OTEL_EXPORTER_OTLP_TIMEOUT: timeoutMs.optional(),
  OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: timeoutMs.optional(),
  OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(TEMPORALITIES, { message: `must be one of ${TEMPORALITIES.join(', ')}` }))
    .optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).optional(),
  OTEL_RESOURCE_ATTRIBUTES: pairs('deployment.environment.name=dev,team=payments').optional(),
  OTEL_SDK_DISABLED: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false'], { message: 'must be true or false' }))
    .transform((v) => v === 'true')
    .optional(),
});
export type OtelEnv = z.infer<typeof OtelEnvSchema>;

export const OTEL_HEADER_VARS: ReadonlySet<string> = new Set(['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS']);

/** A header variable's value as messages may show it: its keys, each value masked (a malformed one masked whole). */
export function maskHeaders(value: string): string {
  return value
    .split(',')
    .map((part) => (part.includes('=') ? `${part.slice(0, part.indexOf('=')).trim()}=${MASK}` : MASK))
    .join(',');
}

export interface OtlpSettings {
  /** The metrics URL the exporter posts to, and the variable it came from. */
  url: string;
  urlFrom: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT' | 'OTEL_EXPORTER_OTLP_ENDPOINT';
  /** The URL as reports and logs may show it (credentials masked). */
  shownUrl: string;
  protocol: OtlpProtocol;
  /** Secrets: given to the exporter only. */
  headers: Record<string, string>;
  timeoutMs: number;
  temporality: Temporality;
  serviceName: string;
  resourceAttributes: Record<string, string>;
}

/** The specification's default timeout of an OTLP export. */
export const DEFAULT_OTLP_TIMEOUT_MS = 10_000;

/**
 * What the export does with the parsed variables, or null when it is off (no endpoint set, or OTEL_SDK_DISABLED=true).
 * The metrics-specific variable wins over the general one, as the specification says; headers are merged, the
 * metrics ones winning per key.
 */
export function otlpSettings(env: OtelEnv): OtlpSettings | null {
  if (env.OTEL_SDK_DISABLED) return null;
  const specific = env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (specific === undefined && base === undefined) return null;
  const url = specific ?? `${base!.replace(/\/+$/, '')}/v1/metrics`;
  const resourceAttributes = env.OTEL_RESOURCE_ATTRIBUTES ?? {};
  return {
    url,
    urlFrom: specific !== undefined ? 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT',
    shownUrl: redactText(url),
    protocol: env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
    headers: { ...env.OTEL_EXPORTER_OTLP_HEADERS, ...env.OTEL_EXPORTER_OTLP_METRICS_HEADERS },
    timeoutMs: env.OTEL_EXPORTER_OTLP_METRICS_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT ?? DEFAULT_OTLP_TIMEOUT_MS,
    temporality: env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE ?? 'cumulative',
    serviceName: env.OTEL_SERVICE_NAME ?? resourceAttributes['service.name'] ?? 'escrow-ramp',
    resourceAttributes,
  };
}
