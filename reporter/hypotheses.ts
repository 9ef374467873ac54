// The procedure's five hypotheses (docs/procedure.md, "Hypotheses to validate"), judged on one run's data: a verdict,
// the evidence figures, and the run that would settle it. Pure: Report-level data in, rows out. A verdict needs
// HYPOTHESIS_EVIDENCE's stages and samples; with fewer it is "not enough evidence", and a figure the run could not
// measure says "not measured (why)" — never a guess. The figures and the thresholds are hypotheses-figures.ts's.
import { LATENCY_GOALS, stageName } from '../config/stages.ts';
import { formatMs, plural } from './format.ts';
import { NOTIFICATION_OPS } from './summarize-calls.ts';
import {
  growth,
  HYPOTHESIS_EVIDENCE,
  type HypothesisInput,
  numbers,
  pairedWith,
  rValue,
  span,
  times,
  tooFew,
  latencyPoints,
  MIN_SAMPLES,
  pearson,
  postgresPoints,
  roundsFor,
  sampledPoints,
  showPoints,
  usable,
  type Point,
} from './hypotheses-figures.ts';
import type { Hypothesis } from './hypotheses-schema.ts';

const E = HYPOTHESIS_EVIDENCE;

type Verdict = Pick<Hypothesis, 'verdict' | 'reason'>;
const NEE = (reason: string): Verdict => ({ verdict: 'not enough evidence', reason });
const levelsUpTo = (top: number) => [1, 2, 4, 8, 16, 32, 64].filter((l) => l <= top).join(',');
const rounds = (input: HypothesisInput, op: string) => roundsFor(input.report.stages, op) ?? MIN_SAMPLES;

function dbWrites(input: HypothesisInput): Hypothesis {
  const { stages, infrastructure } = input.report;
  const ops = ['createRequest', 'createOffer'].map((op) => ({ op, points: latencyPoints(stages, op) }));
  const pg = (figure: 'cpu' | 'lockWaits') =>
    postgresPoints(stages, infrastructure.rows, input.sampled, figure, infrastructure.unavailableReason);
  const [cpu, locks] = [pg('cpu'), pg('lockWaits')];
  const inserts = sampledPoints(input, (s) => s.notifications.inserts, 'notificationInserts');
  // The op with the most stages of enough samples, then the most samples.
  const samples = (points: readonly Point[]) => points.reduce((n, p) => n + (p.n ?? 0), 0);
  const best = [...ops].sort((a, b) => usable(b.points).length - usable(a.points).length || samples(b.points) - samples(a.points))[0]!;
  const series = usable(best.points);
  const rWith = (db: readonly Point[]) => {
    const paired = pairedWith(series, db);
    return paired
      ? pearson(
          series.map((p) => p.value),
          paired,
        )
      : null;
  };
  const [rCpu, rLocks] = [rWith(cpu), rWith(locks)];
  const evidence = [
    ...ops.map((o) => showPoints(`${o.op} p95`, o.points, 'ms')),
    showPoints('Postgres CPU avg', cpu, '%'),
    showPoints('Postgres lock waits max', locks),
    showPoints('notification inserts (writes)', inserts),
    `r(${best.op} p95, Postgres CPU) ${rValue(rCpu)}; r(${best.op} p95, lock waits) ${rValue(rLocks)} over ${series.length} stage(s)`,
  ];
  const judge = (): Verdict => {
    if (series.length < E.minStagesForCorrelation) return NEE(tooFew(best.op, series, E.minStagesForCorrelation, best.points));
    if (rCpu === null && rLocks === null) return NEE('no Postgres figure varies with the stages measured, so no correlation');
    const g = growth(series)!;
    const r = Math.max(rCpu ?? -1, rLocks ?? -1);
    if (g >= E.flat && r >= E.strong)
      return { verdict: 'supported', reason: `${best.op} p95 ${times(g)} ${span(series)}, following Postgres (r ${rValue(r)})` };
    if (g >= E.degraded && r < E.weak)
      return {
        verdict: 'not supported',
        reason: `${best.op} p95 ${times(g)} ${span(series)} while Postgres did not follow (r ${rValue(r)})`,
      };
    return NEE(
      g < E.flat
        ? `${best.op} p95 stayed flat (${times(g)}): no slowdown to attribute`
        : `r ${rValue(r)} is between ${E.weak} and ${E.strong}`,
    );
  };
  return {
    id: 'db-writes',
    hypothesis: 'Creating requests and offers scales with how fast the databases absorb writes',
    ...judge(),
    evidence,
    settle: `CONCURRENCY_LEVELS=${levelsUpTo(16)} ROUNDS=${rounds(input, best.op)} PAYMENT_MODE=fixture with Postgres sampled (PG_URL): ${E.minStagesForCorrelation} or more stages with ${MIN_SAMPLES}+ ${best.op} samples each, up to where its p95 grows`,
  };
}

