// The OTLP metrics the export sends, and how a worker result becomes measurements.
// Names, units and attributes are documented in docs/opentelemetry.md: change
// them together. Durations are in seconds, as OpenTelemetry's semantic
// conventions have them, so they overlay the target's http.server.request.duration.
import type { Attributes, Meter } from '@opentelemetry/api';
import type { WorkerResult } from '../contract/worker-result.ts';
import { stageName } from '../config/stages.ts';

/** Bucket bounds (s): the semantic conventions' HTTP ones, then up to the scanner's confirmation timeout. */
export const DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 15, 30, 60, 120];

export const METRIC = {
  opDuration: 'escrow.op.duration',
  flows: 'escrow.flows',
  flowDuration: 'escrow.flow.duration',
  notificationLatency: 'escrow.notification.latency',
  notificationCopies: 'escrow.notification.copies',
} as const;

export interface Measurement {
  metric: (typeof METRIC)[keyof typeof METRIC];
  /** Seconds for the durations, 1 for the counters. */
  value: number;
  attributes: Attributes;
}

const seconds = (ms: number) => ms / 1_000;

/**
 * What one flow contributes: each business call's duration (probe calls are left out, as in report.md's operation
 * table), the flow's outcome and total time, and each notification copy with its latency when it arrived.
 */
export function measurementsOf(flow: WorkerResult): Measurement[] {
  const stage = { 'escrow.stage': stageName(flow.stage) };
  const calls = flow.calls
    .filter((call) => call.probe === undefined)
    .map((call): Measurement => ({
      metric: METRIC.opDuration,
      value: seconds(call.durationMs),
      attributes: {
        ...stage,
        'escrow.op': call.op,
        'escrow.outcome': call.outcome,
        ...(call.status !== null ? { 'http.response.status_code': call.status } : {}),
        ...(call.timedOut ? { 'error.type': 'timeout' } : {}),
      },
    }));
  const outcome = {
    ...stage,
    'escrow.status': flow.status,
    ...(flow.classification ? { 'escrow.failure_class': flow.classification } : {}),
  };
  const total = flow.timingsMs.total;
  const notifications = flow.notifications.flatMap((n): Measurement[] => {
    const type = { ...stage, 'escrow.notification.type': n.step };
    const arrival = n.observed ? 'observed' : n.knownGap ? 'known-gap' : 'missing';
    return [
      { metric: METRIC.notificationCopies, value: 1, attributes: { ...type, 'escrow.notification.arrival': arrival } },
      ...(n.observed && n.latencyMs !== null
        ? [{ metric: METRIC.notificationLatency, value: seconds(n.latencyMs), attributes: type }]
        : []),
    ];
  });
  return [
    ...calls,
    { metric: METRIC.flows, value: 1, attributes: outcome },
    ...(total !== null ? [{ metric: METRIC.flowDuration, value: seconds(total), attributes: outcome }] : []),
    ...notifications,
  ];
}

/** The instruments on a meter, and a recorder for measurements. */
export function instruments(meter: Meter): (m: Measurement) => void {
  const histogram = (name: string, description: string) =>
    meter.createHistogram(name, { description, unit: 's', advice: { explicitBucketBoundaries: DURATION_BUCKETS_S } });
  const counter = (name: string, description: string, unit: string) => meter.createCounter(name, { description, unit });
  const record = {
    [METRIC.opDuration]: histogram(METRIC.opDuration, 'Duration of each timed API call of a flow, as the flow measured it'),
    [METRIC.flowDuration]: histogram(METRIC.flowDuration, "A flow's total time (its steps, probes left out)"),
    [METRIC.notificationLatency]: histogram(
      METRIC.notificationLatency,
      "From the trigger's completion on the target to the copy's first arrival on a recipient's device",
    ),
  };
  const add = {
    [METRIC.flows]: counter(METRIC.flows, 'Flows that ended, by outcome', '{flow}'),
    [METRIC.notificationCopies]: counter(METRIC.notificationCopies, 'Notification copies expected, by arrival', '{copy}'),
  };
  return (m) => {
    if (m.metric === METRIC.flows || m.metric === METRIC.notificationCopies) add[m.metric].add(m.value, m.attributes);
    else record[m.metric].record(m.value, m.attributes);
  };
}
