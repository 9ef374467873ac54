// Issue 11: every startup failure of the ramp's preflight ends in one clear message - what failed,
// the value, the likely cause, what to do - with no stack trace and no code frame: the errors as
// toPreflightError makes them. The real CLI printing them: tests/integration/preflight-cli.spec.ts.
import { expect, test } from '@playwright/test';
import { ContractViolationError, TargetTimeoutError, TargetUnreachableError } from '../../driver/errors.ts';
import { ConfigError } from '../../config/env.ts';
import { PreflightError, answeredWithError, toPreflightError } from '../../runner/preflight.ts';

test.describe('toPreflightError', () => {
  const ctx = { target: { url: 'https://ops:hunter22@qa.example.com', from: 'BASE_URL' as const } };

  test('a PreflightError prints as its message alone: its stack has no frames', () => {
    const err = new PreflightError('coordinator', 'listen EACCES 127.0.0.1');
    expect(err.stack).toBe(`PreflightError: ${err.message}`);
    expect(err.message.split('\n')).toEqual([
      'preflight check "coordinator" failed, no flow ran',
      '  listen EACCES 127.0.0.1',
      '  likely cause: the runner could not listen on a loopback port for the stage barrier and the funder',
      '  what to do: check that this machine allows listening on 127.0.0.1, then run again',
    ]);
  });

  test("a ConfigError's own action replaces the check's default advice", () => {
    const err = toPreflightError('funder', new ConfigError('funder 0xabc cannot fund 4 flows', 'top it up'));
    expect(err).toBeInstanceOf(PreflightError);
    expect((err as PreflightError).message).toBe(
      'preflight check "funder" failed, no flow ran\n  funder 0xabc cannot fund 4 flows\n  what to do: top it up',
    );
  });

  test('the driver errors name the target with its credentials masked', () => {
    const unreachable = new TargetUnreachableError(
      'https://qa.example.com',
      Object.assign(new Error('getaddrinfo ENOTFOUND qa'), { code: 'ENOTFOUND' }),
    );
    const timeout = new TargetTimeoutError('GET /health', 10_000);
    const contract = new ContractViolationError('health', 'status: Invalid input');
    for (const err of [unreachable, timeout, contract]) {
      const out = toPreflightError('target health', err, ctx) as PreflightError;
      expect(out, err.name).toBeInstanceOf(PreflightError);
      expect(out.message, err.name).toContain('BASE_URL=https://ops:***@qa.example.com');
      expect(out.message, err.name).not.toContain('hunter22');
    }
    expect((toPreflightError('target health', unreachable, ctx) as PreflightError).advice.cause).toContain('does not resolve');
  });

  test('a chain RPC failure of the funder names RPC_URL masked, and a private key never shows', () => {
    const key = `0x${'cd'.repeat(32)}`;
    const rpc = Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:8545 privateKey=${key}`), {
      code: 'ECONNREFUSED',
      syscall: 'connect',
    });
    const out = toPreflightError('funder', rpc, { rpc: { url: 'http://u:pw-secret@127.0.0.1:8545', from: 'RPC_URL' }, secrets: [key] });
    expect(out).toBeInstanceOf(PreflightError);
    expect((out as PreflightError).message).toContain('RPC_URL=http://u:***@127.0.0.1:8545 failed: connect ECONNREFUSED');
    expect((out as PreflightError).message).not.toContain('pw-secret');
    expect((out as PreflightError).message).not.toContain(key);
  });

  test('an HTTP error answer says which cause its status points to, on one short line', () => {
    const notFound = answeredWithError('target health', ctx, 'GET /health', 404, '<html>\n<body>Not Found</body>\n</html>');
    expect(notFound.problem).toBe(
      'BASE_URL=https://ops:***@qa.example.com answered GET /health with HTTP 404: <html> <body>Not Found</body> </html>',
    );
    expect(notFound.advice.cause).toContain('another service');
    expect(answeredWithError('target health', ctx, 'GET /health', 503, 'db down').advice.cause).toContain('unhealthy');
  });

  test('an unexpected error is a bug: it comes back as it is, stack included', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'rpcUrl')");
    expect(toPreflightError('chain', bug, ctx)).toBe(bug);
  });
});
