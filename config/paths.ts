// Where a run's files go: reports/<runId>/ (REPORTS_DIR overrides reports/).
import { resolve } from 'node:path';

export const reportsRoot = (): string => resolve(process.env.REPORTS_DIR || 'reports');
export const runDir = (runId: string): string => resolve(reportsRoot(), runId);
export const workersDir = (runId: string): string => resolve(runDir(runId), 'workers');
export const infraTimeline = (runId: string): string => resolve(runDir(runId), 'infra.jsonl');
