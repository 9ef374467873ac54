// The reporter's aggregation of 100,000 synthetic worker results
// (reporter/synthetic.ts), in a child process of its own so its peak RSS
// (VmHWM, the kernel's high-water mark) is the aggregation's and not the bench's.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { aggregate100k } from '../reporter/synthetic.ts';

export interface Reporter100k {
  seconds: number;
  /** Peak RSS of the whole child: Node, the modules, the 100k synthetic results and the summary. */
  peakMb: number;
  flows: number;
  stages: number;
}

export function reporter100k(): Reporter100k {
  const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    encoding: 'utf8',
    env: { ...process.env, BENCH_REPORTER_CHILD: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Reporter100k;
}

if (process.env.BENCH_REPORTER_CHILD === '1' && process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = aggregate100k();
  const hwmKb = Number(/VmHWM:\s+([0-9]+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
  const figures: Reporter100k = {
    seconds: Number((result.summarizeMs / 1000).toFixed(3)),
    peakMb: Math.round(hwmKb / 1024),
    flows: result.flows,
    stages: result.report.stages.length,
  };
  console.log(JSON.stringify(figures));
}
