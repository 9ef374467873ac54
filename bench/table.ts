// The bench's printed output: the figures beside their goals, then the
// measurements each figure comes from.
import type { Capacity } from './capacity.ts';
import type { C256 } from './c256.ts';
import type { CpuShares } from './cpu-share.ts';
import type { Footprint } from './footprint.ts';
import type { Overhead } from './overhead.ts';

export interface Figure {
  value: number | null;
  goal: string;
  /** Whether the goal holds; absent when there is no goal or no value. */
  ok?: boolean;
  /** How the value was taken. */
  note?: string;
  /** Why the value is null. */
  reason?: string;
}

export interface TableInput {
  machine: {
    cores: number;
    memoryGb: number | null;
    memory: string;
    node: string;
    cpuModel: string;
    loadAverageAtStart: (number | null)[];
  };
  figures: Record<string, Figure>;
  footprints: { level: number; bare: Footprint | string; suite: Footprint | string; ratio: number | null }[];
  overhead: Overhead | string;
  cpu: CpuShares | string;
  capacities: Capacity[];
  c256: C256 | string;
  partSeconds: Record<string, number>;
  totalS: number | null;
  footprintMode: string;
}

/** A plain text table: columns padded to their widest cell. */
function table(head: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [head, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

export function renderTable(input: TableInput): string {
  const { machine, figures } = input;
  const out: string[] = [];
  out.push(
    `escrow-ramp bench: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGb} GB, node ${machine.node}, ` +
      `load average at start ${machine.loadAverageAtStart.join(' ')}`,
    '',
    table(
      ['figure', 'value', 'goal', 'met', 'how / why null'],
      Object.entries(figures).map(([k, f]) => [
        k,
        f.value ?? 'null',
        f.goal,
        f.ok === undefined ? '' : f.ok ? 'yes' : 'NO',
        f.value === null ? (f.reason ?? '') : (f.note ?? ''),
      ]),
    ),
  );

  if (input.footprints.length) {
    const row = (level: number, fp: Footprint | string, ratio: number | null) =>
      typeof fp === 'string'
        ? [`C${level}`, fp]
        : [
            `C${level}`,
            fp.kind,
            fp.workers,
            fp.workerPeakRssMedianMb,
            fp.workerPeakRssMaxMb,
            fp.workerRssAtReleaseMedianMb,
            fp.workersRssSumPeakMb,
            fp.runnerRssPeakMb,
            fp.spawnToFirstWorkerS,
            fp.firstWorkerToReleaseS,
            fp.spawnToReleaseS,
            `${fp.workerCpuToReleaseMedianS} / ${fp.workerCpuAfterReleaseMedianS}`,
            fp.kind === 'suite' ? `${fp.flowsPassed}/${fp.level}` : '',
            fp.kind === 'suite' ? ratio : '',
          ];
    out.push(
      '',
      `Runner footprint (suite in ${input.footprintMode} mode; RSS in MB, times in s; ratio = median worker peak RSS, suite / bare)`,
      table(
        [
          'stage',
          'run',
          'workers',
          'worker peak med',
          'worker peak max',
          'at release med',
          'workers sum peak',
          'runner',
          'spawn->1st worker',
          '1st worker->release',
          'spawn->release',
          'worker CPU s to/after release',
          'flows passed',
          'ratio',
        ],
        input.footprints.flatMap((f) => [row(f.level, f.bare, null), row(f.level, f.suite, f.ratio)]),
      ),
    );
  }

  if (typeof input.overhead !== 'string') {
    const o = input.overhead;
    out.push(
      '',
      `Timing overhead (ms; ${o.calls} calls per arm after ${o.warmup} warm-up, arms alternating, one in flight; overhead = driver quantile - raw quantile)`,
      table(
        [
          'endpoint',
          'bytes',
          'raw p50/p99',
          'driver p50/p99',
          'overhead p50 [95% CI]',
          'overhead p99 [95% CI]',
          'lean overhead p50/p99',
          'pairwise diff p50/p99',
          'parse/schema/redact p50',
          'timeouts p50',
        ],
        o.endpoints.map((e) => [
          e.endpoint,
          e.responseBytes,
          `${e.raw.p50} / ${e.raw.p99}`,
          `${e.driver.p50} / ${e.driver.p99}`,
          `${e.overheadP50Ms} [${e.overheadP50Ci95?.join(', ')}]`,
          `${e.overheadP99Ms} [${e.overheadP99Ci95?.join(', ')}]`,
          `${e.leanOverheadP50Ms} / ${e.leanOverheadP99Ms}`,
          `${e.pairedDiffP50Ms} / ${e.pairedDiffP99Ms}`,
          `${e.clientWorkMs.jsonParse} / ${e.clientWorkMs.schemaCheck} / ${e.clientWorkMs.redactBody}`,
          e.timeoutsCostP50Ms,
        ]),
      ),
    );
  }

  if (typeof input.cpu !== 'string') {
    const c = input.cpu;
    out.push(
      '',
      `CPU of the stage run (CPU seconds from /proc every 250 ms; cross-check: kernel's reaped total ${c.reapedCpuS} s vs sampled ${c.sampledNotReparentedCpuS} s; ` +
        `${c.reparented.length} re-parented; watcher ${c.watcherMsPerTick} ms per tick in the bench process)`,
      table(
        ['window', 's', 'runner', 'workers', 'sampler', 'sandbox', 'sandbox by component', 'runner share', 'host busy', 'outside'],
        [c.stage, ...(c.flows ? [c.flows] : []), c.wholeRun].map((w) => [
          w.window,
          w.windowS,
          w.cpuS.runner,
          w.cpuS.worker,
          w.cpuS.sampler,
          w.cpuS.sandbox,
          Object.entries(w.sandboxCpuS)
            .map(([k, v]) => `${k} ${v}`)
            .join(', '),
          w.runnerShare,
          w.hostBusyCpuS,
          w.outsideCpuS,
        ]),
      ),
    );
  }

  for (const cap of input.capacities) {
    out.push(
      '',
      `Capacity, ${cap.mode} mode (levels ${cap.levels.join(',')}; ramp ${cap.rampLevels.join(',') || 'not run'}: exit ${cap.exitCode}, ${cap.wallS} s)`,
    );
    if (cap.reason) {
      out.push(cap.reason);
      continue;
    }
    out.push(
      table(
        [
          'stage',
          'run',
          'pass/fail',
          'passed',
          'flows/s',
          'flows/s from release',
          'wall s',
          'host CPU avg',
          'cores: workers / backend / postgres / chain / scanner / outside',
          'goals missed',
        ],
        cap.stages.map((s) => [
          `C${s.stage}`,
          s.source,
          `${s.pass}/${s.fail}`,
          s.passed ? 'yes' : 'no',
          s.flowsPerSec,
          s.flowsPerSecFromRelease,
          s.wallS,
          s.hostCpuAvg === null ? null : `${Math.round(s.hostCpuAvg * 100)}%`,
          ['runner.workers', 'sandbox.backend', 'sandbox.postgres', 'sandbox.chain', 'sandbox.scanner', 'outside']
            .map((k) => s.coresUsed[k] ?? '-')
            .join(' / '),
          [...s.goalsMissed, ...s.gateReasons.map((r) => `gate: ${r}`)].join('; ') || 'none',
        ]),
      ),
      `goal-safe stage: ${cap.goalSafeStage === null ? 'none' : `C${cap.goalSafeStage}`} (p95 goals only: ` +
        `${cap.p95SafeStage === null ? 'none' : `C${cap.p95SafeStage}`}); ramp report's safeConcurrency: ${cap.safeConcurrency}; ` +
        `stop reason: ${cap.stopReason ?? 'none'}`,
      `bottleneck: ${cap.bottleneck}`,
    );
  }

  if (typeof input.c256 !== 'string') {
    const c = input.c256;
    out.push(
      '',
      `C${c.level}: ${c.workers} workers x ${c.flowsPerWorker} flows, ${c.flowsPassed}/${c.flowsReported} passed, runner RSS peak ${c.runnerRssPeakGb} GB, worker peak median ${c.workerPeakRssMedianMb} MB`,
    );
  }
  out.push(
    '',
    `part times (s): ${Object.entries(input.partSeconds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; total ${input.totalS}`,
    '',
  );
  return out.join('\n');
}
