// Probes apart (issue 12, item 2): a call a correctness probe made is in no operation's latency (ops table, charts,
// bottlenecks, latency findings); each probe's wall time (probeTimingsMs) is shown on its own; hand-computed cases.
import { expect, test } from '@playwright/test';
import type { CallSample, WorkerResult } from '../../contract/worker-result.ts';
import { bottlenecks } from '../../reporter/bottlenecks.ts';
import { chartSpecs } from '../../reporter/charts.ts';
import { keyFindings } from '../../reporter/findings.ts';
import { renderMarkdown } from '../../reporter/render-markdown.ts';
import { summarize, summarizeStage, type RunMeta } from '../../reporter/summarize.ts';
import { baseWorkerResult } from '../../reporter/synthetic.ts';

const T0 = 1_780_000_000_000;
const meta: RunMeta = {
  runId: 'run-probes',
  mode: 'fixture',
  target: 'http://127.0.0.1:4000',
  versions: {},
  gitSha: null,
  levels: [2],
  generatedAt: '2026-06-06T12:00:00.000Z',
};
const call = (op: string, durationMs: number, extra: Partial<CallSample> = {}): CallSample => ({
  op,
  status: 200,
  outcome: 'ok',
  startedAt: T0,
  durationMs,
  timedOut: false,
  ...extra,
});
const flow = (n: number, extra: Partial<WorkerResult>): WorkerResult =>
  baseWorkerResult({ stage: 2, workerId: `C2-W0${n}`, paymentId: `p-${n}`, mode: 'fixture', ...extra });

/**
 * Flow 1: the winning accept (100 ms) and the losing racing accept (900 ms, acceptRaceProbe) with its read-back; the
 * intent (600 ms) and the underpayment probe's half deposit, slow (5 s) and answered 503. Flow 2: one accept (140 ms).
 */
const flows = [
  flow(1, {
    calls: [
      call('login', 200),
      call('acceptOffer', 100),
      call('acceptOffer', 900, { status: 409, outcome: 'fail', probe: 'acceptRaceProbe' }),
      call('getRequest', 50, { probe: 'acceptRaceProbe' }),
      call('createPaymentIntent', 600),
      call('fixtureDeposit', 5_000, { status: 503, outcome: 'fail', probe: 'underpaymentProbe' }),
    ],
    probeTimingsMs: { acceptRaceProbe: 950, underpaymentProbe: 5_100 },
  }),
  flow(2, {
    calls: [call('login', 220), call('acceptOffer', 140)],
    probeTimingsMs: { acceptRaceProbe: 1_200 },
  }),
];

test("probe calls stay out of the operations' samples; probes get their own timings and call counts", () => {
  const stage = summarizeStage(2, flows, null, 0);
  // acceptOffer: the two winning accepts only, [100, 140]; no getRequest or fixtureDeposit op at all.
  expect(Object.keys(stage.ops)).toEqual(['acceptOffer', 'createPaymentIntent', 'login']);
  expect(stage.ops.acceptOffer).toMatchObject({ n: 2, p50: 100, p95: 140, max: 140 });
  expect(stage.p95.paymentIntentMs).toBe(600);
  // acceptRaceProbe over the flows that ran it: [950, 1200], p50 rank 1, p95 rank 2; underpaymentProbe once.
  expect(stage.probeTimings).toEqual({
    acceptRaceProbe: { n: 2, p50: 950, p95: 1_200, p99: 1_200, max: 1_200, censored: 0, lowN: true },
    underpaymentProbe: { n: 1, p50: 5_100, p95: 5_100, p99: 5_100, max: 5_100, censored: 0, lowN: true },
  });
  expect(stage.probeCalls).toEqual({ acceptRaceProbe: 2, underpaymentProbe: 1 });
  // A 5xx is the target failing whoever asked: 1 of the 8 answered calls.
  expect(stage.fiveXXRate).toBe(1 / 8);
});

test('latency findings, bottlenecks and charts see no probe call', () => {
  const report = summarize(flows, meta);
  const titles = keyFindings(report.stages, []).map((f) => f.title);
  // The 5 s probe deposit and the 900 ms losing accept would miss no goal of theirs: they are not operations.
  expect(titles.filter((t) => /p(50|95|99) not under/.test(t))).toEqual([]);
  // Closest to its goal: login 220 / 1000 ms = 22% (create payment intent 600 / 3000 = 20%, acceptOffer 140 / 2000 = 7%);
  // with the losing accept counted, acceptOffer would be 900 / 2000 = 45%.
  expect(bottlenecks(report).api).toBe(
    'no evidence of a bottleneck: under the p95 goal in every stage; closest is login p95 220 ms at C2 (22% of 1 s); highest 5xx rate 12.5% (C2)',
  );
  const timeline = chartSpecs(report, flows).find((c) => c.file === 'latency-over-time-C2.svg')!;
  const values = (timeline.spec as unknown as { data: { values: { op: string; ms: number }[] } }).data.values;
  expect(values.map((v) => `${v.op} ${v.ms}`)).toEqual([
    'login 200',
    'acceptOffer 100',
    'createPaymentIntent 600',
    'login 220',
    'acceptOffer 140',
  ]);
  const latency = chartSpecs(report, flows).find((c) => c.file === 'latency-by-operation.svg')!;
  const panels = (latency.spec as unknown as { data: { values: { panel: string }[] } }).data.values.map((v) => v.panel);
  expect(panels).not.toContain('fixtureDeposit');
});

test('report.md shows the probes apart, per stage: n, p50, p95 and calls', () => {
  const md = renderMarkdown(summarize(flows, meta));
  expect(md).toContain('### Probes');
  expect(md).toContain('| Stage | Probe | n | p50 | p95 | Calls |');
  expect(md).toContain('| C2 | acceptRaceProbe | 2 † | 950 ms | 1.2 s | 2 |');
  expect(md).toContain('| C2 | underpaymentProbe | 1 † | 5.1 s | 5.1 s | 1 |');
  expect(md).toContain('| C2 | acceptOffer (accept offer) | 2 † | 100 ms | 140 ms | 140 ms | 140 ms |');
  expect(md).not.toMatch(/\| C2 \| fixtureDeposit/);
  // The Probes table sits in Stage Results, after the operation table.
  expect(md.indexOf('### Probes')).toBeGreaterThan(md.indexOf('### Operation latency'));
  expect(md.indexOf('### Probes')).toBeLessThan(md.indexOf('## Notification Results'));
});

test('results without probe timings or probe calls (written before them) give no Probes table', () => {
  const md = renderMarkdown(summarize([flow(1, { calls: [call('login', 200)] })], meta));
  expect(md).not.toContain('### Probes');
});
