// npm run report:allure - the Allure 3 report of the last run, offline.
//
// allure-results (written by allure-playwright) -> the last run's results, redacted
// once more, in a staging folder -> `allure generate` (the `allure` package, no
// Java) -> allure-report/ -> the external analytics tag removed from every HTML
// file and checked gone.
//
//   npm run report:allure [-- --run <runId> | --all] [--static] [--results <dir>] [--output <dir>]
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { redactText } from '../lib/redact.ts';
import { allureCategoryRules, knownSecrets } from '../reporter/allure.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

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
  reportName?: string;
}

export interface AllureReportSummary {
  runId: string | null;
  results: number;
  /** Results of other runs left out. */
  skipped: number;
  outputDir: string;
  html: string[];
  analyticsTagsRemoved: number;
  ms: number;
}

interface AllureResultFile {
  uuid?: string;
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

function allureCli(): string {
  // `allure` exports only its API; the CLI (bin) sits beside dist/.
  const main = createRequire(import.meta.url).resolve('allure');
  return join(dirname(main), '..', 'cli.js');
}

/** Builds the Allure 3 report from allure-results, offline, without the analytics tag. */
export async function buildAllureReport(options: AllureReportOptions = {}): Promise<AllureReportSummary> {
  const started = performance.now();
  const resultsDir = resolve(options.resultsDir ?? join(ROOT, 'allure-results'));
  const outputDir = resolve(options.outputDir ?? join(ROOT, 'allure-report'));
  const shown = (p: string) => relative(process.cwd(), p) || '.';
  const hint = 'run a stage first (e.g. `npx playwright test --project=C1`): allure-playwright writes it';

  if (!existsSync(resultsDir) || !statSync(resultsDir).isDirectory())
    throw new AllureReportError(`${shown(resultsDir)} is missing: ${hint}`);
  const resultFiles = readdirSync(resultsDir).filter((f) => f.endsWith('-result.json'));
  if (resultFiles.length === 0) throw new AllureReportError(`${shown(resultsDir)} holds no test results (*-result.json): ${hint}`);

  const environment = readEnvironment(resultsDir);
  const runId = options.run === 'all' ? null : (options.run ?? environment.runId ?? null);
  const results = resultFiles.map((file) => ({ file, data: JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as AllureResultFile }));
  const chosen = runId === null ? results : results.filter((r) => r.data.labels?.some((l) => l.name === 'runId' && l.value === runId));
  if (chosen.length === 0)
    throw new AllureReportError(`${shown(resultsDir)} holds ${results.length} results, none of run ${runId}: pass --run <runId> or --all`);

  const work = mkdtempSync(join(tmpdir(), 'allure-report-'));
  const stage = join(work, 'allure-results');
  mkdirSync(stage);
  try {
    // The run's results and their attachments, redacted once more (allure-playwright's globals - hook errors - too).
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

    const reportName = options.reportName ?? `escrow-ramp ${runId ?? 'all runs'}`;
    const config = join(work, 'allurerc.json');
    writeFileSync(
      config,
      JSON.stringify({
        name: reportName,
        output: outputDir,
        plugins: { awesome: { options: { singleFile: options.singleFile ?? true, reportName, reportLanguage: 'en' } } },
        categories: allureCategoryRules(),
      }),
    );
    rmSync(outputDir, { recursive: true, force: true });
    await promisify(execFile)(process.execPath, [allureCli(), 'generate', stage, '--config', config, '--output', outputDir], {
      cwd: work,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: '1' },
    }).catch((err: Error & { stdout?: string; stderr?: string }) => {
      throw new AllureReportError(`allure generate failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`.trim());
    });

    const html = existsSync(outputDir) ? walk(outputDir).filter((f) => f.endsWith('.html')) : [];
    if (html.length === 0) throw new AllureReportError(`allure generate wrote no HTML into ${shown(outputDir)}`);
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
    else throw new AllureReportError(`unknown option ${arg} (--run <runId> | --all, --static, --results <dir>, --output <dir>)`);
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
  } catch (err) {
    console.error(err instanceof AllureReportError ? `report:allure: ${err.message}` : err);
    process.exitCode = 1;
  }
}
