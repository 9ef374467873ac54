// The flow's step wrapper: a Playwright step (HTML report, Allure), a timing
// in the worker result (a business timing, or a probe's, kept apart), and a
// classified error when it throws.
import { fileURLToPath } from 'node:url';
import { test } from '@playwright/test';
import { STEP_NAMES, type TimingsMs } from '../contract/worker-result.ts';
import type { ApiResult } from '../driver/types.ts';
import { classify, loadKnownGaps, type KnownGap } from '../config/classify.ts';
import { isProbe, type FlowRecorder } from './recorder.ts';

let gaps: KnownGap[] | undefined;

/**
 * Where every flow step points in the HTML report. Given explicitly, Playwright does not capture and
 * source-map a stack for each of the thousands of steps a large stage runs (measured: ~0.35 s CPU per worker).
 */
const STEP_LOCATION = { file: fileURLToPath(new URL('../tests/escrow-flow.spec.ts', import.meta.url)), line: 1, column: 1 };

/** Another flow of the stage saw a P0 (STOP_ON_P0): this flow stops before its next step, interrupted, not failed. */
export class StoppedByP0 extends Error {
  override readonly name = 'StoppedByP0';

  constructor(readonly stop: { workerId: string; what: string }) {
    super(`stopped before its next step: ${stop.workerId} saw a P0 (${stop.what})`);
  }
}

export function stepper(recorder: FlowRecorder) {
  return async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    if (recorder.stoppedBy) throw new StoppedByP0(recorder.stoppedBy);
    return test.step(
      name,
      async () => {
        try {
          if (STEP_NAMES.includes(name as keyof TimingsMs)) return await recorder.step(name as keyof TimingsMs, fn);
          return isProbe(name) ? await recorder.probeStep(name, fn) : await fn();
        } catch (err) {
          gaps ??= loadKnownGaps();
          recorder.fail(name, (err as Error).message, classify(name, err as Error, gaps));
          throw err;
        }
      },
      { location: STEP_LOCATION },
    );
  };
}

/** The data of a successful call, or an Error naming the call, its status and the target's message. */
export function ok<T>(res: ApiResult<T>): T {
  if (!res.ok) throw new Error(`${res.record.method} ${res.record.path} answered ${res.status}: ${res.error?.message ?? ''}`);
  return res.data;
}
