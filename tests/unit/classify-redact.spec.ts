// Failure classes, redaction of secrets, and the mainnet refusal.
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { ConfigError } from '../../config/env.ts';
import { applies, classify, describeGap, knownGapFor, loadKnownGaps, type KnownGap } from '../../config/classify.ts';
import { MASK, maskHexKey, redact, redactText } from '../../lib/redact.ts';
import { MAINNET_CHAIN_IDS, MAINNET_OVERRIDE, refuseMainnet } from '../../runner/safety.ts';
import { TargetTimeoutError, TargetUnreachableError, ContractViolationError } from '../../driver/errors.ts';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJidXllci0xIn0.Zm9vYmFyYmF6cXV4';
const TX_HASH = `0x${'9f'.repeat(32)}`;
const UUID = '0b7c6f1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const named = (name: string, message: string) => Object.assign(new Error(message), { name });

test.describe('classify', () => {
  const cases: [step: string, error: Error | string, expected: string][] = [
    ['acceptOffer', '409 offer already accepted', 'product'],
    ['scannerConfirm', 'payment not confirmed after 3 checks', 'product'],
    ['createPaymentIntent', '500 internal server error', 'product'],
    ['createRequest', new ContractViolationError('createRequest', 'id: Invalid UUID'), 'product'],
    ['setup', 'anything at all', 'setup'],
    ['barrier', 'barrier C4 round 1: 3 of 4 flows arrived within 120000 ms', 'setup'],
    ['register seller-2', '409 username taken', 'setup'],
    ['fund buyer', 'insufficient funds for gas * price + value', 'setup'],
    ['login', named('ConfigError', 'BASE_URL is required'), 'setup'],
    ['scannerConfirm', 'JSON-RPC error: header not found', 'external'],
    ['createPaymentIntent', 'eth_getLogs failed: block range too large', 'external'],
    ['pay', 'nonce too low', 'external'],
    ['pay', 'replacement fee too low', 'external'],
    ['pay', 'could not coalesce error (SERVER_ERROR)', 'external'],
    ['login', new TargetUnreachableError('http://127.0.0.1:9', new Error('connect ECONNREFUSED 127.0.0.1:9')), 'capacity'],
    ['createOffer', new TargetTimeoutError('POST /requests/x/offers', 30_000), 'capacity'],
    ['acceptOffer', 'socket hang up', 'capacity'],
    ['notifications', 'socket of user u (device 0) did not connect within 10000 ms', 'capacity'],
    ['scannerCheck', 'read ECONNRESET', 'capacity'],
    [
      'systemOfRecordProbes',
      'the Postgres system of record did not connect within 60000 ms: timeout exceeded when trying to connect',
      'capacity',
    ],
  ];
  for (const [step, error, expected] of cases) {
    test(`classifies ${step}: "${typeof error === 'string' ? error : `${error.name} ${error.message}`}" as ${expected}`, () => {
      expect(classify(step, error)).toBe(expected);
    });
  }

  test('an RPC failure is external even when it reads like a dropped connection', () => {
    expect(classify('scannerConfirm', 'rpc request failed: ECONNRESET')).toBe('external');
  });

  test('a known gap takes precedence over every other class, matched case-insensitively on "<step>: <message>"', () => {
    const gaps: KnownGap[] = [{ match: '^scannerconfirm: .*STALL', reason: 'scanner stalls under load', owner: 'payments' }];
    expect(classify('scannerConfirm', 'rpc stall detected', gaps)).toBe('known-gap');
    expect(classify('scannerConfirm', named('TargetTimeoutError', 'scanner stall'), gaps)).toBe('known-gap');
    expect(classify('scannerConfirm', 'not confirmed', gaps)).toBe('product');
    expect(classify('setup', 'stall', gaps)).toBe('setup');
    const setupGap: KnownGap[] = [{ match: 'barrier', reason: 'slow CI workers', owner: 'qa' }];
    expect(classify('barrier', 'timeout', setupGap)).toBe('known-gap');
  });

  test('loadKnownGaps reads the checked-in file and names the file and field of a bad entry', () => {
    expect(Array.isArray(loadKnownGaps())).toBe(true);
    const file = test.info().outputPath('gaps.json');
    writeFileSync(
      file,
      JSON.stringify([
        { match: 'x', reason: 'r', owner: 'o' },
        { match: 'y', reason: '' },
      ]),
    );
    expect(() => loadKnownGaps(file)).toThrow(`${file}: 1.reason: `);
  });

  test('a gap names a notification type or a failure signature; an entry with neither, or a bad expression, is refused', () => {
    const file = test.info().outputPath('gaps-fields.json');
    writeFileSync(file, JSON.stringify([{ reason: 'r', owner: 'o' }]));
    expect(() => loadKnownGaps(file)).toThrow('needs "notification" (a type) or "match" (a regular expression)');
    writeFileSync(file, JSON.stringify([{ match: '(', reason: 'r', owner: 'o' }]));
    expect(() => loadKnownGaps(file)).toThrow(`${file}: 0.match: is not a valid regular expression`);
  });

  test('a notification-type gap covers missing copies of that type only, and names itself for the finding', () => {
    const gaps: KnownGap[] = [{ notification: 'offer_rejected', reason: 'rejections are batched', owner: 'notifications' }];
    expect(knownGapFor(gaps, { notification: 'offer_rejected' })).toBe(gaps[0]);
    expect(knownGapFor(gaps, { notification: 'offer_accepted' })).toBeUndefined();
    expect(describeGap(gaps[0]!)).toBe('known gap: offer_rejected (rejections are batched; owner notifications)');
  });

  test('an expired gap no longer applies: it is approved through its expiry day (UTC) and dropped the day after', () => {
    const file = test.info().outputPath('gaps-expiry.json');
    const gap = { notification: 'offer_rejected', reason: 'batched', owner: 'n', expires: '2026-12-02' };
    writeFileSync(file, JSON.stringify([gap, { match: 'x', reason: 'r', owner: 'o' }]));
    expect(loadKnownGaps(file, new Date('2026-12-02T23:59:59Z'))).toHaveLength(2);
    expect(loadKnownGaps(file, new Date('2026-12-03T00:00:00Z'))).toEqual([{ match: 'x', reason: 'r', owner: 'o' }]);
    expect(applies(gap, new Date('2026-12-01T00:00:00Z'))).toBe(true);
  });
});

