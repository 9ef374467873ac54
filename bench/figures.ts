// The bench's figures: each measurement of a run turned into one number beside
// its goal, or null with the reason it was not measured (never a guess).
import type { Capacity } from './capacity.ts';
import type { C256 } from './c256.ts';
import type { CpuShares } from './cpu-share.ts';
import type { BenchOptions, Part } from './options.ts';
import type { Overhead } from './overhead.ts';
import type { Reporter100k } from './reporter100k.ts';
import type { Figure, TableInput } from './table.ts';

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

/** What the parts of one bench run measured: a result, or the text saying why there is none. */
export interface Measurements {
  footprints: TableInput['footprints'];
  overhead: Overhead | string;
  cpu: CpuShares | string;
  capacities: Capacity[];
  capacityErrors: string[];
  c256Result: C256 | string;
  reporter: Reporter100k | string;
  /** Why process RSS and CPU cannot be read on this system, or null. */
  noProc: string | null;
}

/** The figures of a run, keyed as in bench/results/<timestamp>.json. */
export function benchFigures(m: Measurements, options: BenchOptions): Record<string, Figure> {
  const { footprints, overhead, cpu, capacities, capacityErrors, c256Result, reporter, noProc } = m;
  const { only, want, footprintMode, cpuLevel, capacityModes, capacityLevels } = options;
  const top = Math.max(...capacityLevels);
  const notSelected = (part: Part) => `not measured in this run: --only=${only.join(',')} leaves out ${part}`;
  const why = (v: unknown, part: Part) => (typeof v === 'string' ? (want(part) ? v : notSelected(part)) : undefined);
  const figures: Record<string, Figure> = {};
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
                  .map(
                    (f) => `C${f.level}: ${typeof f.suite === 'string' ? f.suite : typeof f.bare === 'string' ? f.bare : 'no worker RSS'}`,
                  )
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
  return figures;
}
