// Summarise the .cpuprofile files of one profiled run (bench/cpu-prof-preload.cjs writes them, named
// <role>-<pid>.cpuprofile): per role, the median over its processes of each group's self and inclusive CPU ms,
// before the flow first runs (a worker's start) and from then on. The command is in docs/performance.md,
// "Where the runner's CPU goes":
//   node --import tsx bench/cpu-profile.ts <dir> [--marker=flow/escrow-flow.ts] [--top=15] [--json]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarise, type CpuProfile, type ProfileSummary } from './cpu-profile-groups.ts';
import { median } from './stats.ts';

interface Row {
  group: string;
  beforeSelf: number;
  beforeIncl: number;
  afterSelf: number;
  afterIncl: number;
}

/** Per group, the median over processes (a process without the group counts 0). */
export function medianRows(summaries: readonly ProfileSummary[]): Row[] {
  const groups = new Set(summaries.flatMap((s) => [...s.before.groups, ...s.after.groups].map((g) => g.group)));
  const pick = (s: ProfileSummary, phase: 'before' | 'after', group: string) =>
    s[phase].groups.find((g) => g.group === group) ?? { selfMs: 0, inclusiveMs: 0 };
  const med = (f: (s: ProfileSummary) => number) => median(summaries.map(f)) ?? 0;
  return [...groups]
    .map((group) => ({
      group,
      beforeSelf: med((s) => pick(s, 'before', group).selfMs),
      beforeIncl: med((s) => pick(s, 'before', group).inclusiveMs),
      afterSelf: med((s) => pick(s, 'after', group).selfMs),
      afterIncl: med((s) => pick(s, 'after', group).inclusiveMs),
    }))
    .sort((a, b) => b.beforeSelf + b.afterSelf - (a.beforeSelf + a.afterSelf));
}

function table(role: string, summaries: ProfileSummary[], top: number): string {
  const ms = (n: number) => n.toFixed(0);
  const med = (f: (s: ProfileSummary) => number) => ms(median(summaries.map(f)) ?? 0);
  const head = [
    `### ${role}: ${summaries.length} process(es), medians`,
    '',
    `CPU ms before the marker ${med((s) => s.before.cpuMs)}, from it ${med((s) => s.after.cpuMs)}; ` +
      `marker at ${med((s) => s.markerAtMs ?? s.wallMs)} ms of ${med((s) => s.wallMs)} ms wall; ` +
      `samples scaled to CPU by ${median(summaries.map((s) => s.cpuScale))!.toFixed(2)}`,
    '',
    '| group | before: self | before: inclusive | after: self | after: inclusive |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  const rows = medianRows(summaries)
    .slice(0, top)
    .map((r) => `| ${r.group} | ${ms(r.beforeSelf)} | ${ms(r.beforeIncl)} | ${ms(r.afterSelf)} | ${ms(r.afterIncl)} |`);
  return [...head, ...rows, ''].join('\n');
}

function main(argv: string[]): void {
  const dir = argv.find((a) => !a.startsWith('--'));
  if (!dir) throw new Error('bench/cpu-profile.ts: give the folder of .cpuprofile files (CPU_PROF_DIR of the run)');
  const opt = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const marker = new RegExp(opt('marker') ?? 'flow/escrow-flow\\.ts');
  const top = Number(opt('top') ?? 15);
  const byRole = new Map<string, ProfileSummary[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const role = file.slice(0, file.indexOf('-'));
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    byRole.set(role, [...(byRole.get(role) ?? []), summarise(profile, process.cwd(), marker)]);
  }
  if (byRole.size === 0) throw new Error(`bench/cpu-profile.ts: no .cpuprofile file in ${dir}`);
  if (argv.includes('--json')) {
    const out = Object.fromEntries([...byRole].map(([role, s]) => [role, { processes: s.length, rows: medianRows(s) }]));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  for (const [role, summaries] of [...byRole].sort()) process.stdout.write(`${table(role, summaries, top)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