const API_OPS = Object.keys(LATENCY_GOALS).filter((op) => !NOTIFICATION_OPS.includes(op) && op !== 'scannerCheck');

function notificationsFirst(input: HypothesisInput): Hypothesis {
  const { stages } = input.report;
  const notif = latencyPoints(stages, 'notification');
  const series = usable(notif);
  const api = API_OPS.map((op) => ({ op, points: latencyPoints(stages, op) })).filter((o) => o.points.length > 0);
  const grown = api.flatMap((o) => {
    const u = usable(o.points);
    return u.length >= E.minStages ? [{ op: o.op, g: growth(u)! }] : [];
  });
  const median = grown.length ? [...grown].sort((a, b) => a.g - b.g)[Math.floor((grown.length - 1) / 2)]!.g : null;
  const worst = [...grown].sort((a, b) => b.g - a.g)[0];
  const firstOver = (op: string) =>
    stages.find((s) => s.ops[op] && s.ops[op].n >= MIN_SAMPLES && s.ops[op].p95 > LATENCY_GOALS[op]!.p95)?.stage ?? null;
  const notifOver = firstOver('notification');
  const apiOver = api.map((o) => firstOver(o.op)).reduce<number | null>((m, s) => (s === null ? m : m === null ? s : Math.min(m, s)), null);
  const notifGrowth = series.length >= E.minStages ? growth(series) : null;
  const evidence = [
    showPoints('notification p95', notif, 'ms'),
    ...api.map((o) => showPoints(`${o.op} p95`, o.points, 'ms')),
    `growth first → last stage (${E.minStages}+ stages of ${MIN_SAMPLES}+ samples): notification ${notifGrowth === null ? 'not computed' : times(notifGrowth)}; API median ${median === null ? 'not computed' : times(median)}${worst ? `, highest ${worst.op} ${times(worst.g)}` : ''}`,
    `first stage over its p95 goal: notification ${notifOver ? stageName(notifOver) : 'none'}; API ${apiOver ? stageName(apiOver) : 'none'}`,
  ];
  const judge = (): Verdict => {
    if (notifGrowth === null) return NEE(tooFew('notification visibility', series, E.minStages, notif));
    if (median === null) return NEE(`no API operation has ${MIN_SAMPLES} or more samples in ${E.minStages} stages`);
    if (notifOver !== null && (apiOver === null || notifOver < apiOver))
      return { verdict: 'supported', reason: `notification p95 went over its goal at ${stageName(notifOver)}, before any API operation` };
    if (apiOver !== null && (notifOver === null || apiOver < notifOver))
      return { verdict: 'not supported', reason: `an API operation went over its goal at ${stageName(apiOver)}, before notifications` };
    if (notifGrowth >= E.degraded && notifGrowth >= E.degraded * median)
      return { verdict: 'supported', reason: `notification p95 ${times(notifGrowth)} against the API's ${times(median)} (median)` };
    if (median >= E.degraded)
      return { verdict: 'not supported', reason: `API p95 ${times(median)} (median) against notification ${times(notifGrowth)}` };
    return NEE(`neither degraded: notification ${times(notifGrowth)}, API ${times(median)} (under ${times(E.degraded)})`);
  };
  return {
    id: 'notifications-first',
    hypothesis: 'Notification latency degrades before plain API latency',
    ...judge(),
    evidence,
    settle: `CONCURRENCY_LEVELS=${levelsUpTo(32)} ROUNDS=${rounds(input, 'createRequest')} PAYMENT_MODE=status: ${MIN_SAMPLES}+ samples of every operation per stage, up to the stage where one of them grows ${times(E.degraded)} or crosses its goal`,
  };
}