test.describe('redactText', () => {
  test('masks JWTs wherever they appear', () => {
    expect(redactText(`Bearer ${JWT}`)).toBe(`Bearer ${MASK}`);
    expect(redactText(`token=${JWT}&next=/x`)).toBe(`token=${MASK}&next=/x`);
  });

  test('masks the password of credentials in URLs and keeps the user and host', () => {
    expect(redactText('postgres://escrow:pg-S3cret@127.0.0.1:5432/escrow')).toBe(`postgres://escrow:${MASK}@127.0.0.1:5432/escrow`);
    expect(redactText('redis://:r3disPass@cache:6379/0 and https://u:p4ss@h/x')).toBe(
      `redis://:${MASK}@cache:6379/0 and https://u:${MASK}@h/x`,
    );
  });

  test('masks extra secrets of six characters or more, leaving shorter ones alone', () => {
    expect(redactText('key s3cr3t-value used twice: s3cr3t-value', ['s3cr3t-value'])).toBe(`key ${MASK} used twice: ${MASK}`);
    expect(redactText('pin 12345 stays', ['12345'])).toBe('pin 12345 stays');
  });

  test('leaves tx hashes, ids, URLs without credentials and ports alone', () => {
    const text = `tx ${TX_HASH} request ${UUID} at http://127.0.0.1:3000/requests?x=1@2`;
    expect(redactText(text)).toBe(text);
  });

  test('maskHexKey masks 32-byte hex keys for config values only', () => {
    expect(maskHexKey(`key ${TX_HASH}!`)).toBe(`key ${MASK}!`);
    expect(maskHexKey('0x1234')).toBe('0x1234');
  });
});

