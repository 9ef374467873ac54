// report.md's "Sampled metrics" table, under the Infrastructure section after
// the template's table: the sampler's other series per stage (Socket.IO,
// notification inserts/errors, RPC, docker images, restarts per component),
// from each row's optional `sampled` (contract/infra-row.ts SampledMetrics).
import { stageName } from '../config/stages.ts';
import type { InfraRow } from '../contract/infra-row.ts';
import { row } from './markdown.ts';

const HEADER = [
  '| Stage | Socket.IO clients max | Events emitted | Notification inserts | Notification errors | RPC p95 | RPC errors | Docker images | Restarts by component |',
  '|---|---:|---:|---:|---:|---:|---:|---|---|',
];

/** The table's lines, led by a blank line and its heading; none when no row carries sampled metrics. */
export function sampledMetrics(rows: readonly InfraRow[]): string[] {
  const sampled = rows.flatMap((r) => (r.sampled ? [{ stage: r.stage, m: r.sampled }] : []));
  if (!sampled.length) return [];
  return [
    '',
    '### Sampled metrics',
    '',
    'Counters (events, notifications) grow over the stage and its cooldown; RPC figures are the sampler’s probes.',
    '',
    ...HEADER,
    ...sampled.map(({ stage, m }) =>
      row([
        stageName(stage),
        m.socketClients,
        m.socketEvents,
        m.notificationInserts,
        m.notificationErrors,
        m.rpcP95,
        m.rpcErrorRate,
        m.images,
        m.restarts,
      ]),
    ),
  ];
}
