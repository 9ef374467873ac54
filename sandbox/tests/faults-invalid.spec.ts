// SANDBOX_FAULTS that name no switch or give a bad value stop startSandbox before any component starts.
import { FAULT_NAMES } from '../src/faults.ts';
import { startSandbox } from '../src/launcher/sandbox.ts';
import { Component } from '../src/launcher/supervisor.ts';
import { expect, test } from './support/fixtures.ts';

test.describe('invalid fault switches', () => {
  const rejects = async (faults: string, pattern: RegExp) => {
    // Nothing may start: a component start is recorded (and refused) instead of spawning a process.
    const started: string[] = [];
    const original = Component.prototype.start;
    Component.prototype.start = function (this: Component) {
      started.push(this.name);
      return Promise.reject(new Error(`${this.name} was started`));
    };
    try {
      const error = await startSandbox({ faults, log: () => undefined }).then(
        () => new Error('startSandbox resolved'),
        (err: Error) => err,
      );
      expect(error.message).toMatch(pattern);
      for (const name of FAULT_NAMES) expect(error.message, `lists ${name}`).toContain(name);
      expect(error.message).toContain(`valid switches: ${FAULT_NAMES.join(', ')}`);
    } finally {
      Component.prototype.start = original;
    }
    expect(started, 'components started').toEqual([]);
  };

  test('startSandbox rejects an unknown switch by name, listing the valid switches, before starting anything', async () => {
    await rejects('list-leak,no-such-switch', /^SANDBOX_FAULTS: "no-such-switch" is not a fault switch; /);
  });

  test('startSandbox rejects error-rate=2 by name, listing the valid switches, before starting anything', async () => {
    await rejects('error-rate=2', /^SANDBOX_FAULTS: "error-rate" needs a value: a fraction in \(0, 1\], got "2"; /);
  });

  test('startSandbox rejects slow-payment-intent without a value by name, listing the valid switches, before starting anything', async () => {
    await rejects(
      'slow-payment-intent',
      /^SANDBOX_FAULTS: "slow-payment-intent" needs a value: milliseconds, an integer 1\.\.600000, got none; /,
    );
  });
});
