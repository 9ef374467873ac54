// The reporter's one write phase: renders the charts (a chart that fails is
// said on stderr and in report.md), report.md, report.json and one file per worker
// result, and writes them under <root>/<runId>/.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkerResult } from '../contract/worker-result.ts';
import { chartSpecs, renderSvg } from './charts.ts';
import { fileSafe, workerFileNames } from './collect.ts';
import type { ChartRef } from './markdown.ts';
import { renderMarkdown } from './render-markdown.ts';
import type { Report } from './schema.ts';

/** Writes the run's report files into `<root>/<runId>/`; returns the path of its report.md. */
export async function writeReport(root: string, report: Report, results: readonly WorkerResult[]): Promise<string> {
  const charts: ChartRef[] = [];
  const svgs: [string, string][] = [];
  for (const { spec, ...chart } of chartSpecs(report, results)) {
    if (spec === null) {
      charts.push({ ...chart, file: null });
      continue;
    }
    try {
      svgs.push([path.join('charts', chart.file), await renderSvg(spec)]);
      charts.push(chart);
    } catch (error) {
      console.error(`escrow-ramp reporter: chart ${chart.file} was not rendered: ${(error as Error).message}`);
      charts.push({ ...chart, file: null, takeaway: `not rendered (${(error as Error).message})` });
    }
  }
  const files: [string, string][] = [
    ['report.md', renderMarkdown(report, charts)],
    ['report.json', `${JSON.stringify(report, null, 2)}\n`],
    ...svgs,
    ...workerFileNames(results).map((name, i): [string, string] => [
      path.join('workers', name),
      `${JSON.stringify(results[i], null, 2)}\n`,
    ]),
  ];

  const runDir = path.join(root, fileSafe(report.runId));
  // charts/ is this reporter's alone; workers/ is shared with the flows, which write each result there for the gates.
  rmSync(path.join(runDir, 'charts'), { recursive: true, force: true });
  for (const [file, content] of files) {
    mkdirSync(path.dirname(path.join(runDir, file)), { recursive: true });
    writeFileSync(path.join(runDir, file), content);
  }
  return path.join(runDir, 'report.md');
}
