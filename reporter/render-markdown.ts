// report.md: the spec's "Report Template", section by section and heading by
// heading, filled from a Report. Pure: Report + chart list in, text out. The
// long sections are render-*.ts; Key Findings, Infrastructure, Bottlenecks
// and Decisions are short enough to stay here.
import { stageName } from '../config/stages.ts';
import { bottlenecks } from './bottlenecks.ts';
import { renderComparison } from './compare-render.ts';
import { plural } from './format.ts';
import { chartLinks, row, type ChartRef } from './markdown.ts';
import { paymentCorrectness } from './render-correctness.ts';
import { sampledMetrics } from './render-infra.ts';
import { hypothesesSection } from './render-hypotheses.ts';
import { notificationResults } from './render-notifications.ts';
import { stageResults } from './render-stage-results.ts';
import { summarySection } from './render-summary.ts';
import type { Report } from './schema.ts';

function keyFindings(report: Report): string[] {
  const rows =
    report.findings.length > 0
      ? report.findings.map((f) => row([f.title, f.severity, f.evidence, f.nextAction]))
      : [row(['No findings', 'info', 'every measured op under its goals, no correctness anomalies', '—'])];
  return ['## Key Findings', '', '| Finding | Severity | Evidence | Next action |', '|---|---|---|---|', ...rows];
}

function infrastructure(report: Report, charts: readonly ChartRef[]): string[] {
  const { rows, unavailableReason } = report.infrastructure;
  return [
    '## Infrastructure',
    '',
    '| Stage | Backend CPU/mem | Scanner CPU/mem | Mongo | Postgres | Redis | Restarts |',
    '|---|---|---|---|---|---|---:|',
    ...rows.map((r) => row([stageName(r.stage), r.backend, r.scanner, r.mongo, r.postgres, r.redis, r.restarts])),
    ...sampledMetrics(rows),
    ...(unavailableReason ? ['', `Infrastructure sampling data is not available for this run: ${unavailableReason}.`] : []),
    '',
    ...chartLinks(charts, 'infrastructure'),
  ];
}

function bottleneckSection(report: Report): string[] {
  const b = bottlenecks(report);
  return [
    '## Bottlenecks',
    '',
    `- API: ${b.api}`,
    `- Database: ${b.database}`,
    `- Scanner: ${b.scanner}`,
    `- Socket/notifications: ${b.notifications}`,
    `- RPC/chain: ${b.chain}`,
  ];
}

function decisions(report: Report): string[] {
  const safe = report.safeConcurrency;
  const highest = report.levels[report.levels.length - 1];
  const limitNote = safe !== null && safe === highest ? '; the ramp did not reach its limit, so higher stages may pass' : '';
  const target =
    report.overall === 'not-measured'
      ? 'not measured (no flow ran)'
      : safe === null
        ? report.safeConcurrencyNote
          ? 'none until a stage passes with a load generator that is not saturated'
          : 'none until C1 passes'
        : `at most ${plural(safe, 'simultaneous flow')}, the highest stage that passed on this dev stack; confirm on production-like infrastructure first${limitNote}`;
  const fixes = report.findings.filter((f) => f.severity === 'P0' || f.severity === 'P1').map((f) => `${f.severity} ${f.title}`);
  return [
    '## Decisions',
    '',
    `- Current safe dev concurrency: ${
      report.overall === 'not-measured'
        ? 'not measured (no flow ran)'
        : safe === null
          ? report.safeConcurrencyNote
            ? `none: ${report.safeConcurrencyNote}`
            : 'none (no stage passed with every earlier stage passing)'
          : `${stageName(safe)} (${plural(safe, 'simultaneous worker')})${report.safeConcurrencyNote ? `; ${report.safeConcurrencyNote}` : ''}`
    }`,
    `- Recommended production target: ${target}`,
    `- Required fixes before next ramp: ${fixes.length > 0 ? fixes.join('; ') : 'none (no P0/P1 findings)'}`,
  ];
}

export function renderMarkdown(report: Report, charts: readonly ChartRef[] = []): string {
  const date = new Date(report.startedAt ?? report.generatedAt).toISOString().slice(0, 10);
  return [
    [`# Performance Profile Report - ${date}`],
    summarySection(report),
    keyFindings(report),
    stageResults(report, charts),
    notificationResults(report, charts),
    infrastructure(report, charts),
    paymentCorrectness(report),
    bottleneckSection(report),
    hypothesesSection(report),
    decisions(report),
    ...(report.comparison ? [renderComparison(report.comparison)] : []),
  ]
    .map((section) => section.join('\n').trimEnd())
    .join('\n\n')
    .concat('\n');
}
