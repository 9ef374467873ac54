// An approved known gap lets a stage pass with the product gap it names, and says so; without the entry the
// same run fails. Real runs of the suite against a sandbox that never sends the buyer's delivery notice.
import { writeFileSync } from 'node:fs';
import { expect, test } from './support/fixtures.ts';
import { startSuite, stopSuite } from './support/suite.ts';

async function rampC2(gaps: unknown[], name: string) {
  const file = test.info().outputPath(`${name}-gaps.json`);
  writeFileSync(file, JSON.stringify(gaps));
  const run = startSuite(
    test.info(),
    {
      RUN_ID: `gaps-${name}-${Date.now().toString(36)}`,
      SANDBOX_FAULTS: 'missing-notification',
      PAYMENT_MODE: 'status',
      KNOWN_GAPS_FILE: file,
      CONCURRENCY_LEVELS: '1,2',
    },
    // No --reporter: it would replace the config's reporters, the profile reporter among them, and with it report.json
    // and the exit code that follows the profile.
    ['--project=C2', '--project=gate-C2'],
  );
  try {
    const { code } = await run.exited;
    return { code, report: run.report(), output: run.output() };
  } finally {
    stopSuite(run);
  }
}

test('a missing notification an approved known gap covers: C2 passes its gate and the finding names the gap; without it, C2 fails', async () => {
  test.setTimeout(300_000);
  const gap = { notification: 'delivery_submitted', reason: 'delivery notice is sent by e-mail only', owner: 'notifications' };
  const covered = await rampC2([gap], 'covered');
  expect(covered.code, covered.output.slice(-2000)).toBe(0);
  const stage = covered.report.stages.find((s) => s.stage === 2)!;
  expect(stage.gate?.passed).toBe(true);
  const named = covered.report.findings.filter((f) =>
    f.evidence.includes('known gap: delivery_submitted (delivery notice is sent by e-mail only'),
  );
  expect(named.length, JSON.stringify(covered.report.findings, null, 2)).toBeGreaterThan(0);
  expect(covered.report.findings.filter((f) => f.severity === 'P0')).toEqual([]);

  const uncovered = await rampC2([], 'uncovered');
  expect(uncovered.code).not.toBe(0);
  expect(uncovered.report.stages.find((s) => s.stage === 2)!.gate?.passed).toBe(false);
  expect(uncovered.report.findings.map((f) => f.title)).toContain('Missing notification delivery_submitted');
});

test('an expired known gap no longer applies: the same run fails', async () => {
  test.setTimeout(200_000);
  const expired = {
    notification: 'delivery_submitted',
    reason: 'was approved until last year',
    owner: 'notifications',
    expires: '2025-12-31',
  };
  const run = await rampC2([expired], 'expired');
  expect(run.code).not.toBe(0);
  expect(run.report.findings.map((f) => f.title)).toContain('Missing notification delivery_submitted');
});
