// The procedure's report template (docs/procedure.md, "Report"): the skeleton of
// report.md as data, in order — the dated title, each section heading, each
// table's header and separator lines, and each bullet's label.
// tests/unit/reporter-markdown.spec.ts holds report.md to it: headings and table
// lines must appear whole, bullet labels and the dated title as line prefixes
// (the report fills in the rest), each after the one before.

/** Placeholder in the title that the report replaces with the run's date (YYYY-MM-DD). */
export const TEMPLATE_DATE = '<date>';

export const REPORT_TEMPLATE: readonly string[] = [
  `# Performance Profile Report - ${TEMPLATE_DATE}`,
  '## Summary',
  '- Target:',
  '- Backend/frontend/scanner versions:',
  '- Commit SHAs:',
  '- Payment mode:',
  '- Ramp stages completed:',
  '- Overall result:',
  '## Key Findings',
  '| Finding | Severity | Evidence | Next action |',
  '|---|---|---|---|',
  '## Stage Results',
  '| Stage | Workers | Pass | Fail | p95 total | p95 payment intent | p95 scanner | p95 notification | 5xx rate |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  '## Notification Results',
  '| Step | Expected | Observed | Missing | Wrong recipient | p95 latency |',
  '|---|---:|---:|---:|---:|---:|',
  '## Infrastructure',
  '| Stage | Backend CPU/mem | Scanner CPU/mem | Mongo | Postgres | Redis | Restarts |',
  '|---|---|---|---|---|---|---:|',
  '## Payment Correctness',
  '- Duplicate credits:',
  '- Under/overpayment anomalies:',
  '- Scanner mismatches:',
  '- Ledger mismatches:',
  '## Bottlenecks',
  '- API:',
  '- Database:',
  '- Scanner:',
  '- Socket/notifications:',
  '- RPC/chain:',
  '## Decisions',
  '- Current safe dev concurrency:',
  '- Recommended production target:',
  '- Required fixes before next ramp:',
];
