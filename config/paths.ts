// Where a run's files go: reports/<runId>/ (REPORTS_DIR overrides reports/).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const reportsRoot = (): string => resolve(process.env.REPORTS_DIR || 'reports');
export const runDir = (runId: string): string => resolve(reportsRoot(), runId);
export const workersDir = (runId: string): string => resolve(runDir(runId), 'workers');
export const infraTimeline = (runId: string): string => resolve(runDir(runId), 'infra.jsonl');

/** Where allure-playwright writes: ALLURE_RESULTS_DIR, else beside the Playwright config (not the current directory). */
export const ALLURE_RESULTS_DIR = process.env.ALLURE_RESULTS_DIR
  ? resolve(process.env.ALLURE_RESULTS_DIR)
  : fileURLToPath(new URL('../allure-results', import.meta.url));
