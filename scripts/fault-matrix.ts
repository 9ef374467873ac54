// npm run test:faults - the fault-detection matrix. For every sandbox fault
// switch: a short stage (and its gate) against a sandbox with that fault on,
// then the run's report.json must flag it - the right metric non-zero, the gate
// failed with the right reason, the failed flows of the right class.
// Then the controls (no false alarms): clean C4 stages, three in status mode
// and one in live mode, each passing its gate with no P0 finding.
// Writes docs/fault-matrix.md from what was observed.
//
// `--target=bazaar` (npm run test:faults:bazaar): the subset that applies through
// the sandbox's second API dialect, every run with SANDBOX_DIALECT=bazaar and
// TARGET_ADAPTER=examples/adapters/bazaar.ts, and clean C2 controls in fixture
// and status mode; writes docs/fault-matrix-bazaar.md (scripts/fault-targets.ts).
// `--output=<dir>`: Playwright's output and HTML/blob reports go there, not into
// the working tree's test-results/, playwright-report/ and blob-report/.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as prettier from 'prettier';
import type { Report } from '../reporter/schema.ts';
import { FAULT_NAMES } from '../sandbox/src/faults.ts';
import { runDir } from '../config/paths.ts';
import type { Control, FaultCase } from './fault-cases.ts';
import { TARGETS, type FaultTarget } from './fault-targets.ts';

interface Outcome {
  c: FaultCase;
  ok: boolean;
  problems: string[];
  metricValue: number | null;
  reasons: string[];
  classes: string[];
  seconds: number;
  /** A browserOnly case run again without tabs: what socket-only mode saw (it must see nothing). */
  socketOnly?: { unnoticed: boolean; flows: string; problems: string[] };
}

interface ControlOutcome {
  control: Control;
  ok: boolean;
  problems: string[];
  flows: string;
  p0: number;
  gate: string;
  seconds: number;
}

async function checkControl(control: Control, index: number): Promise<ControlOutcome> {
  const runId = `faults-${target.name === 'sandbox' ? '' : `${target.name}-`}control-${index + 1}-${Date.now().toString(36)}`;
  const t0 = performance.now();
  const { level } = control;
  const { exit, report, problems } = await runAndRead({ fault: '', mode: control.mode, levels: String(level) }, runId);
  const stage = report?.stages.find((s) => s.stage === level);
  const p0 = report?.findings.filter((f) => f.severity === 'P0') ?? [];
  if (exit !== 0) problems.push(`the run exited ${exit}`);
  if (!stage || stage.flows !== level || stage.pass !== level)
    problems.push(`C${level} flows: ${stage ? `${stage.pass} of ${stage.flows} passed` : 'none'}`);
  if (p0.length > 0) problems.push(`P0 findings: ${p0.map((f) => f.title).join('; ')}`);
  if (!stage?.gate?.passed) problems.push(`gate: ${stage?.gate ? stage.gate.reasons.join('; ') : 'did not run'}`);
  return {
    control,
    ok: problems.length === 0,
    problems,
    flows: stage ? `${stage.pass}/${stage.flows}` : 'n/a',
    p0: p0.length,
    gate: stage?.gate ? (stage.gate.passed ? 'pass' : 'fail') : 'not run',
    seconds: (performance.now() - t0) / 1000,
  };
}

