// Where the target's Prometheus metrics are read, for the sampler (runner/global-setup.ts) and for the gate's backlog
// check (tests/gate.spec.ts): TARGET_METRICS (or the adapter's declared endpoints) and TARGET_METRIC_NAMES (or the
// adapter's declared backlog gauge). One derivation, so the sampler and the gate read the same endpoints and names.
import { readFileSync } from 'node:fs';
import type { SuiteConfig } from '../config/env.ts';
import type { MetricField } from '../sampler/sources/metrics.ts';

export interface TargetMetrics {
  /** Prometheus endpoints per component; the host's node exporter is apart. */
  components: Record<string, string>;
  /** The target host's node exporter (TARGET_METRICS `node=`): the host's figures, not a component's metrics. */
  node: string | undefined;
  /** The procedure's metric fields mapped to the target's names; the backlog falls back to the adapter's gauge. */
  names: Partial<Record<MetricField, string>>;
}

export function targetMetrics(
  cfg: Pick<SuiteConfig, 'TARGET_METRICS' | 'TARGET_METRIC_NAMES'>,
  declared: { metrics?: Record<string, string> | undefined; backlogGauge?: string | null | undefined },
): TargetMetrics {
  const { node, ...components } = cfg.TARGET_METRICS ?? declared.metrics ?? {};
  const named = cfg.TARGET_METRIC_NAMES
    ? (JSON.parse(readFileSync(cfg.TARGET_METRIC_NAMES, 'utf8')) as Partial<Record<MetricField, string>>)
    : {};
  const scannerBacklog = named.scannerBacklog ?? declared.backlogGauge ?? undefined;
  return { components, node, names: { ...named, ...(scannerBacklog ? { scannerBacklog } : {}) } };
}

/** Where the gate reads the backlog gauge, or why nowhere. */
export function backlogGauge(metrics: TargetMetrics): { urls: string[]; metric: string } | { none: string } {
  const metric = metrics.names.scannerBacklog;
  const urls = Object.values(metrics.components);
  if (!metric) return { none: 'the target offers no backlog gauge (TARGET_METRIC_NAMES scannerBacklog names it)' };
  if (!urls.length) return { none: 'the target offers no metrics endpoint (TARGET_METRICS names them)' };
  return { urls, metric };
}
