// Stages judged by the reporter (no gate project ran: `--project=C8` alone, a failed stage whose gate Playwright
// skipped, shards merged by `npm run merge`): every flow expected is counted, and what only a gate observes is
// said not evaluated - a restart count nobody read is never a pass.
import { expect, test } from '@playwright/test';
import type { InfraRow } from '../../contract/infra-row.ts';
import { reporterGates } from '../../reporter/gates.ts';
import { stageFlow } from './support/results.ts';

const row = (restarts: InfraRow['restarts']): InfraRow => ({
  stage: 2,
  backend: 'x',
  scanner: 'x',
  mongo: 'x',
  postgres: 'x',
  redis: 'x',
  restarts,
});
const flows = [1, 2].map((n) => stageFlow(2, n, { paymentId: `p-${n}`, destination: `0x${String(n).repeat(40)}` }));

test('restarts nobody counted are not evaluated, with the reason; counted ones are judged', () => {
  const unread = reporterGates(flows, 'status', [row('not measured (the target offers no health endpoint)')])[2]!;
  expect(unread.notEvaluated).toContainEqual('component restarts: not measured (the target offers no health endpoint)');
  const none = reporterGates(flows, 'status', [])[2]!;
  expect(none.notEvaluated).toContainEqual('component restarts: not measured (no Infrastructure row for the stage)');
  const restarted = reporterGates(flows, 'status', [row('1 (backend 1)')])[2]!;
  expect(restarted.passed).toBe(false);
  expect(restarted.reasons).toContainEqual('component restarts during C2: components 1');
  const zero = reporterGates(flows, 'status', [row(0)])[2]!;
  expect(zero.notEvaluated?.some((l) => l.startsWith('component restarts'))).toBe(false);
});

test('the cooldown is not evaluated without a gate project, and missing flows fail the stage', () => {
  const gate = reporterGates(flows, 'status', [row(0)], { expectedFlows: { 2: 2 } })[2]!;
  expect(gate.notEvaluated).toContainEqual(
    expect.stringMatching(/^backlog drained after cooldown: not measured \(no gate project observed the cooldown after C2/),
  );
  expect(gate.notEvaluated).toContainEqual(expect.stringMatching(/^host CPU and memory after cooldown: not measured/));
  expect(gate).toMatchObject({ passed: true, flows: 2 });
  const short = reporterGates(flows, 'status', [row(0)], { expectedFlows: { 2: 4 } })[2]!;
  expect(short.passed).toBe(false);
  expect(short.reasons).toContainEqual('only 2 of 4 flows of C2 have a result to judge: every flow of every round must be judged');
});
