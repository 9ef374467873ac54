// The run's verdict as one small JSON file, when the merge step asks for it (config/merge-env.ts): `playwright
// merge-reports` exits 0 whatever the tests did, so `npm run merge` reads the verdict here to set its exit code.
import { writeFileSync } from 'node:fs';
import { MERGE_ENV } from '../config/merge-env.ts';
import type { Report } from './schema.ts';

export interface VerdictFile {
  overall: Report['overall'];
  failedConditions: string[];
  safeConcurrency: number | null;
  stopReason: string | null;
  reportFile: string;
  /** Flows judged per stage, and the stop conditions no reading could evaluate. */
  stages: { stage: number; flows: number; notEvaluated: string[] }[];
}

export function writeVerdictFile(report: Report, reportFile: string, file = process.env[MERGE_ENV.verdictFile]): void {
  if (!file) return;
  const verdict: VerdictFile = {
    overall: report.overall,
    failedConditions: report.failedConditions,
    safeConcurrency: report.safeConcurrency,
    stopReason: report.stopReason,
    reportFile,
    stages: report.stages.map((s) => ({ stage: s.stage, flows: s.flows, notEvaluated: s.gate?.notEvaluated ?? [] })),
  };
  writeFileSync(file, `${JSON.stringify(verdict, null, 2)}\n`);
}
