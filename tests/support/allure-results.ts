// Allure results built by hand for the tests of npm run report:allure and of the allure-playwright listener's
// redaction (tests/unit/allure-report.spec.ts, tests/integration/allure-report.spec.ts): a result of a run,
// passed or failed with a failure class, with a JWT to find where it must not be.
import { Stage, Status, type TestResult } from 'allure-js-commons';
import { FAILURE_CLASS_LABEL, type FailureClass } from '../../contract/worker-result.ts';

export const RUN = '20260101-120000-beef';
export const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJidXllci0xIn0.Zm9vYmFyYmF6cXV4';

export function result(
  uuid: string,
  name: string,
  opts: { run?: string; cls?: FailureClass; message?: string; attachment?: string },
): TestResult {
  const failed = opts.cls !== undefined;
  return {
    uuid,
    historyId: `history-${uuid}`,
    testCaseId: `case-${uuid}`,
    name,
    fullName: `escrow-flow.spec.ts#${name}`,
    status: failed ? Status.FAILED : Status.PASSED,
    statusDetails: failed ? { message: opts.message ?? `${name} failed`, trace: 'at escrowFlow (tests/escrow-flow.spec.ts:10:5)' } : {},
    stage: Stage.FINISHED,
    start: 1_800_000_000_000,
    stop: 1_800_000_002_000,
    labels: [
      { name: 'runId', value: opts.run ?? RUN },
      { name: 'suite', value: 'C2' },
      ...(failed ? [{ name: FAILURE_CLASS_LABEL, value: opts.cls! }] : []),
    ],
    parameters: [
      { name: 'stage', value: 'C2' },
      { name: 'workerId', value: `C2-W0${uuid}`, excluded: true },
    ],
    links: [],
    attachments: opts.attachment ? [{ name: 'api-calls.log', source: opts.attachment, type: 'text/plain' }] : [],
    steps: ['login', 'createRequest'].map((step) => ({
      name: step,
      status: Status.PASSED,
      stage: Stage.FINISHED,
      start: 1_800_000_000_000,
      stop: 1_800_000_000_500,
      statusDetails: {},
      parameters: [],
      attachments: [],
      steps: [],
    })),
  };
}
