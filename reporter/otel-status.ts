// What the OTLP metrics export did, as report.json carries it and report.md and
// the terminal say it. Kept apart from otel-export.ts so the report's schema
// does not load the OpenTelemetry SDK.
import { z } from 'zod';
import { OTLP_PROTOCOLS } from '../config/otel-env.ts';
import { plural } from './format.ts';

export const OtlpExportStatus = z.object({
  /** exported: every export was accepted; failed: at least one was not, or the settings were refused. */
  status: z.enum(['exported', 'failed']),
  /** The metrics URL, credentials masked; null when the settings were refused before there was one. */
  endpoint: z.string().nullable(),
  protocol: z.enum(OTLP_PROTOCOLS).nullable(),
  /** Exports attempted (one at the end of each stage, one at the end of the run) and accepted by the receiver. */
  attempts: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  /** Measurements recorded: one per call, flow, notification copy and latency. */
  measurements: z.number().int().nonnegative(),
  /** Why exports failed, each once, redacted; empty when every export was accepted. */
  failures: z.array(z.string()),
});
export type OtlpExportStatus = z.infer<typeof OtlpExportStatus>;

/** `OTLP export: failed (reason)` or `OTLP export: exported ...`: the one line report.md and the terminal show. */
export function otlpExportLine(s: OtlpExportStatus): string {
  const where = s.endpoint ? ` to ${s.endpoint} (${s.protocol})` : '';
  const counts = `${s.accepted} of ${plural(s.attempts, 'export')} accepted, ${plural(s.measurements, 'measurement')}`;
  return s.status === 'failed'
    ? `OTLP export: failed (${s.failures.join('; ')})${where}: ${counts}`
    : `OTLP export: exported${where}: ${counts}`;
}
