// npm run bench - benchmarks that print every figure beside its goal and write
// bench/results/<timestamp>.json. A figure not measured is null with a
// <key>Reason beside it, never a guess. Every figure is a ratio or comparison
// taken in this one run (absolute times drift on a shared machine).
//
//   npm run bench                                  every part (about 15 minutes on 2 cores)
//   npm run bench -- --only=overhead,reporter      some parts: footprint, cpu, overhead, capacity, c256, reporter
//   npm run bench -- --levels=8,32 --cpu-level=32 --capacity-levels=1,2,4,8 --capacity-modes=status --footprint-mode=live
//     --calls=1000 --keep --no-reuse
// Every option can also be given as BENCH_<NAME> (BENCH_ONLY=overhead).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { EnvSchema } from '../config/env.ts';
import { capacity, type Capacity } from './capacity.ts';
import { log } from './cleanup.ts';
import { cpuShares, type CpuShares } from './cpu-share.ts';
import { bareFootprint, rssRatio, suiteFootprint, type Footprint, type SuiteRun } from './footprint.ts';
import { c256, type C256 } from './c256.ts';
import { timingOverhead, type Overhead } from './overhead.ts';
import { procAvailable } from './proc.ts';
import { reporter100k, type Reporter100k } from './reporter100k.ts';
import { round } from './stats.ts';
import { renderTable, type Figure } from './table.ts';

const PARTS = ['footprint', 'cpu', 'overhead', 'capacity', 'c256', 'reporter'] as const;
type Part = (typeof PARTS)[number];

