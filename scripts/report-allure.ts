// npm run report:allure - the Allure 3 report of the last run, offline, with trends and quality gates.
//
// allure-results (written by allure-playwright) -> the last run's results, redacted once more, in a staging
// folder -> the report, built in this process by the `allure` package's core (no Java; scripts/allure-generate.ts),
// with the spec's stop conditions as quality gates and the history file read and updated
// (scripts/allure-history.ts) -> allure-report/ -> the external analytics tag removed from every HTML file and
// checked gone.
//
//   npm run report:allure [-- --run <runId> | --all] [--static] [--results <dir>] [--output <dir>]
//                              [--history <file> | --no-history]
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AllureConfig } from 'allure';
import { ALLURE_RESULTS_DIR } from '../config/paths.ts';
import { redactText } from '../lib/redact.ts';
import { allureCategoryRules, knownSecrets } from '../reporter/allure.ts';
import { verdictStageOf } from '../reporter/allure-labels.ts';
import { stopConditionGates } from '../reporter/allure-quality-gates.ts';
import { generateAllure, type QualityGateOutcome } from './allure-generate.ts';
import { dropHistory, historyEnd, historyNames, reportNameOf, runsOf, runsToAdd, stampHistory } from './allure-history.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where the history is kept between runs; CI caches this folder (.github/workflows/pr-gate.yml). */
const DEFAULT_HISTORY = join(ROOT, 'allure-history', 'history.jsonl');

/** What must not be left in the report's HTML: Google Tag Manager / Analytics. */
export const ANALYTICS = /googletagmanager\.com|google-analytics\.com|gtag\/js|\bgtag\s*\(|window\.dataLayer/;
// Allure 3's awesome template (plugin-awesome generators.js, analyticsEnable hard-wired to true):
//   <script async src="https://www.googletagmanager.com/gtag/js?id=G-..."></script>
//   <script> window.dataLayer = window.dataLayer || []; function gtag(){...} gtag('config', ...) </script>
// Both are matched exactly: the report's data is inline too and must not be touched.
const GTAG_LOADER =
  /[ \t]*<script\b[^>]*\bsrc=["']https?:\/\/(?:www\.)?(?:googletagmanager|google-analytics)\.com\/[^"']*["'][^>]*>\s*<\/script>[ \t]*\r?\n?/g;
const GTAG_INLINE =
  /[ \t]*<script\b[^>]*>\s*window\.dataLayer\s*=\s*window\.dataLayer\s*\|\|\s*\[\];(?:(?!<\/script>)[\s\S])*<\/script>[ \t]*\r?\n?/g;

/** The page without its inline base64 payloads (the app bundle, the report data), where any word can appear by chance. */
export function withoutInlineData(html: string): string {
  return html.replace(/base64,[A-Za-z0-9+/=]+/g, 'base64,').replace(/"[A-Za-z0-9+/=]{64,}"/g, '""');
}

export class AllureReportError extends Error {
  override name = 'AllureReportError';
}

export interface AllureReportOptions {
  /** Default: allure-results beside package.json. */
  resultsDir?: string;
  /** Default: allure-report beside package.json; replaced whole. */
  outputDir?: string;
  /** A run id, 'all', or (default) the last run: the runId of allure-results/environment.properties. */
  run?: string;
  /** One self-contained index.html (default) or the static multi-file report (needs an HTTP server to open). */
  singleFile?: boolean;
  /** The history file (JSONL) read and updated; default ALLURE_HISTORY_PATH, else allure-history/history.jsonl; null: none. */
  historyPath?: string | null;
}

export interface AllureReportSummary {
  runId: string | null;
  results: number;
  /** Results of other runs left out. */
  skipped: number;
  outputDir: string;
  html: string[];
  analyticsTagsRemoved: number;
  /** The history file and how many runs it holds now, this one included; null without history. */
  history: { path: string; runs: number } | null;
  /** The stop conditions as quality gates; empty when the run has no gate result to judge them on. */
  qualityGates: QualityGateOutcome[];
  ms: number;
}

interface AllureResultFile {
  uuid?: string;
  name?: string;
  start?: number;
  labels?: { name: string; value: string }[];
  attachments?: { source: string; type?: string }[];
  steps?: AllureResultFile[];
}

/** Removes Allure's analytics tag from one HTML page. */
export function stripAnalytics(html: string): { html: string; removed: number } {
  let removed = 0;
  const out = html
    .replace(GTAG_LOADER, () => {
      removed += 1;
      return '';
    })
    .replace(GTAG_INLINE, () => {
      removed += 1;
      return '';
    });
  return { html: out, removed };
}

/** environment.properties (key=value lines, as allure-js-commons writes them). */
export function readEnvironment(resultsDir: string): Record<string, string> {
  const file = join(resultsDir, 'environment.properties');
  if (!existsSync(file)) return {};
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^((?:\\.|[^=:\\])+)[=:](.*)$/.exec(line.trim());
    if (m && !line.trim().startsWith('#')) env[m[1]!.replace(/\\(.)/g, '$1')] = m[2]!.trim().replace(/\\(.)/g, '$1');
  }
  return env;
}

