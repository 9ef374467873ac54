// One Allure 3 report built in this process, with the core the installed `allure` CLI runs (its own dependency, so
// the same version), as `allure generate` does, plus quality gates: the CLI's generate never evaluates them
// (allure/dist/commands/commons/generate.js; only `allure run` and `allure quality-gate` do, allure-framework
// discussion #3441), so the stop conditions would never reach the report's "Quality Gates" tab. The rules are
// applied here as `allure run` applies them and their results handed to the report the way it hands them over;
// not through the core's QualityGate, which needs Node 22 (Iterator.prototype.toArray) where the suite runs on 20.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AllureConfig } from 'allure';
import type { QualityGate } from '../reporter/allure-quality-gates.ts';

type AllureCore = typeof import('@allurereport/core');

/** The @allurereport/core that `allure` itself resolves (not whatever copy a hoisted node_modules offers first). */
async function allureCore(): Promise<AllureCore> {
  const beside = createRequire(createRequire(import.meta.url).resolve('allure'));
  return (await import(pathToFileURL(beside.resolve('@allurereport/core')).href)) as AllureCore;
}

export interface QualityGateOutcome {
  rule: string;
  success: boolean;
  message: string;
}

export interface GenerateInput<T, K> {
  /** One folder of Allure results. */
  resultsDir: string;
  /** Where the report goes; null: no report, only the run's line appended to the history file. */
  outputDir: string | null;
  /** Allure 3 configuration (name, plugins, categories, historyPath, appendHistory ...). */
  config: AllureConfig;
  /** Judged on the results (not retries) before the report is written; ignored without a report. */
  qualityGates?: readonly QualityGate<T, K>[];
}

/** A rule's state across batches of results: one batch here, so none. */
const ONE_BATCH = { getResult: () => undefined, setResult: () => undefined };

/** Reads the results, evaluates the quality gate (when configured), writes the report and appends the history. */
export async function generateAllure<T, K>({
  resultsDir,
  outputDir,
  config,
  qualityGates = [],
}: GenerateInput<T, K>): Promise<QualityGateOutcome[]> {
  const core = await allureCore();
  const scratch = outputDir ? null : mkdtempSync(join(tmpdir(), 'allure-history-'));
  try {
    // plugins {}: no report plugin at all (a history line needs none); the config's own plugins otherwise.
    const resolved = await core.resolveConfig(config, { output: outputDir ?? scratch!, ...(outputDir ? {} : { plugins: {} }) });
    const report = new core.AllureReport(resolved);
    await report.start();
    await report.readDirectory(resultsDir);
    const outcomes: QualityGateOutcome[] = [];
    if (outputDir && qualityGates.length) {
      const trs = await report.store.allTestResults({ includeRetries: false });
      const results = [];
      for (const { rule, expected } of qualityGates) {
        const found = await rule.validate({ trs, expected, state: ONE_BATCH });
        const message = (found.success ? (rule.successMessage ?? rule.message) : rule.message)({ expected, actual: found.actual });
        results.push({ ...found, expected, rule: rule.rule, message });
        outcomes.push({ rule: rule.rule, success: found.success, message });
      }
      // What `allure run` does with its results: the store keeps them for the report's quality-gate widget.
      report.realtimeDispatcher.sendQualityGateResults(results);
    }
    await report.done();
    return outcomes;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
