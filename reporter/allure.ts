// Everything Allure: the spec's failure classes as Allure categories (Allure 3
// rules and Allure 2 categories.json), the listener that redacts and labels each
// test result before allure-playwright writes it (labels: allure-labels.ts), and
// the reporter's options (results dir, environment, global labels).
//
// A failed flow carries its class as the `failureClass` label (fixtures/flow.ts).
// Allure 3 (`npm run report:allure`) matches categories on that label; for
// Allure 2-format consumers of categories.json (the classic plugin, Allure 2)
// the listener also puts the class in front of the test's status message.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Status, type Parameter, type StepResult, type TestResult } from 'allure-js-commons';
import type { Category } from 'allure-js-commons/sdk';
import type { LifecycleListener, ReporterConfig } from 'allure-js-commons/sdk/reporter';
import { FAILURE_CLASS_LABEL, type FailureClass } from '../contract/worker-result.ts';
import { ALLURE_RESULTS_DIR } from '../config/paths.ts';
import { redact, redactText } from '../lib/redact.ts';
import { labelResult } from './allure-labels.ts';

/** Category names, most severe first: a test whose flows failed for several classes lands in the first. */
export const FAILURE_CLASS_NAMES = {
  product: 'Product bug',
  capacity: 'Infrastructure capacity',
  external: 'External RPC / chain',
  setup: 'Test data / setup bug',
  'known-gap': 'Known product gap',
} as const satisfies Record<FailureClass, string>;
const BY_SEVERITY = Object.keys(FAILURE_CLASS_NAMES) as FailureClass[];
const NOT_PASSED = [Status.FAILED, Status.BROKEN];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** `[Product bug] ` - what the listener puts in front of a failed test's message. */
export const classPrefix = (cls: FailureClass) => `[${FAILURE_CLASS_NAMES[cls]}] `;

/** An Allure 3 category rule (allurerc `categories`); label values are regular expressions. */
export interface AllureCategoryRule {
  id: string;
  name: string;
  matchers: { statuses: string[]; labels: Record<string, string> }[];
}

/** Allure 3 categories (the report of `npm run report:allure`): one per failure class, matched on the label. */
export function allureCategoryRules(): AllureCategoryRule[] {
  return BY_SEVERITY.map((cls) => ({
    id: `failure-class-${cls}`,
    name: FAILURE_CLASS_NAMES[cls],
    matchers: [{ statuses: [...NOT_PASSED], labels: { [FAILURE_CLASS_LABEL]: `^${escapeRegExp(cls)}$` } }],
  }));
}

/** Allure 2-format categories (categories.json in allure-results): matched on the message prefix. */
export function allure2Categories(): Category[] {
  // [\s\S]* rather than .* with a dotall flag: Allure 2 (Java) wants a whole-message match, the classic plugin a partial one.
  return BY_SEVERITY.map((cls) => ({
    name: FAILURE_CLASS_NAMES[cls],
    matchedStatuses: [...NOT_PASSED],
    messageRegex: `^${escapeRegExp(classPrefix(cls))}[\\s\\S]*`,
  }));
}

/** The most severe failure class among a result's labels, or null. */
export function failureClassOf(labels: readonly { name: string; value: string }[]): FailureClass | null {
  const classes = new Set(labels.filter((l) => l.name === FAILURE_CLASS_LABEL).map((l) => l.value));
  return BY_SEVERITY.find((cls) => classes.has(cls)) ?? null;
}

// ---------------------------------------------------------------------------
// Secrets: the flows redact what they attach, but allure-playwright also records
// Playwright's own error messages and stack traces, step errors, stdout and
// stderr. Everything of a test result is redacted once more before it is written.

const SECRET_ENV = ['FUNDER_PRIVATE_KEY'];
const URL_ENV = ['BASE_URL', 'RPC_URL', 'PG_URL', 'MONGO_URL', 'REDIS_URL', 'BARRIER_REDIS_URL'];
const TEXT_TYPE = /^text\/|[/+]json$/i;

const urlPassword = (value: string | undefined): string | undefined => {
  try {
    return value ? decodeURIComponent(new URL(value).password) || undefined : undefined;
  } catch {
    return undefined;
  }
};