const attachmentsOf = (node: AllureResultFile): { source: string; type?: string }[] => [
  ...(node.attachments ?? []),
  ...(node.steps ?? []).flatMap(attachmentsOf),
];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

const TEXT_TYPE = /^text\/|[/+]json$/i;

interface ResultEntry {
  file: string;
  data: AllureResultFile;
}

const ofRun = (runId: string) => (r: ResultEntry) => r.data.labels?.some((l) => l.name === 'runId' && l.value === runId) ?? false;

/** Copies a run's results (all runs': runId null) and what they refer to into `stage`, redacted once more. */
function stageResults(resultsDir: string, all: readonly ResultEntry[], runId: string | null, stage: string): ResultEntry[] {
  mkdirSync(stage, { recursive: true });
  const chosen = runId === null ? [...all] : all.filter(ofRun(runId));
  // allure-playwright's globals (hook errors) and the environment too; secrets as knownSecrets() finds them.
  const secrets = knownSecrets();
  const copyRedacted = (name: string, text: boolean) => {
    const from = join(resultsDir, name);
    if (!existsSync(from)) return;
    if (text) writeFileSync(join(stage, name), redactText(readFileSync(from, 'utf8'), secrets));
    else copyFileSync(from, join(stage, name));
  };
  const firstStart = Math.min(...chosen.map((r) => r.data.start ?? Infinity));
  for (const r of chosen) {
    copyRedacted(r.file, true);
    for (const a of attachmentsOf(r.data)) copyRedacted(a.source, TEXT_TYPE.test(a.type ?? ''));
  }
  const uuids = new Set(chosen.map((r) => r.data.uuid));
  for (const f of readdirSync(resultsDir)) {
    if (f.endsWith('-container.json')) {
      const children = (JSON.parse(readFileSync(join(resultsDir, f), 'utf8')) as { children?: string[] }).children ?? [];
      if (children.some((c) => uuids.has(c))) copyRedacted(f, true);
    } else if (f.endsWith('-globals.json')) {
      if (runId === null || !Number.isFinite(firstStart) || statSync(join(resultsDir, f)).mtimeMs >= firstStart) copyRedacted(f, true);
    } else if (f === 'environment.properties' || f === 'executor.json') copyRedacted(f, true);
  }
  return chosen;
}

/**
 * The history file before this run's report: this run's line dropped (it is rebuilt), and a line added for each
 * earlier run still in allure-results that the file lacks (runsToAdd), oldest first - each built without a report.
 */
async function prepareHistory(historyPath: string, resultsDir: string, all: readonly ResultEntry[], runId: string, work: string) {
  mkdirSync(dirname(historyPath), { recursive: true });
  dropHistory(historyPath, reportNameOf(runId));
  const runs = runsOf(all.map((r) => r.data));
  const current = runs.find((r) => r.runId === runId);
  const history = { names: new Set(historyNames(historyPath)), end: historyEnd(historyPath) };
  for (const [i, run] of (current ? runsToAdd(runs, current, history) : []).entries()) {
    const stage = join(work, `history-${i}`);
    stageResults(resultsDir, all, run.runId, stage);
    await generateAllure({ resultsDir: stage, outputDir: null, config: { name: reportNameOf(run.runId), historyPath } });
    if (Number.isFinite(run.stop)) stampHistory(historyPath, reportNameOf(run.runId), run.stop);
  }
  return current;
}