const { values: argv } = parseArgs({
  options: {
    only: { type: 'string' },
    levels: { type: 'string' },
    'footprint-mode': { type: 'string' },
    'capacity-levels': { type: 'string' },
    'capacity-modes': { type: 'string' },
    'cpu-level': { type: 'string' },
    'multi-level': { type: 'string' },
    'flows-per-worker': { type: 'string' },
    calls: { type: 'string' },
    keep: { type: 'boolean' },
    'no-reuse': { type: 'boolean' },
  },
  strict: true,
});
const opt = (name: keyof typeof argv): string | undefined => {
  const v = argv[name];
  return typeof v === 'string' ? v : process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`] || undefined;
};
const list = (v: string | undefined, fallback: string) =>
  (v ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const ints = (v: string | undefined, fallback: string, what: string) =>
  list(v, fallback).map((s) => {
    if (!/^[0-9]+$/.test(s) || Number(s) < 1) throw new Error(`${what}: ${JSON.stringify(s)} is not a positive integer`);
    return Number(s);
  });

const only = list(opt('only'), PARTS.join(','));
const unknown = only.filter((p) => !(PARTS as readonly string[]).includes(p));
if (unknown.length) throw new Error(`--only: unknown part(s) ${unknown.join(', ')}; parts are ${PARTS.join(', ')}`);
const want = (part: Part) => only.includes(part);
const levels = ints(opt('levels'), '8,32,64', '--levels');
const footprintMode = opt('footprint-mode') ?? 'live';
const capacityLevels = ints(opt('capacity-levels'), '1,2,4,8,16,32', '--capacity-levels');
const capacityModes = list(opt('capacity-modes'), 'status,live');
const cpuLevel = ints(opt('cpu-level'), '32', '--cpu-level')[0]!;
const multiLevel = ints(opt('multi-level'), '256', '--multi-level')[0]!;
const flowsPerWorker = ints(opt('flows-per-worker'), '16', '--flows-per-worker')[0]!;
const calls = ints(opt('calls'), '1000', '--calls')[0]!;
const keep = argv.keep === true || process.env.BENCH_KEEP === '1';

const machine = {
  cores: cpus().length,
  memoryGb: round(totalmem() / 2 ** 30, 1),
  memory: `${round(totalmem() / 2 ** 30, 1)} GiB`,
  node: process.version,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  loadAverageAtStart: loadavg().map((l) => round(l, 2)),
};
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const dirs = { tmp: mkdtempSync(join(tmpdir(), 'escrow-ramp-bench-')), stamp: stamp.replace(/[^0-9]/g, '').slice(0, 14) };
const noProc = procAvailable() ? null : 'this system has no /proc: process RSS and CPU cannot be read';
const partSeconds: Record<string, number> = {};
const timed = async <T>(part: string, fn: () => Promise<T> | T): Promise<T> => {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    partSeconds[part] = round((performance.now() - t0) / 1000, 1)!;
  }
};
const failed = (part: string, err: unknown) => {
  const message = (err as Error).message?.split('\n')[0] ?? String(err);
  log(`${part} failed: ${message}`);
  return `${part} failed: ${message}`;
};

log(`${machine.cores} cores, ${machine.memoryGb} GB, node ${machine.node}; parts: ${only.join(', ')}; files under ${dirs.tmp}`);
if ((machine.loadAverageAtStart[0] ?? 0) > machine.cores)
  log(
    `load average ${machine.loadAverageAtStart[0]} is above the ${machine.cores} cores: other processes compete for the CPU; ` +
      'figures compare runs of this bench, absolute times are inflated (the CPU tables show the load outside the runs)',
  );
const started = performance.now();

// 6. Reporter aggregation (a child process of its own, so its peak RSS is its own).
let reporter: Reporter100k | string = 'not selected (--only)';
if (want('reporter')) {
  log('reporter: summarizing 100,000 synthetic worker results');
  reporter = await timed('reporter', () => {
    try {
      return reporter100k();
    } catch (err) {
      return failed('reporter', err);
    }
  });
}

// 2. Timing overhead (a sandbox in this process).
let overhead: Overhead | string = 'not selected (--only)';
if (want('overhead')) overhead = await timed('overhead', () => timingOverhead(calls, 100).catch((err) => failed('overhead', err)));

// 1 and 3. Footprint per level (bare then suite, back to back); CPU share from the C32 suite run.
const footprints: { level: number; bare: Footprint | string; suite: Footprint | string; ratio: number | null }[] = [];
let cpu: CpuShares | string = want('cpu') ? `no C${cpuLevel} suite run (--levels leaves it out)` : 'not selected (--only)';
const suiteRuns = new Map<number, SuiteRun>();
const footprintLevels = want('footprint') ? levels : want('cpu') ? [cpuLevel] : [];
if (noProc && footprintLevels.length) cpu = noProc;
else
  for (const level of footprintLevels) {
    const timeout = (5 + level / 4) * 60_000;
    const bare = want('footprint')
      ? await timed(`footprint bare C${level}`, () => bareFootprint(dirs, level, timeout).catch((err) => failed(`bare C${level}`, err)))
      : 'not selected (--only)';
    const suite: SuiteRun | string = await timed(`footprint suite C${level}`, () =>
      suiteFootprint(dirs, level, footprintMode, timeout).catch((err) => failed(`suite C${level}`, err)),
    );
    const suiteFp = typeof suite === 'string' ? suite : suite.footprint;
    if (typeof suite !== 'string') suiteRuns.set(level, suite);
    footprints.push({
      level,
      bare,
      suite: suiteFp,
      ratio: typeof bare === 'string' || typeof suiteFp === 'string' ? null : rssRatio(suiteFp, bare),
    });
    if (level === cpuLevel && want('cpu') && typeof suite !== 'string') cpu = cpuShares(suite.run, suite.classified, suite.flowsWindow);
  }

// 4. Capacity per mode. The top level's `--project=C<top>` footprint run in the same mode is that stage of the
// ramp (unless --no-reuse): the stage is not run a second time.
const top = Math.max(...capacityLevels);
const reuseTop = (mode: string) => {
  const suite = suiteRuns.get(top);
  return !argv['no-reuse'] && mode === footprintMode && suite ? { level: top, suite } : undefined;
};
const capacities: Capacity[] = [];
const capacityErrors: string[] = [];
if (want('capacity'))
  for (const mode of capacityModes) {
    const result = await timed(`capacity ${mode}`, () =>
      capacity(dirs, mode, capacityLevels, 20 * 60_000, reuseTop(mode)).catch((err) => failed(`capacity ${mode}`, err)),
    );
    if (typeof result === 'string') capacityErrors.push(result);
    else capacities.push(result);
  }

// 5. C256 with several flows per worker, if the suite has the option.
let c256Result: C256 | string = 'not selected (--only)';
if (want('c256')) {
  c256Result =
    'FLOWS_PER_WORKER' in EnvSchema.shape
      ? await timed('c256', () => c256(dirs, footprintMode, 30 * 60_000, multiLevel, flowsPerWorker).catch((err) => failed('c256', err)))
      : 'multi-flow workers are not built yet (issue 7 item 5)';
}

// The figures.
const notSelected = (part: Part) => `not measured in this run: --only=${only.join(',')} leaves out ${part}`;
const why = (v: unknown, part: Part) => (typeof v === 'string' ? (want(part) ? v : notSelected(part)) : undefined);
const figures: Record<string, Figure> = {};

/** A goal, stated once: the printed text and the check derive from the same limit. */
interface Goal {
  text: string;
  met?: (value: number) => boolean;
}
const atMost = (limit: number, unit = ''): Goal => ({ text: `<= ${limit}${unit && ` ${unit}`}`, met: (v) => v <= limit });
const atLeast = (limit: number): Goal => ({ text: `>= ${limit}`, met: (v) => v >= limit });
const GOALS = {
  runnerRssRatio: atMost(1.3),
  timingOverheadP50Ms: atMost(0.5, 'ms'),
  timingOverheadP99Ms: atMost(2, 'ms'),
  runnerCpuShareC32: atMost(0.25),
  sandboxSafeStage: atLeast(32),
  flowsPerSecC32: { text: 'measured (no goal)' } as Goal,
  c256RunnerRssGb: atMost(6, 'GB'),
  reporter100kSeconds: atMost(3, 's'),
  reporter100kPeakMb: atMost(1024, 'MB'),
} satisfies Record<string, Goal>;
type Key = keyof typeof GOALS;
const measured = (key: Key, value: number | null, note: string): Figure => {
  const { text, met } = GOALS[key];
  return { value, goal: text, ...(met ? { ok: value !== null && met(value) } : {}), note };
};
const unmeasured = (key: Key, reason: string | undefined): Figure => ({ value: null, goal: GOALS[key].text, reason });

{
  const ratios = footprints.filter((f) => f.ratio !== null);
  const worst = ratios.sort((a, b) => b.ratio! - a.ratio!)[0];
  figures.runnerRssRatio = worst
    ? measured(
        'runnerRssRatio',
        worst.ratio,
        `worst level C${worst.level}: median per-worker peak RSS, ours / bare (${footprintMode} mode)`,
      )
    : unmeasured(
        'runnerRssRatio',
        !want('footprint')
          ? notSelected('footprint')
          : (noProc ??
              footprints
                .map((f) => `C${f.level}: ${typeof f.suite === 'string' ? f.suite : typeof f.bare === 'string' ? f.bare : 'no worker RSS'}`)
                .join('; ')),
      );
}
{
  const o = typeof overhead === 'string' ? null : overhead.endpoints[0]!;
  const reason = why(overhead, 'overhead');
  figures.timingOverheadP50Ms = o
    ? measured('timingOverheadP50Ms', o.overheadP50Ms, o.endpoint)
    : unmeasured('timingOverheadP50Ms', reason);
  figures.timingOverheadP99Ms = o
    ? measured('timingOverheadP99Ms', o.overheadP99Ms, o.endpoint)
    : unmeasured('timingOverheadP99Ms', reason);
}
figures.runnerCpuShareC32 =
  typeof cpu === 'string' || cpu.stage.runnerShare === null
    ? unmeasured('runnerCpuShareC32', typeof cpu === 'string' ? (why(cpu, 'cpu') ?? cpu) : 'no CPU was sampled')
    : measured(
        'runnerCpuShareC32',
        cpu.stage.runnerShare,
        `C${cpuLevel}: runner side / (runner + sandbox) CPU seconds, ${cpu.stage.window}`,
      );
{
  const byMode = new Map(capacities.map((c) => [c.mode, c]));
  const complete = capacityModes.map((m) => byMode.get(m)).filter((c): c is Capacity => c !== undefined && c.reason === undefined);
  const notCapacity = want('capacity') ? undefined : notSelected('capacity');
  if (complete.length === capacityModes.length && complete.length > 0) {
    const safe = Math.min(...complete.map((c) => c.goalSafeStage ?? 0));
    figures.sandboxSafeStage = measured(
      'sandboxSafeStage',
      safe,
      `every p50 and p95 goal: ${complete.map((c) => `${c.mode} ${c.goalSafeStage === null ? 'none' : `C${c.goalSafeStage}`}`).join(', ')} ` +
        `(p95 goals only: ${complete.map((c) => `${c.mode} ${c.p95SafeStage === null ? 'none' : `C${c.p95SafeStage}`}`).join(', ')}); ` +
        `lowest of the modes; highest stage tested C${top}${safe === 0 ? '; 0 = no stage met every goal' : ''}`,
    );
  } else
    figures.sandboxSafeStage = unmeasured(
      'sandboxSafeStage',
      notCapacity ?? [...capacityErrors, ...capacities.flatMap((c) => (c.reason ? [`${c.mode}: ${c.reason}`] : []))].join('; '),
    );
  const c32Mode = byMode.get('live') ? 'live' : capacityModes[0];
  const c32 = c32Mode ? byMode.get(c32Mode)?.stages.find((s) => s.stage === 32) : undefined;
  figures.flowsPerSecC32 =
    c32?.flowsPerSec !== undefined && c32.flowsPerSec !== null
      ? measured(
          'flowsPerSecC32',
          c32.flowsPerSec,
          `${c32Mode} mode, ${c32.source}: ${c32.pass} passed flows / ${c32.wallS} s stage wall time (first flow start to last end); ` +
            `${c32.flowsPerSecFromRelease} /s counted from the barrier release`,
        )
      : unmeasured(
          'flowsPerSecC32',
          notCapacity ??
            (capacityLevels.includes(32)
              ? `the C32 stage did not run or passed no flow in ${c32Mode ?? 'any'} mode`
              : 'C32 is not among --capacity-levels'),
        );
}
figures.c256RunnerRssGb =
  typeof c256Result === 'string'
    ? unmeasured('c256RunnerRssGb', why(c256Result, 'c256') ?? c256Result)
    : c256Result.level !== 256
      ? unmeasured('c256RunnerRssGb', `--multi-level=${c256Result.level} measured C${c256Result.level}, not C256 (see details)`)
      : c256Result.runnerRssPeakGb === null
        ? unmeasured('c256RunnerRssGb', c256Result.reason ?? 'no runner RSS was sampled')
        : measured(
            'c256RunnerRssGb',
            c256Result.runnerRssPeakGb,
            `${c256Result.workers} workers x ${c256Result.flowsPerWorker} flows (${footprintMode} mode), ` +
              `${c256Result.flowsPassed}/${c256Result.flowsReported} flows passed; peak of runner + workers + sampler RSS`,
          );
figures.reporter100kSeconds =
  typeof reporter === 'string'
    ? unmeasured('reporter100kSeconds', why(reporter, 'reporter'))
    : measured('reporter100kSeconds', reporter.seconds, `${reporter.flows} results into ${reporter.stages} stages`);
figures.reporter100kPeakMb =
  typeof reporter === 'string'
    ? unmeasured('reporter100kPeakMb', why(reporter, 'reporter'))
    : measured('reporter100kPeakMb', reporter.peakMb, 'peak RSS of the child, generating the results included');

const totalS = round((performance.now() - started) / 1000, 1);
process.stdout.write(
  renderTable({ machine, figures, footprints, overhead, cpu, capacities, c256: c256Result, partSeconds, totalS, footprintMode }),
);

const flat = Object.fromEntries(
  Object.entries(figures).flatMap(([k, f]) => [[k, f.value], ...(f.value === null ? [[`${k}Reason`, f.reason ?? 'not measured']] : [])]),
);
mkdirSync(resolve(import.meta.dirname, 'results'), { recursive: true });
const file = resolve(import.meta.dirname, 'results', `${stamp}.json`);
writeFileSync(
  file,
  `${JSON.stringify(
    {
      ...flat,
      machine,
      goals: Object.fromEntries(Object.entries(figures).map(([k, f]) => [k, f.goal])),
      notes: Object.fromEntries(Object.entries(figures).flatMap(([k, f]) => (f.note ? [[k, f.note]] : []))),
      options: { only, levels, cpuLevel, footprintMode, capacityLevels, capacityModes, calls, multiLevel, flowsPerWorker },
      details: { footprint: footprints, overhead, cpu, capacity: capacities, capacityErrors, c256: c256Result, reporter },
      partSeconds,
      totalSeconds: totalS,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${file}`);
if (!keep) rmSync(dirs.tmp, { recursive: true, force: true });
else log(`run folders kept under ${dirs.tmp}`);
