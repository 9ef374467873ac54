// npm run bench - benchmarks that print figures beside their goals and write
// bench/results/<timestamp>.json. A figure not measured yet is null with the
// reason beside it, never a guess.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { aggregate100k } from '../reporter/synthetic.ts';

interface Figure {
  value: number | null;
  goal: string;
  reason?: string;
}

/** Peak RSS of this process while fn runs, sampled every 20 ms. */
async function withPeakRss<T>(fn: () => T): Promise<{ result: T; peakMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  try {
    await new Promise((r) => setTimeout(r, 25));
    const result = fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakMb: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

const notYet = (goal: string): Figure => ({
  value: null,
  goal,
  reason: 'not measured yet: the runner-footprint and capacity benchmarks are open work (issue 7)',
});

const { result, peakMb } = await withPeakRss(() => aggregate100k());
const figures: Record<string, Figure> = {
  reporter100kSeconds: { value: Number((result.summarizeMs / 1000).toFixed(3)), goal: '<= 3 s' },
  reporter100kPeakMb: { value: Math.round(peakMb), goal: '<= 1024 MB (includes generating the synthetic results)' },
  runnerRssRatio: notYet('<= 1.3x a bare Playwright worker'),
  timingOverheadP50Ms: notYet('<= 0.5 ms'),
  timingOverheadP99Ms: notYet('<= 2 ms'),
  runnerCpuShareC32: notYet('<= 25%'),
  sandboxSafeStage: notYet('>= 32'),
  flowsPerSecC32: notYet('measured'),
  c256RunnerRssGb: notYet('<= 6 GB'),
};

const machine = { cores: cpus().length, memoryGb: Number((totalmem() / 2 ** 30).toFixed(1)), node: process.version };
console.log(`escrow-ramp bench on ${machine.cores} cores, ${machine.memoryGb} GB, node ${machine.node}`);
console.log(`${'figure'.padEnd(22)} ${'value'.padStart(10)}  goal`);
for (const [name, f] of Object.entries(figures)) {
  console.log(`${name.padEnd(22)} ${String(f.value ?? 'null').padStart(10)}  ${f.goal}${f.reason ? `  (${f.reason})` : ''}`);
}
console.log(`reporter: ${result.flows} worker results summarized into ${result.report.stages.length} stages`);

const flat = Object.fromEntries(
  Object.entries(figures).flatMap(([k, f]) => [[k, f.value], ...(f.reason ? [[`${k}Reason`, f.reason]] : [])]),
);
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(
  file,
  `${JSON.stringify({ ...flat, goals: Object.fromEntries(Object.entries(figures).map(([k, f]) => [k, f.goal])), machine }, null, 2)}\n`,
);
console.log(`wrote ${file}`);