function scannerRpc(input: HypothesisInput): Hypothesis {
  const { stages, mode } = input.report;
  const checks = latencyPoints(stages, 'scannerCheck');
  const series = usable(checks);
  const rpc = sampledPoints(input, (s) => s.rpc.p95Ms, 'rpcP95');
  const paired = pairedWith(series, rpc);
  const shares = paired && series.length > 0 ? series.map((p, i) => paired[i]! / p.value) : null;
  const r =
    paired && series.length >= E.minStagesForCorrelation
      ? pearson(
          series.map((p) => p.value),
          paired,
        )
      : null;
  const evidence = [
    `payment mode: ${mode ?? 'not reported'}`,
    showPoints('scanner check p95', checks, 'ms'),
    showPoints('scanner confirmation p95', latencyPoints(stages, 'scannerConfirm', 'steps'), 'ms'),
    showPoints('RPC latency p95 (sampler, eth_blockNumber)', rpc, 'ms'),
    showPoints(
      'RPC error rate',
      sampledPoints(input, (s) => (typeof s.rpc.errorRate === 'number' ? s.rpc.errorRate * 100 : s.rpc.errorRate), 'rpcErrorRate'),
      '%',
    ),
    `RPC p95 / scanner check p95: ${shares ? shares.map((s) => `${Math.round(s * 100)}%`).join(' → ') : 'not computable'}; r ${rValue(r)}`,
  ];
  const judge = (): Verdict => {
    if (mode !== 'live')
      return NEE(`payment mode ${mode ?? 'unknown'}: no chain transfer for the scanner to wait on; the hypothesis is about live mode`);
    if (series.length < E.minStages) return NEE(tooFew('scanner check', series, E.minStages, checks));
    if (!paired || !shares) return NEE('RPC latency was not measured in every stage with scanner checks');
    if ((r !== null && r >= E.strong) || Math.min(...shares) >= 0.5)
      return {
        verdict: 'supported',
        reason: `scanner checks follow the RPC (r ${rValue(r)}, RPC at least ${Math.round(Math.min(...shares) * 100)}% of a check)`,
      };
    const rpcGrowth = growth(series.map((p, i) => ({ value: paired[i]! })));
    if (Math.max(...shares) < 0.1 || (growth(series)! >= E.degraded && rpcGrowth !== null && rpcGrowth < E.flat))
      return {
        verdict: 'not supported',
        reason: `the RPC is at most ${Math.round(Math.max(...shares) * 100)}% of a check, or flat while checks grew`,
      };
    return NEE(`r ${rValue(r)}; RPC ${Math.round(Math.min(...shares) * 100)}–${Math.round(Math.max(...shares) * 100)}% of a check`);
  };
  return {
    id: 'scanner-rpc',
    hypothesis: 'In live mode the scanner checks are paced by the RPC',
    ...judge(),
    evidence,
    settle: `PAYMENT_MODE=live CONCURRENCY_LEVELS=1,2,4,8 ROUNDS=${rounds(input, 'scannerCheck')} with the sampler's RPC source (RPC_URL): scanner checks in ${E.minStagesForCorrelation} stages with ${MIN_SAMPLES}+ each; report it apart from API-only runs`,
  };
}

function paymentIntentSerial(input: HypothesisInput): Hypothesis {
  const { stages } = input.report;
  const intents = latencyPoints(stages, 'createPaymentIntent');
  const series = usable(intents);
  const timed = stages.flatMap((s) => (input.serverTiming[s.stage] ? [{ stage: s.stage, ...input.serverTiming[s.stage]! }] : []));
  const calls = timed.reduce((n, t) => n + t.calls, 0);
  const ratio = calls ? timed.reduce((a, t) => a + t.sumMs * t.calls, 0) / timed.reduce((a, t) => a + t.totalMs * t.calls, 0) : null;
  const breakdown = (t: (typeof timed)[number]) =>
    `${stageName(t.stage)} (${plural(t.calls, 'call')}): ${Object.entries(t.steps)
      .map(([name, ms]) => `${name} ${formatMs(ms)}`)
      .join(' + ')} = ${formatMs(t.sumMs)} of ${formatMs(t.totalMs)} (${Math.round((t.sumMs / t.totalMs) * 100)}%)`;
  const [first, last] = [timed[0], timed.at(-1)];
  const grewMost =
    first && last && first !== last
      ? Object.keys(last.steps)
          .map((name) => ({ name, by: last.steps[name]! - (first.steps[name] ?? 0) }))
          .sort((a, b) => b.by - a.by)[0]
      : undefined;
  const evidence = [
    showPoints('create payment intent p95', intents, 'ms'),
    timed.length
      ? `Server-Timing means, ${timed.map(breakdown).join('; ')}`
      : 'Server-Timing: not measured (the target sent no Server-Timing header on payment intents)',
    ...(grewMost
      ? [
          `sub-step that grew most ${stageName(first!.stage)} → ${stageName(last!.stage)}: ${grewMost.by > 0 ? `${grewMost.name} (+${formatMs(grewMost.by)})` : 'none grew'}`,
        ]
      : []),
  ];
  const serial = ratio !== null && ratio <= 1 + E.overlap;
  const judge = (): Verdict => {
    if (ratio === null) return NEE('serial or parallel sub-steps not measured: no Server-Timing on payment intents');
    if (calls < MIN_SAMPLES)
      return NEE(`${calls} payment intents carried Server-Timing; ${MIN_SAMPLES} are needed to tell serial from parallel`);
    const shape = `${serial ? 'serial' : 'parallel'}: sub-steps add up to ${Math.round(ratio * 100)}% of the total`;
    if (!serial) return { verdict: 'not supported', reason: `the sub-steps already overlap (${shape})` };
    if (series.length < E.minStages) return NEE(`${shape}, but ${tooFew('create payment intent', series, E.minStages, intents)}`);
    const g = growth(series)!;
    if (g >= E.degraded) return { verdict: 'supported', reason: `${shape}, and p95 ${times(g)} ${span(series)}` };
    if (g < E.flat) return { verdict: 'not supported', reason: `${shape}, yet p95 stayed flat (${times(g)}) ${span(series)}` };
    return NEE(`${shape}; p95 ${times(g)} is between flat and degraded`);
  };
  return {
    id: 'payment-intent-serial',
    hypothesis: 'Creating a payment intent slows down when its sub-steps run one after another',
    ...judge(),
    evidence,
    settle: `CONCURRENCY_LEVELS=${levelsUpTo(16)} ROUNDS=${rounds(input, 'createPaymentIntent')} PAYMENT_MODE=fixture against a target that sends Server-Timing: ${MIN_SAMPLES}+ intents per stage in ${E.minStages} or more stages`,
  };
}