let stateSecrets: string[] | undefined;
/** Secret values of this run: the funder key, URL passwords, and what the sandbox's state file holds. */
export function knownSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  const found = [...SECRET_ENV.map((k) => env[k]), ...URL_ENV.map((k) => urlPassword(env[k]))];
  if (!stateSecrets && env.SANDBOX_STATE_FILE && existsSync(env.SANDBOX_STATE_FILE)) {
    try {
      const state = JSON.parse(readFileSync(env.SANDBOX_STATE_FILE, 'utf8')) as Record<string, unknown>;
      stateSecrets = [state.funderPrivateKey, urlPassword(String(state.pgUrl ?? ''))].filter((s): s is string => typeof s === 'string');
    } catch {
      // Unreadable now: the patterns still apply, and the next result tries again.
    }
  }
  return [...found, ...(stateSecrets ?? [])].filter((s): s is string => typeof s === 'string' && s.length >= 6);
}

const maskParameter = (p: Parameter, secrets: readonly string[]): Parameter => ({
  ...p,
  // A parameter named like a secret (password, token ...) is masked whole, as redact() masks such fields.
  value: redact({ [p.name]: p.value }, secrets)[p.name] ?? p.value,
});

function redactAttachments(step: TestResult | StepResult, resultsDir: string, secrets: readonly string[]): void {
  for (const a of step.attachments) {
    if (!TEXT_TYPE.test(a.type ?? '')) continue;
    // The worker result's vendor type (application/vnd.escrow-ramp.worker-result+json) is shown by Allure as JSON.
    if (/^application\/[^;\s]+\+json$/i.test(a.type ?? '')) a.type = 'application/json';
    const file = join(resultsDir, a.source);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const clean = redactText(text, secrets);
    if (clean !== text) writeFileSync(file, clean);
  }
  for (const child of step.steps) redactAttachments(child, resultsDir, secrets);
}

function maskParameters(step: TestResult | StepResult, secrets: readonly string[]): void {
  step.parameters = step.parameters.map((p) => maskParameter(p, secrets));
  for (const child of step.steps) maskParameters(child, secrets);
}

/** Redacts a test result in place (names, messages, traces, parameters, labels, steps) and its text attachments on disk; JSON attachments are typed application/json. */
export function redactTestResult(result: TestResult, resultsDir: string, secrets: readonly string[] = knownSecrets()): void {
  Object.assign(result, redact(result, secrets));
  maskParameters(result, secrets);
  redactAttachments(result, resultsDir, secrets);
}

/** Puts the most severe failure class in front of a failed test's status message. */
export function prefixFailureClass(result: TestResult): void {
  const cls = failureClassOf(result.labels);
  if (!cls || !NOT_PASSED.includes(result.status as Status)) return;
  const prefix = classPrefix(cls);
  const message = result.statusDetails?.message ?? '';
  if (!message.startsWith(prefix)) result.statusDetails = { ...result.statusDetails, message: `${prefix}${message}` };
}

export function allureListener(resultsDir: string): LifecycleListener {
  return {
    beforeTestResultWrite: (result) => {
      redactTestResult(result, resultsDir);
      labelResult(result, (source) => (existsSync(join(resultsDir, source)) ? readFileSync(join(resultsDir, source), 'utf8') : null));
      prefixFailureClass(result);
    },
  };
}

// ---------------------------------------------------------------------------

/** A target as a label: `sandbox`, or the host of BASE_URL (no credentials, path or query). */
export function targetLabel(baseUrl: string | undefined): string {
  if (!baseUrl) return 'sandbox';
  try {
    return new URL(baseUrl).host;
  } catch {
    return 'custom target';
  }
}

/** The options of allure-playwright: built by reporter/allure-reporter.ts for a run, by merge.config.ts for a merge. */
export function allureReporterOptions(run: { runId: string | undefined; mode: string; baseUrl: string | undefined }): ReporterConfig {
  return {
    resultsDir: ALLURE_RESULTS_DIR,
    environmentInfo: {
      mode: run.mode,
      target: targetLabel(run.baseUrl),
      runId: run.runId,
      node: process.version,
    },
    // Every result of the run, gate tests included, carries its run: `npm run report:allure` builds the last run only.
    globalLabels: run.runId ? { runId: run.runId } : {},
    categories: allure2Categories(),
    listeners: [allureListener(ALLURE_RESULTS_DIR)],
  };
}
