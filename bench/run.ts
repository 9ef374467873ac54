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
import { EnvSchema } from '../config/env.ts';
import { capacity, type Capacity } from './capacity.ts';
import { log } from './cleanup.ts';
import { cpuShares, type CpuShares } from './cpu-share.ts';
import { benchFigures } from './figures.ts';
import { bareFootprint, rssRatio, suiteFootprint, type Footprint, type SuiteRun } from './footprint.ts';
import { c256, type C256 } from './c256.ts';
import { benchOptions } from './options.ts';
import { timingOverhead, type Overhead } from './overhead.ts';
import { procAvailable } from './proc.ts';
import { reporter100k, type Reporter100k } from './reporter100k.ts';
import { round } from './stats.ts';
import { renderTable } from './table.ts';

const options = benchOptions();
const { only, want, levels, footprintMode, capacityLevels, capacityModes, cpuLevel, multiLevel, flowsPerWorker, calls, keep } = options;

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
  return !options.noReuse && mode === footprintMode && suite ? { level: top, suite } : undefined;
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
const figures = benchFigures({ footprints, overhead, cpu, capacities, capacityErrors, c256Result, reporter, noProc }, options);

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