test.describe('redact', () => {
  test('masks secret-named keys at any depth, in objects inside arrays and in arrays under a secret key', () => {
    const input = {
      password: 'correct horse battery',
      user: { id: UUID, session: { token: 'opaque-session-123', refreshToken: 'r-abcdef' } },
      headers: { Authorization: 'Bearer abc', Cookie: 'sid=1' },
      sellers: [{ username: 'seller-1', PASSWORD: 'pw-1' }, [{ apiKey: 'k-1', api_key: 'k-2' }]],
      wallet: { privateKey: TX_HASH, private_key: TX_HASH, mnemonic: 'test test test', clientSecret: 'cs' },
      cookies: ['sid=abc', 'csrf=def'],
      credentials: { username: 'ops', pin: 1234 },
      passcode: 4321,
    };
    expect(redact({ versions: { token: { version: 'tUSDT@0x5FbDB2315678afecb367f032d93F642f64180aa3' } } })).toEqual({
      versions: { token: { version: 'tUSDT@0x5FbDB2315678afecb367f032d93F642f64180aa3' } },
    });
    expect(redact(input)).toEqual({
      password: MASK,
      user: { id: UUID, session: { token: MASK, refreshToken: MASK } },
      headers: { Authorization: MASK, Cookie: MASK },
      sellers: [{ username: 'seller-1', PASSWORD: MASK }, [{ apiKey: MASK, api_key: MASK }]],
      wallet: { privateKey: MASK, private_key: MASK, mnemonic: MASK, clientSecret: MASK },
      cookies: [MASK, MASK],
      // Objects under a secret-named key are walked: their own secret-named fields are masked.
      credentials: { username: 'ops', pin: 1234 },
      passcode: MASK,
    });
  });

  test('masks JWTs, URL credentials and extra secrets inside any string, and returns a copy', () => {
    const input = { note: `see ${JWT}`, urls: ['https://bot:b0tPass@ci/x'], nested: { log: 'funder 0xfeedbeef99 paid' } };
    expect(redact(input, ['0xfeedbeef99'])).toEqual({
      note: `see ${MASK}`,
      urls: [`https://bot:${MASK}@ci/x`],
      nested: { log: `funder ${MASK} paid` },
    });
    expect(input.note).toBe(`see ${JWT}`);
    expect(redact(`Bearer ${JWT}`)).toBe(`Bearer ${MASK}`);
  });

  test('leaves tx hashes, ids, amounts, public token facts and empty secrets alone', () => {
    const payment = {
      id: UUID,
      txHash: TX_HASH,
      amount: '25000000000000000000',
      tokenAddress: `0x${'ab'.repeat(20)}`,
      tokenSymbol: 'tUSDT',
      tokenDecimals: 18,
      evidence: { txHash: TX_HASH, logIndex: 0, confirmations: 2 },
      password: null,
      token: undefined,
    };
    expect(redact(payment)).toEqual(payment);
  });
});

test.describe('refuseMainnet', () => {
  const NO_OVERRIDE = {};

  test('refuses BNB Smart Chain (56) and Ethereum (1), naming the network, the test networks and the override', () => {
    expect(() => refuseMainnet(56, NO_OVERRIDE)).toThrow(
      new ConfigError(
        'CHAIN_ID=56 is BNB Smart Chain mainnet: live mode only pays on test networks (e.g. BSC Testnet 97, a local 31337); ' +
          `to spend real funds anyway set ${MAINNET_OVERRIDE}=56`,
      ),
    );
    expect(() => refuseMainnet(1, NO_OVERRIDE)).toThrow(/^CHAIN_ID=1 is Ethereum mainnet: /);
    expect(() => refuseMainnet(1, NO_OVERRIDE)).toThrow(ConfigError);
  });

  test('refuses every listed mainnet by name', () => {
    for (const [id, name] of Object.entries(MAINNET_CHAIN_IDS))
      expect(() => refuseMainnet(Number(id), NO_OVERRIDE), name).toThrow(`is ${name} mainnet`);
  });

  test('lets BSC Testnet (97), a local chain (31337) and Sepolia (11155111) through', () => {
    for (const id of [97, 31337, 11155111]) expect(() => refuseMainnet(id, NO_OVERRIDE), String(id)).not.toThrow();
  });

  test('the override allows exactly the chain it names', () => {
    expect(() => refuseMainnet(56, { [MAINNET_OVERRIDE]: '56' })).not.toThrow();
    expect(() => refuseMainnet(1, { [MAINNET_OVERRIDE]: '56' })).toThrow(/Ethereum mainnet/);
    expect(() => refuseMainnet(56, { [MAINNET_OVERRIDE]: 'true' })).toThrow(/BNB Smart Chain mainnet/);
  });
});
