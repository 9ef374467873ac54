import { expect, test } from '@playwright/test';
import {
  fileSafe,
  gatesByStage,
  parseAttachment,
  resultKey,
  runMetaFrom,
  stageLengthFromEnv,
  stageOfProject,
  workerFileNames,
} from '../../reporter/collect.ts';
import { GateResult } from '../../reporter/schema.ts';
import { baseWorkerResult } from '../../reporter/synthetic.ts';

const GENERATED = '2026-06-06T12:00:00.000Z';

test('only projects named C<level> are stages', () => {
  expect(['C1', 'C64', 'C0', 'C08', 'unit', 'C8-gate'].map(stageOfProject)).toEqual([1, 64, null, null, null, null]);
});

test('the result key tells attempts apart by project, title path, repeat index and retry', () => {
  const keys = [
    resultKey('C2', ['', 'C2', 'flow.spec.ts', 'flow'], 0, 0),
    resultKey('C2', ['', 'C2', 'flow.spec.ts', 'flow'], 1, 0),
    resultKey('C2', ['', 'C2', 'flow.spec.ts', 'flow'], 0, 1),
    resultKey('C4', ['', 'C4', 'flow.spec.ts', 'flow'], 0, 0),
  ];
  expect(new Set(keys).size).toBe(4);
  expect(resultKey('C2', ['a', 'b'], 0, 0)).toBe(resultKey('C2', ['a', 'b'], 0, 0));
});

test('metadata wins for run id and mode; the URL the flows reached wins for target; the selected projects win for levels', () => {
  const result = baseWorkerResult({ workerId: 'C1-W01', runId: 'r7-C1-W01', mode: 'live' });
  expect(runMetaFrom({ runId: 'r9', mode: 'status', target: 'sandbox', levels: [1, 2, 4] }, [result], [1, 2], GENERATED)).toMatchObject({
    runId: 'r9',
    mode: 'status',
    target: 'http://127.0.0.1:4000',
    levels: [1, 2],
  });
  expect(runMetaFrom({}, [result], [1], GENERATED)).toMatchObject({
    runId: 'r7',
    mode: 'live',
    versions: result.target.versions,
    gitSha: 'abc1234',
  });
});

test('reads levels from metadata as an array or a comma list when no stage project ran, and ignores junk', () => {
  expect(runMetaFrom({ levels: '1, 2,4' }, [], [], GENERATED).levels).toEqual([1, 2, 4]);
  expect(runMetaFrom({ levels: ['8', 16] }, [], [], GENERATED).levels).toEqual([8, 16]);
  expect(
    runMetaFrom(
      { levels: 'one,two', mode: 'lve', runId: 42, flowsPerWorker: 'eight', stageDuration: 'soon', rounds: 'two' },
      [],
      [],
      GENERATED,
    ),
  ).toEqual({
    runId: 'run-2026-06-06T12-00-00-000Z',
    mode: null,
    target: null,
    versions: {},
    gitSha: null,
    levels: [],
    flowsPerWorker: 1,
    stageDurationMs: null,
    rounds: null,
    generatedAt: GENERATED,
  });
  expect(runMetaFrom({ flowsPerWorker: 8 }, [], [], GENERATED).flowsPerWorker).toBe(8);
});

test('the stage length: STAGE_DURATION as ms or in its own form, ROUNDS as a number or a string; metadata wins over the environment', () => {
  const meta = (metadata: Record<string, unknown>) => {
    const { stageDurationMs, rounds } = runMetaFrom(metadata, [], [], GENERATED);
    return { stageDurationMs, rounds };
  };
  expect(meta({ stageDurationMs: 20_000 })).toEqual({ stageDurationMs: 20_000, rounds: null });
  expect(meta({ stageDuration: '20s', rounds: 2 })).toEqual({ stageDurationMs: 20_000, rounds: 2 });
  expect(meta({ stageDuration: '5m', rounds: '3' })).toEqual({ stageDurationMs: 300_000, rounds: 3 });
  expect(stageLengthFromEnv({ STAGE_DURATION: '20s', ROUNDS: '2', PATH: '/bin' })).toEqual({ stageDuration: '20s', rounds: '2' });
  expect(stageLengthFromEnv({})).toEqual({});
  // The reporter reads { ...stageLengthFromEnv(), ...config.metadata }: the config's own keys win.
  expect(meta({ ...stageLengthFromEnv({ STAGE_DURATION: '20s' }), stageDuration: '1m' }).stageDurationMs).toBe(60_000);
});

test('masks credentials in the target from metadata', () => {
  expect(runMetaFrom({ target: 'https://ops:hunter22@dev.example' }, [], [], GENERATED).target).toBe('https://ops:***@dev.example');
});

test('gates of one stage combine: all must pass and every reason is kept', () => {
  expect(
    gatesByStage([
      { stage: 2, passed: true, reasons: [] },
      { stage: 2, passed: false, reasons: ['5xx 2%'] },
      { stage: 4, passed: true, reasons: ['ok'] },
    ]),
  ).toEqual({ 2: { passed: false, reasons: ['5xx 2%'] }, 4: { passed: true, reasons: ['ok'] } });
});

test('an attachment parse error names the attachment and the problem', () => {
  const parse = (text: string, contentType = 'application/json') =>
    parseAttachment(GateResult, (g) => g, 'escrow-gate-result', contentType, 'application/json', text);
  expect(parse('{"stage": 2, "passed": true, "reasons": []}')).toEqual({ ok: true, value: { stage: 2, passed: true, reasons: [] } });
  expect(parse('{}', 'text/plain')).toEqual({
    ok: false,
    message: 'escrow-gate-result has content type "text/plain", expected "application/json"',
  });
  expect(parse('{"stage": 0, "passed": true, "reasons": []}')).toEqual({
    ok: false,
    message: 'escrow-gate-result does not match its schema: ✖ Too small: expected number to be >0 → at stage',
  });
});

test('worker ids become safe, unique file names', () => {
  expect(fileSafe('../C1/W 1')).toBe('__C1_W_1');
  const results = ['C1-W01', 'C1-W01', 'C1-W02', 'C1-W01'].map((workerId) => baseWorkerResult({ workerId }));
  expect(workerFileNames(results)).toEqual(['C1-W01.json', 'C1-W01~2.json', 'C1-W02.json', 'C1-W01~3.json']);
});
