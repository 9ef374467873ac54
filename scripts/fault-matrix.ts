// npm run test:faults - the fault-detection matrix. For every sandbox fault
// switch: a short stage (and its gate) against a sandbox with that fault on,
// then the run's report.json must flag it - the right metric non-zero, the gate
// failed with the right reason, the failed flows of the right class.
// Then the controls (no false alarms): clean C4 stages, three in status mode
// and one in live mode, each passing its gate with no P0 finding.
// Writes docs/fault-matrix.md from what was observed.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Report } from '../reporter/schema.ts';
import { FAULT_NAMES } from '../sandbox/src/faults.ts';
import { runDir } from '../config/paths.ts';
import { CASES, CONTROLS, type Control, type FaultCase } from './fault-cases.ts';

interface Outcome {
  c: FaultCase;
  ok: boolean;
  problems: string[];
  metricValue: number | null;
  reasons: string[];
  classes: string[];
  seconds: number;
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
  const runId = `faults-control-${index + 1}-${Date.now().toString(36)}`;
  const t0 = performance.now();
  const { exit, report, problems } = await runAndRead({ fault: '', mode: control.mode, levels: '4' }, runId);
  const stage = report?.stages.find((s) => s.stage === 4);
  const p0 = report?.findings.filter((f) => f.severity === 'P0') ?? [];
  if (exit !== 0) problems.push(`the run exited ${exit}`);
  if (!stage || stage.flows !== 4 || stage.pass !== 4)
    problems.push(`C4 flows: ${stage ? `${stage.pass} of ${stage.flows} passed` : 'none'}`);
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
    const child = spawn('npx', ['playwright', 'test', ...projects], {
      env: {
        ...process.env,
        BASE_URL: '',
        RUN_ID: runId,
        SANDBOX_FAULTS: c.fault,
        PAYMENT_MODE: c.mode,
        CONCURRENCY_LEVELS: levels,
        NOTIFY_TIMEOUT_MS: '4000',
        OP_TIMEOUT_MS: '20000',
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
  const runId = `faults-${c.fault.replace(/[=.]/g, '-')}-${Date.now().toString(36)}`;
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
  return { c, ok: problems.length === 0, problems, metricValue, reasons, classes, seconds: (performance.now() - t0) / 1000 };
}

function renderDoc(outcomes: Outcome[], controls: ControlOutcome[]): string {
  const rows = outcomes.map((o) => {
    const reason = o.reasons.find((r) => o.c.gateReason.test(r)) ?? '—';
    return `| \`${o.c.fault}\` | ${o.c.bug} | ${o.c.mode} | ${o.c.metric[0]} = ${o.metricValue ?? 'n/a'} | ${reason.replace(/\|/g, '\\|').slice(0, 160)} | ${o.classes.join(', ') || '—'} | ${o.ok ? 'detected' : `NOT DETECTED: ${o.problems.join('; ')}`} |`;
  });
  return [
    '# Fault-detection matrix',
    '',
    '<!-- generated by `npm run test:faults`; do not edit by hand -->',
    '',
    'Every sandbox fault switch, a short stage against a sandbox with the fault on, and what the suite reported.',
    '',
    '| Fault | Bug | Mode | Detected by | Gate reason | Class | Result |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '## No false alarms',
    '',
    'Clean stages against a sandbox with no fault switch: each must pass its gate with every flow passing and no P0 finding.',
    '',
    '| Run | Mode | Flows passed | P0 findings | Gate | Result |',
    '|---|---|---:|---:|---|---|',
    ...controls.map(
      (o) =>
        `| ${o.control.name} | ${o.control.mode} | ${o.flows} | ${o.p0} | ${o.gate} | ${o.ok ? 'no false alarm' : `FALSE ALARM: ${o.problems.join('; ')}`} |`,
    ),
    '',
    `Generated ${new Date().toISOString()}.`,
    '',
  ].join('\n');
}

const only = process.argv.slice(2);
// `npm run test:faults -- list-leak clean`: only the named faults, and the clean controls with `clean`.
const cases = only.length ? CASES.filter((c) => only.some((o) => c.fault.startsWith(o))) : CASES;
const uncovered = FAULT_NAMES.filter((name) => !CASES.some((c) => c.fault.split('=')[0] === name));
if (uncovered.length) {
  console.error(`fault switches without a matrix case: ${uncovered.join(', ')}`);
  process.exit(1);
}
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
  for (const [i, control] of CONTROLS.entries()) {
    const o = await checkControl(control, i);
    controls.push(o);
    console.log(
      `${o.ok ? 'no alarm    ' : 'FALSE ALARM '} ${control.name.padEnd(28)} ${o.seconds.toFixed(0).padStart(4)} s  ${o.ok ? `flows ${o.flows}, P0 ${o.p0}, gate ${o.gate}` : o.problems.join('; ')}`,
    );
  }
if (!only.length) writeFileSync('docs/fault-matrix.md', renderDoc(outcomes, controls));
const failed = outcomes.filter((o) => !o.ok).length + controls.filter((o) => !o.ok).length;
console.log(`${outcomes.length + controls.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