function run(c: { fault: string; mode: string; levels?: string; env?: Record<string, string> }, runId: string): Promise<number> {
  const levels = c.levels ?? '2';
  // Every stage runs; only the last one's gate judges (a noisy earlier gate must not hide a two-stage condition).
  const stages = levels.split(',');
  const projects = [...stages.map((l) => `--project=C${l}`), `--project=gate-C${stages.at(-1)}`];
  return new Promise((resolve) => {
    const child = spawn('npx', ['playwright', 'test', ...projects, ...(output ? [`--output=${output}/test-results`] : [])], {
      env: {
        ...process.env,
        ...(output
          ? { PLAYWRIGHT_HTML_OUTPUT_DIR: `${output}/playwright-report`, PLAYWRIGHT_BLOB_OUTPUT_DIR: `${output}/blob-report` }
          : {}),
        BASE_URL: '',
        RUN_ID: runId,
        SANDBOX_FAULTS: c.fault,
        PAYMENT_MODE: c.mode,
        CONCURRENCY_LEVELS: levels,
        NOTIFY_TIMEOUT_MS: '4000',
        OP_TIMEOUT_MS: '20000',
        ...target.env,
        ...c.env,
      },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** Runs the stages, then reads the run's report.json; a missing report is the first problem. */
async function runAndRead(
  c: Parameters<typeof run>[0],
  runId: string,
): Promise<{ exit: number; report: Report | undefined; problems: string[] }> {
  const exit = await run(c, runId);
  try {
    return { exit, report: JSON.parse(readFileSync(`${runDir(runId)}/report.json`, 'utf8')) as Report, problems: [] };
  } catch {
    return { exit, report: undefined, problems: [`no report.json (playwright exited ${exit})`] };
  }
}

async function check(c: FaultCase): Promise<Outcome> {
  const runId = `faults-${target.name === 'sandbox' ? '' : `${target.name}-`}${c.fault.replace(/[=.]/g, '-')}-${Date.now().toString(36)}`;
  const t0 = performance.now();
  const { exit, report, problems } = await runAndRead(c, runId);
  const stage = report?.stages.filter((s) => s.flows > 0).at(-1);
  const metricValue = stage ? c.metric[1](stage) : null;
  const reasons = report?.stages.flatMap((s) => s.gate?.reasons ?? []) ?? [];
  // Flows a P0 stopped (STOP_ON_P0) are interrupted, not failed: the fault shows in the flow that saw it.
  const classes = [...new Set(report?.stages.flatMap((s) => s.failures.map((f) => f.class)) ?? [])].filter((k) => k !== 'interrupted');
  if (exit === 0) problems.push('the run passed');
  if (!metricValue) problems.push(`${c.metric[0]} is ${metricValue}`);
  if (!reasons.some((r) => c.gateReason.test(r)))
    problems.push(`no gate reason matching ${c.gateReason} (got: ${reasons.join(' | ') || 'none'})`);
  const wrongClass = classes.filter((k) => !c.classes.includes(k));
  if (c.classes.length && (classes.length === 0 || wrongClass.length))
    problems.push(`failure classes ${classes.join(', ') || 'none'}, expected ${c.classes.join(' or ')}`);
  const socketOnly = c.browserOnly ? await withoutTabs(c, runId) : undefined;
  if (socketOnly && !socketOnly.unnoticed) problems.push(`without browser tabs: ${socketOnly.problems.join('; ')}`);
  return { c, ok: problems.length === 0, problems, metricValue, reasons, classes, seconds: (performance.now() - t0) / 1000, socketOnly };
}

/** The browserOnly fault again without tabs: every flow must pass, the gate too, the metric stay at 0. */
async function withoutTabs(c: FaultCase, runId: string): Promise<NonNullable<Outcome['socketOnly']>> {
  const { exit, report, problems } = await runAndRead({ ...c, env: { ...c.env, BROWSER_TABS_PER_USER: '0' } }, `${runId}-no-tabs`);
  const stage = report?.stages.filter((s) => s.flows > 0).at(-1);
  if (exit !== 0) problems.push(`the run failed (exit ${exit})`);
  if (stage && c.metric[1](stage)) problems.push(`${c.metric[0]} is ${c.metric[1](stage)}`);
  return { unnoticed: problems.length === 0, flows: stage ? `${stage.pass}/${stage.flows}` : 'n/a', problems };
}

function renderDoc(outcomes: Outcome[], controls: ControlOutcome[]): string {
  const rows = outcomes.map((o) => {
    const reason = o.reasons.find((r) => o.c.gateReason.test(r)) ?? '—';
    return `| \`${o.c.fault}\` | ${o.c.bug} | ${o.c.mode} | ${o.c.metric[0]} = ${o.metricValue ?? 'n/a'} | ${reason.replace(/\|/g, '\\|').slice(0, 160)} | ${o.classes.join(', ') || '—'} | ${o.ok ? 'detected' : `NOT DETECTED: ${o.problems.join('; ')}`} |`;
  });
  const socketOnly = outcomes.filter((o) => o.socketOnly);
  const notRun = Object.entries(target.notRun);
  return [
    `# ${target.title}`,
    '',
    `<!-- generated by \`${target.command}\`; do not edit by hand -->`,
    '',
    target.intro,
    '',
    '| Fault | Bug | Mode | Detected by | Gate reason | Class | Result |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '## No false alarms',
    '',
    target.controlsIntro,
    '',
    '| Run | Mode | Flows passed | P0 findings | Gate | Result |',
    '|---|---|---:|---:|---|---|',
    ...controls.map(
      (o) =>
        `| ${o.control.name} | ${o.control.mode} | ${o.flows} | ${o.p0} | ${o.gate} | ${o.ok ? 'no false alarm' : `FALSE ALARM: ${o.problems.join('; ')}`} |`,
    ),
    '',
    ...(socketOnly.length
      ? [
          '## Invisible to socket-only mode',
          '',
          'Each fault of the web front end run again without browser tabs (`BROWSER_TABS_PER_USER=0`): the sockets and lists the',
          'suite reads in Node get every notification right, so the stage must pass.',
          '',
          '| Fault | Flows passed without tabs | Result |',
          '|---|---:|---|',
          ...socketOnly.map(
            (o) =>
              `| \`${o.c.fault}\` | ${o.socketOnly!.flows} | ${o.socketOnly!.unnoticed ? 'invisible to socket-only mode: this is why browser mode exists' : `SEEN WITHOUT TABS: ${o.socketOnly!.problems.join('; ')}`} |`,
          ),
          '',
        ]
      : []),
    ...(notRun.length
      ? ['## Not run here', '', '| Fault | Why not |', '|---|---|', ...notRun.map(([fault, why]) => `| \`${fault}\` | ${why} |`), '']
      : []),
    `Generated ${new Date().toISOString()}.`,
    '',
  ].join('\n');
}

/** The doc as `prettier --write` leaves it, so `npm run lint` passes after a run; a file .prettierignore names stays as rendered. */
async function formatted(file: string, text: string): Promise<string> {
  if ((await prettier.getFileInfo(file, { ignorePath: '.prettierignore' })).ignored) return text;
  return prettier.format(text, { ...(await prettier.resolveConfig(file)), filepath: file });
}

const flag = (name: string) =>
  process.argv
    .slice(2)
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3);
const unknown = process.argv.slice(2).filter((a) => a.startsWith('-') && !/^--(target|output)=./.test(a));
if (unknown.length) {
  console.error(`unknown option ${unknown.join(' ')} (options: --target=<${Object.keys(TARGETS).join('|')}>, --output=<dir>)`);
  process.exit(2);
}
const targetName = flag('target') ?? 'sandbox';
const output = flag('output');
if (!Object.hasOwn(TARGETS, targetName)) {
  console.error(`--target=${targetName} is not a fault-matrix target (allowed: ${Object.keys(TARGETS).join(', ')})`);
  process.exit(2);
}
const target: FaultTarget = TARGETS[targetName]!;
// `npm run test:faults -- list-leak clean`: only the named faults, and the clean controls with `clean`.
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const cases = only.length ? target.cases.filter((c) => only.some((o) => c.fault.startsWith(o))) : target.cases;
const uncovered = FAULT_NAMES.filter((name) => !target.cases.some((c) => c.fault.split('=')[0] === name) && !(name in target.notRun));
if (uncovered.length) {
  console.error(`fault switches without a matrix case or a reason not to run them (${target.name}): ${uncovered.join(', ')}`);
  process.exit(1);
}
const envLine = Object.entries(target.env).map(([k, v]) => (v ? `${k}=${v}` : `${k} unset`));
console.log(`fault matrix against ${target.name}${envLine.length ? ` (${envLine.join(', ')})` : ''}`);
const started = performance.now();
const outcomes: Outcome[] = [];
for (const c of cases) {
  const o = await check(c);
  outcomes.push(o);
  console.log(
    `${o.ok ? 'detected    ' : 'NOT DETECTED'} ${c.fault.padEnd(28)} ${o.seconds.toFixed(0).padStart(4)} s  ${o.ok ? `${c.metric[0]} = ${o.metricValue}` : o.problems.join('; ')}`,
  );
}
const controls: ControlOutcome[] = [];
if (!only.length || only.includes('clean'))
  for (const [i, control] of target.controls.entries()) {
    const o = await checkControl(control, i);
    controls.push(o);
    console.log(
      `${o.ok ? 'no alarm    ' : 'FALSE ALARM '} ${control.name.padEnd(28)} ${o.seconds.toFixed(0).padStart(4)} s  ${o.ok ? `flows ${o.flows}, P0 ${o.p0}, gate ${o.gate}` : o.problems.join('; ')}`,
    );
  }
if (!only.length) writeFileSync(target.doc, await formatted(target.doc, renderDoc(outcomes, controls)));
const failed = outcomes.filter((o) => !o.ok).length + controls.filter((o) => !o.ok).length;
console.log(
  `${outcomes.length + controls.length - failed} passed, ${failed} failed in ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
process.exit(failed ? 1 : 0);
