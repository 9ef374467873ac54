// report.md's Notification Results: copies per type and stage (missing ones
// with known gaps, wrong recipients by type, p95 latency), devices per
// recipient, cross-worker leaks, duplicates, malformed payloads, the charts.
import { stageName } from '../config/stages.ts';
import { formatMs } from './format.ts';
import { chartLinks, row, type ChartRef } from './markdown.ts';
import { notMeasured } from './render-correctness.ts';
import type { NotificationStep, Report } from './schema.ts';

/** A per-step wrong-recipient cell: the count where the step's flows recorded misdeliveries by type, why not otherwise. */
const wrongRecipientCell = (n: NotificationStep): string | number =>
  n.wrongRecipient ?? 'not measured (no misdeliveries by type in these results)';

/** Missing copies, with how many of them an approved known gap covered. */
const missingCell = (missing: number, knownGap: number): string | number => (knownGap > 0 ? `${missing} (${knownGap} known gap)` : missing);

export function notificationResults(report: Report, charts: readonly ChartRef[]): string[] {
  const rows = report.stages.flatMap((s) => [
    ...s.notifications.steps.map((n) =>
      row([
        `${stageName(s.stage)} · ${n.step}`,
        n.expected,
        n.observed,
        missingCell(n.missing, n.knownGap),
        wrongRecipientCell(n),
        formatMs(n.p95LatencyMs),
      ]),
    ),
    row([
      `**${stageName(s.stage)} · all steps**`,
      s.notifications.expected,
      s.notifications.observed,
      missingCell(s.notifications.missing, s.notifications.knownGap),
      s.notifications.wrongRecipient ?? notMeasured(s, 'wrongRecipient'),
      formatMs(s.notifications.p95LatencyMs),
    ]),
  ]);
  const devices = report.stages.map(
    (s) => `${stageName(s.stage)} ${s.notifications.devicesPerRecipient ?? 'not stated (one row per recipient in these results)'}`,
  );
  const duplicates = report.stages.map((s) => `${stageName(s.stage)} ${s.notifications.duplicates}`).join(' · ');
  const leaks = report.stages.flatMap((s) =>
    s.notifications.steps.filter((n) => (n.crossWorkerLeaks ?? 0) > 0).map((n) => `${stageName(s.stage)} ${n.step} ${n.crossWorkerLeaks}`),
  );
  const malformed = report.stages.map((s) => {
    const m = s.notifications.malformed;
    return `${stageName(s.stage)} ${m === null ? 'not measured (results without the count)' : m.count}`;
  });
  return [
    '## Notification Results',
    '',
    '| Step | Expected | Observed | Missing | Wrong recipient | p95 latency |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'Counted in copies: a notification is expected once on every device of its recipient (expected = recipients × devices), and each copy',
    'is observed, missing or duplicated on its own, with its own latency (from the trigger completing on the target to that device).',
    `Devices per recipient: ${devices.join(' · ') || 'no stage ran'}. Missing copies an approved known gap covered are shown as "(n known gap)":`,
    'no stop condition, see the "Known product gaps applied" finding.',
    'Wrong recipient per step: copies of that type that reached an inbox of the flow they were not meant for. The "all steps" row is the',
    "flows' counter, which also counts what the notification lists (GET /notifications) and the system of record showed.",
    ...(leaks.length > 0 ? [`Other flows' notifications in this flow's inboxes (cross-worker leaks), by type: ${leaks.join(' · ')}.`] : []),
    `Duplicate copies: ${duplicates || 'none measured'}.`,
    `Payloads that broke the notification contract: ${malformed.join(' · ') || 'none measured'}.`,
    '',
    ...chartLinks(charts, 'notifications'),
  ];
}