function socketFanOut(input: HypothesisInput): Hypothesis {
  const { stages } = input.report;
  const devices = Math.max(0, ...stages.map((s) => s.notifications.devicesPerRecipient ?? 0)) || null;
  const top = stages.at(-1)?.stage ?? null;
  const notif = latencyPoints(stages, 'notification');
  const series = usable(notif);
  const clients = sampledPoints(input, (s) => s.sockets.clientsMax, 'socketClients');
  const emitted = sampledPoints(input, (s) => s.sockets.eventsEmitted, 'socketEvents');
  const perEvent = stages.map((s, i) => {
    const events = emitted[i]!.value;
    if (typeof events !== 'number') return { stage: s.stage, value: events };
    return { stage: s.stage, value: events > 0 ? s.notifications.observed / events : { na: 'no event emitted' } };
  });
  const evidence = [
    `DEVICES_PER_USER: ${devices ?? 'not measured (the results carry no device per notification)'}; highest stage ${top ? stageName(top) : '—'}`,
    showPoints('Socket.IO clients max', clients),
    showPoints(
      'Socket.IO clients per flow at once',
      numbers(clients).map((p) => ({ stage: p.stage, value: p.value / p.stage })),
    ),
    showPoints('events emitted', emitted),
    showPoints('notification copies delivered per event emitted', perEvent),
    showPoints('notification p95', notif, 'ms'),
  ];
  const judge = (): Verdict => {
    if (top === null || top < E.fanOutStage)
      return NEE(`the hypothesis is about ${stageName(E.fanOutStage)} and up; the highest stage here is ${top ? stageName(top) : 'none'}`);
    if (devices === null || devices < 2) return NEE(`DEVICES_PER_USER ${devices ?? 'unknown'}: no device multiplies the fan-out`);
    const reached = series.filter((p) => p.stage >= E.fanOutStage);
    if (series.length < E.minStages || reached.length === 0)
      return NEE(tooFew(`notification visibility (up to ${stageName(E.fanOutStage)}+)`, series, E.minStages, notif));
    const g = growth(series)!;
    if (g >= E.degraded)
      return { verdict: 'supported', reason: `with ${devices} devices per user, notification p95 ${times(g)} ${span(series)}` };
    if (g < E.flat)
      return {
        verdict: 'not supported',
        reason: `with ${devices} devices per user, notification p95 stayed flat (${times(g)}) ${span(series)}`,
      };
    return NEE(`notification p95 ${times(g)} is between flat and degraded`);
  };
  return {
    id: 'socket-fan-out',
    hypothesis: 'From C16 up, several devices per user multiply socket fan-out and its cost',
    ...judge(),
    evidence,
    settle: `CONCURRENCY_LEVELS=${levelsUpTo(32)} DEVICES_PER_USER=3 ROUNDS=${rounds(input, 'notification')} with the target's /metrics sampled, compared (npm run compare) with the same run at DEVICES_PER_USER=1`,
  };
}

/** The five hypotheses, in the procedure's order. */
export function judgeHypotheses(input: HypothesisInput): Hypothesis[] {
  return [dbWrites, notificationsFirst, scannerRpc, paymentIntentSerial, socketFanOut].map((judge) => judge(input));
}
