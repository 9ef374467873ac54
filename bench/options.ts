// npm run bench's options: each as --<name> on the command line or BENCH_<NAME> in
// the environment (BENCH_ONLY=overhead), checked before any part runs.
import { parseArgs } from 'node:util';

export const PARTS = ['footprint', 'cpu', 'overhead', 'capacity', 'c256', 'reporter'] as const;
export type Part = (typeof PARTS)[number];

export interface BenchOptions {
  /** The parts to run (--only), every part by default. */
  only: string[];
  want: (part: Part) => boolean;
  levels: number[];
  footprintMode: string;
  capacityLevels: number[];
  capacityModes: string[];
  cpuLevel: number;
  multiLevel: number;
  flowsPerWorker: number;
  calls: number;
  keep: boolean;
  /** --no-reuse: run the capacity ramp's top stage even where a footprint run of it exists. */
  noReuse: boolean;
}

/** Parses the bench's options; a bad value throws naming the option. */
export function benchOptions(args?: string[]): BenchOptions {
  const { values: argv } = parseArgs({
    args,
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
  return {
    only,
    want: (part: Part) => only.includes(part),
    levels: ints(opt('levels'), '8,32,64', '--levels'),
    footprintMode: opt('footprint-mode') ?? 'live',
    capacityLevels: ints(opt('capacity-levels'), '1,2,4,8,16,32', '--capacity-levels'),
    capacityModes: list(opt('capacity-modes'), 'status,live'),
    cpuLevel: ints(opt('cpu-level'), '32', '--cpu-level')[0]!,
    multiLevel: ints(opt('multi-level'), '256', '--multi-level')[0]!,
    flowsPerWorker: ints(opt('flows-per-worker'), '16', '--flows-per-worker')[0]!,
    calls: ints(opt('calls'), '1000', '--calls')[0]!,
    keep: argv.keep === true || process.env.BENCH_KEEP === '1',
    noReuse: argv['no-reuse'] === true,
  };
}
