// The cells of the spec's Infrastructure table for one stage, as display text
// (the row's shape is contract/infra-row.ts InfraRow). A value that was not
// measured shows as n/a with its reason, never as 0.
import type { InfraRow, SampledMetrics } from '../contract/infra-row.ts';
import type { StageInfra, Usage } from './aggregate.ts';
import type { Num } from './series.ts';
import { SLOW_STATEMENT_MS } from './types.ts';

type Part = [label: string, value: Num, unit: string];

const show = (n: number): string => String(Number.isInteger(n) ? n : Number(n.toFixed(1)));

/** `label value unit` parts joined by `, `; a cell where nothing was measured is `not measured (reasons)`. */
function cell(parts: Part[], suffix = ''): string {
  const reasons = [...new Set(parts.flatMap(([, v]) => (typeof v === 'number' ? [] : [v.na])))];
  if (reasons.length && parts.every(([, v]) => typeof v !== 'number')) return `not measured (${reasons.join('; ')})`;
  return (
    parts.map(([label, v, unit]) => (typeof v === 'number' ? `${label} ${show(v)}${unit}` : `${label} not measured (${v.na})`)).join(', ') +
    suffix
  );
}

function usageParts(u: Usage): Part[] {
  return [
    ['CPU avg', u.cpuPctAvg, '%'],
    ['max', u.cpuPctMax, '%'],
    ['RSS max', u.rssMbMax, ' MB'],
  ];
}

const one = (v: Num, unit = ''): string => (typeof v === 'number' ? `${show(v)}${unit}` : `not measured (${v.na})`);

/** The stage's other series as display text (contract/infra-row.ts SampledMetrics). */
export function toSampledMetrics(s: StageInfra): SampledMetrics {
  const { total, by } = s.restarts;
  const components = Object.entries(by);
  return {
    socketClients: one(s.sockets.clientsMax),
    socketEvents: one(s.sockets.eventsEmitted),
    notificationInserts: one(s.notifications.inserts),
    notificationErrors: one(s.notifications.errors),
    rpcP95: one(s.rpc.p95Ms, ' ms'),
    rpcErrorRate: typeof s.rpc.errorRate === 'number' ? `${show(s.rpc.errorRate * 100)}% of ${s.rpc.calls} probes` : one(s.rpc.errorRate),
    images:
      'na' in s.images
        ? `not measured (${s.images.na})`
        : Object.entries(s.images)
            .map(([name, image]) => `${name} ${image}`)
            .join(', '),
    restarts: components.length
      ? components.map(([name, n]) => `${name} ${n}`).join(', ')
      : `not measured (${typeof total === 'number' ? 'no component counted' : total.na})`,
  };
}

const via = (u: Usage): string => (u.via && u.via !== 'processes' ? ` (from ${u.via})` : '');

/**
 * The stage's Infrastructure row, every cell display text; its stage is still the window's name (`C8`), which the
 * caller replaces with the stage's level before the row is attached or reported.
 */
export function toInfraRow(s: StageInfra): Omit<InfraRow, 'stage'> & { stage: string } {
  const { total, by } = s.restarts;
  const who = Object.entries(by).filter(([, n]) => n > 0);
  return {
    stage: s.stage,
    backend: cell(usageParts(s.backend), via(s.backend)),
    scanner: cell(usageParts(s.scanner), via(s.scanner)),
    mongo: cell([
      ['conns max', s.mongo.connectionsMax, ''],
      ['resident max', s.mongo.residentMbMax, ' MB'],
    ]),
    postgres: cell(
      [
        ...usageParts(s.postgres),
        ['conns max', s.postgres.connectionsMax, ''],
        ['lock waits max', s.postgres.locksWaitingMax, ''],
        [`slow (>${SLOW_STATEMENT_MS / 1_000} s) max`, s.postgres.slowStatementsMax, ''],
      ],
      via(s.postgres),
    ),
    redis: cell([
      ['clients max', s.redis.clientsMax, ''],
      ['memory max', s.redis.memoryMbMax, ' MB'],
      ['CPU avg', s.redis.cpuPctAvg, '%'],
    ]),
    restarts:
      typeof total === 'number'
        ? `${total}${who.length ? ` (${who.map(([name, n]) => `${name} ${n}`).join(', ')})` : ''}`
        : `not measured (${total.na})`,
    sampled: toSampledMetrics(s),
  };
}