/** Builds the Allure 3 report from allure-results, offline, without the analytics tag. */
export async function buildAllureReport(options: AllureReportOptions = {}): Promise<AllureReportSummary> {
  const started = performance.now();
  // Where the runs wrote: ALLURE_RESULTS_DIR when set (config/paths.ts), as allure-playwright does.
  const resultsDir = resolve(options.resultsDir ?? ALLURE_RESULTS_DIR);
  const outputDir = resolve(options.outputDir ?? join(ROOT, 'allure-report'));
  const historyOption = options.historyPath === undefined ? (process.env.ALLURE_HISTORY_PATH ?? DEFAULT_HISTORY) : options.historyPath;
  const historyPath = historyOption === null ? null : resolve(historyOption);
  const shown = (p: string) => relative(process.cwd(), p) || '.';
  const hint = 'run a stage first (e.g. `npx playwright test --project=C1`): allure-playwright writes it';

  if (!existsSync(resultsDir) || !statSync(resultsDir).isDirectory())
    throw new AllureReportError(`${shown(resultsDir)} is missing: ${hint}`);
  const resultFiles = readdirSync(resultsDir).filter((f) => f.endsWith('-result.json'));
  if (resultFiles.length === 0) throw new AllureReportError(`${shown(resultsDir)} holds no test results (*-result.json): ${hint}`);

  const environment = readEnvironment(resultsDir);
  const runId = options.run === 'all' ? null : (options.run ?? environment.runId ?? null);
  const results = resultFiles.map((file) => ({ file, data: JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as AllureResultFile }));
  if (runId !== null && !results.some(ofRun(runId)))
    throw new AllureReportError(`${shown(resultsDir)} holds ${results.length} results, none of run ${runId}: pass --run <runId> or --all`);

  const work = mkdtempSync(join(tmpdir(), 'allure-report-'));
  try {
    const chosen = stageResults(resultsDir, results, runId, join(work, 'allure-results'));
    // A report of every run (--all) reads the history but adds no line: it is no run of its own.
    const run = historyPath && runId !== null ? await prepareHistory(historyPath, resultsDir, results, runId, work) : undefined;
    // The stop conditions are judged on the stages' verdict steps (a gate's, or the profile report's): without any, none.
    const judged = chosen.some((r) => r.data.steps?.some((s) => verdictStageOf(s.name)));
    const reportName = reportNameOf(runId);
    rmSync(outputDir, { recursive: true, force: true });
    const qualityGates = await generateAllure({
      resultsDir: join(work, 'allure-results'),
      outputDir,
      config: {
        name: reportName,
        plugins: { awesome: { options: { singleFile: options.singleFile ?? true, reportName, reportLanguage: 'en' } } },
        // The same shape as Allure's CategoryRule; its statuses are allure-js-commons' Status values, typed string there.
        categories: allureCategoryRules() as NonNullable<AllureConfig['categories']>,
        ...(historyPath ? { historyPath, appendHistory: runId !== null } : {}),
      },
      qualityGates: judged ? stopConditionGates() : [],
    }).catch((err: Error) => {
      throw new AllureReportError(`allure report generation failed: ${err.message}`);
    });

    if (historyPath && run && Number.isFinite(run.stop)) stampHistory(historyPath, reportName, run.stop);

    const html = existsSync(outputDir) ? walk(outputDir).filter((f) => f.endsWith('.html')) : [];
    if (html.length === 0) throw new AllureReportError(`the Allure report wrote no HTML into ${shown(outputDir)}`);
    let analyticsTagsRemoved = 0;
    for (const file of html) {
      const page = stripAnalytics(readFileSync(file, 'utf8'));
      analyticsTagsRemoved += page.removed;
      if (ANALYTICS.test(withoutInlineData(page.html)))
        throw new AllureReportError(`${shown(file)} still loads an analytics tag: Allure's template changed, update stripAnalytics()`);
      writeFileSync(file, page.html);
    }
    return {
      runId,
      results: chosen.length,
      skipped: results.length - chosen.length,
      outputDir,
      html,
      analyticsTagsRemoved,
      history: historyPath ? { path: historyPath, runs: historyNames(historyPath).length } : null,
      qualityGates,
      ms: performance.now() - started,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function parseArgs(argv: readonly string[]): AllureReportOptions {
  const options: AllureReportOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (!v) throw new AllureReportError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--all') options.run = 'all';
    else if (arg === '--run') options.run = value();
    else if (arg === '--static') options.singleFile = false;
    else if (arg === '--results') options.resultsDir = value();
    else if (arg === '--output') options.outputDir = value();
    else if (arg === '--history') options.historyPath = value();
    else if (arg === '--no-history') options.historyPath = null;
    else
      throw new AllureReportError(
        `unknown option ${arg} (--run <runId> | --all, --static, --results <dir>, --output <dir>, --history <file> | --no-history)`,
      );
  }
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const s = await buildAllureReport(parseArgs(process.argv.slice(2)));
    const index = s.html.find((f) => basename(f) === 'index.html') ?? s.html[0]!;
    console.log(
      `allure report: ${relative(process.cwd(), index)} · ${s.results} results of ${s.runId ? `run ${s.runId}` : 'all runs'}` +
        `${s.skipped ? ` (${s.skipped} of other runs left out)` : ''} · analytics tags removed: ${s.analyticsTagsRemoved} · ${(s.ms / 1000).toFixed(1)} s`,
    );
    console.log(
      s.history ? `history: ${relative(process.cwd(), s.history.path)} (${s.history.runs} runs)` : 'history: none (--no-history)',
    );
    const failed = s.qualityGates.filter((g) => !g.success);
    console.log(
      s.qualityGates.length
        ? `quality gates (stop conditions): ${s.qualityGates.length - failed.length} of ${s.qualityGates.length} held` +
            failed.map((g) => `\n  ✗ ${g.message}`).join('')
        : 'quality gates: none - no stage verdict in this run (no gate ran and the profile reporter wrote none)',
    );
  } catch (err) {
    console.error(err instanceof AllureReportError ? `report:allure: ${err.message}` : err);
    process.exitCode = 1;
  }
}
