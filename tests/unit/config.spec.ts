// parseEnv: defaults, valid values, and the one error message a bad environment produces.
import { expect, test } from '@playwright/test';
import { ConfigError, parseEnv } from '../../config/env.ts';

const KEY = `0x${'ab12'.repeat(16)}`;

/** The lines of the ConfigError that parsing `env` throws, without the header. */
function issues(env: Record<string, string>): string[] {
  let error: unknown;
  try {
    parseEnv(env);
  } catch (err) {
    error = err;
  }
  expect(error, `${JSON.stringify(env)} is refused`).toBeInstanceOf(ConfigError);
  const [header, ...lines] = (error as ConfigError).message.split('\n');
  expect(header).toBe('invalid configuration:');
  return lines.map((line) => line.trim());
}

const LEVELS = 'must be a comma-separated list of integers in 1..1024, e.g. 1,2,4,8';
const ASCENDING = 'must be strictly ascending without repeats, e.g. 1,2,4,8';
const ROUNDS = 'must be an integer in 1..1000';
const DURATION = 'must be a duration like 90s, 5m or 1h';
const DURATION_RANGE = 'must be between 1s and 24h';
const RUN_ID = 'must be 1-64 letters, digits, . _ - (starting with a letter or digit)';

/** [variable, value as set, value as the message shows it, what is allowed]. */
const BAD: [name: string, value: string, shown: string, allowed: string][] = [
  ['PAYMENT_MODE', 'lve', 'lve', 'Invalid option: expected one of "live"|"status"|"fixture"|"dry"'],
  ['CONCURRENCY_LEVELS', '1,x', '1,x', LEVELS],
  ['CONCURRENCY_LEVELS', '0', '0', LEVELS],
  ['CONCURRENCY_LEVELS', '4,2', '4,2', ASCENDING],
  ['CONCURRENCY_LEVELS', '1,1', '1,1', ASCENDING],
  ['CONCURRENCY_LEVELS', '1,,2', '1,,2', LEVELS],
  ['CONCURRENCY_LEVELS', ',', ',', LEVELS],
  ['CONCURRENCY_LEVELS', '2000', '2000', LEVELS],
  ['ROUNDS', '0', '0', ROUNDS],
  ['ROUNDS', '-1', '-1', ROUNDS],
  ['ROUNDS', '1.5', '1.5', ROUNDS],
  ['ROUNDS', 'abc', 'abc', ROUNDS],
  ['STAGE_DURATION', '5', '5', DURATION],
  ['STAGE_DURATION', '5 minutes', '5 minutes', DURATION],
  ['STAGE_DURATION', '0s', '0s', DURATION_RANGE],
  ['STAGE_DURATION', '25h', '25h', DURATION_RANGE],
  ['SELLERS_PER_WORKER', '1', '1', 'must be an integer in 2..20'],
  ['SELLERS_PER_WORKER', '21', '21', 'must be an integer in 2..20'],
  ['DEVICES_PER_USER', '0', '0', 'must be an integer in 1..10'],
  ['FLOWS_PER_WORKER', '0', '0', 'must be an integer in 1..64'],
  ['FLOWS_PER_WORKER', '65', '65', 'must be an integer in 1..64'],
  ['RUN_ID', 'has space', 'has space', RUN_ID],
  ['RUN_ID', '-leading', '-leading', RUN_ID],
  ['RUN_ID', 'r'.repeat(65), 'r'.repeat(65), RUN_ID],
  ['BASE_URL', 'ftp://x', 'ftp://x', 'must be a http or https URL'],
  ['BASE_URL', 'not a url', 'not a url', 'must be a http or https URL'],
  ['BASE_URL', 'ftp://ops:hunter22@x', 'ftp://ops:***@x', 'must be a http or https URL'],
  ['RPC_URL', 'nope', 'nope', 'must be a http or https or ws or wss URL'],
  ['CHAIN_ID', '0', '0', 'must be an integer in 1..2147483647'],
  ['TOKEN_ADDRESS', '0x123', '0x123', 'must be a 0x-prefixed 20-byte address'],
  ['FUNDER_PRIVATE_KEY', `0xzz${'a'.repeat(62)}`, '0xzz***', 'must be a 32-byte hex private key'],
  ['FUNDER_PRIVATE_KEY', `${KEY}0`, '0xab***', 'must be a 32-byte hex private key'],
  ['PG_URL', 'mysql://root:toor9999@db:3306/escrow', 'mysql://root:***@db:3306/escrow', 'must be a postgres or postgresql URL'],
  ['REDIS_URL', 'http://:hunter22@cache:6379', 'http://:***@cache:6379', 'must be a redis or rediss URL'],
  ['MONGO_URL', 'postgres://x', 'postgres://x', 'must be a mongodb or mongodb+srv URL'],
  ['NOTIFY_TIMEOUT_MS', '10', '10', 'must be an integer in 100..600000'],
  ['STOP_ON_P0', 'maybe', 'maybe', 'must be true or false'],
  ['KNOWN_GAPS_FILE', '/no/such/gaps.json', '/no/such/gaps.json', 'names no file'],
  ['BARRIER_TIMEOUT_MS', 'abc', 'abc', 'must be an integer in 1000..3600000'],
  ['OP_TIMEOUT_MS', '1e4', '1e4', 'must be an integer in 100..600000'],
  [
    'FIXTURE_ALLOWED_HOSTS',
    'dev.example.com, qa',
    'dev.example.com, qa',
    'must be a comma-separated list of host names, e.g. dev.example.com,qa.example.com',
  ],
];

test.describe('parseEnv defaults', () => {
  test('an empty environment runs against the sandbox in live mode with the spec defaults', () => {
    expect(parseEnv({})).toEqual({
      sandbox: true,
      mode: 'live',
      CONCURRENCY_LEVELS: [1, 2, 4, 8, 16, 32, 64],
      ROUNDS: 1,
      FLOWS_PER_WORKER: 1,
      SELLERS_PER_WORKER: 3,
      STOP_ON_P0: true,
      DEVICES_PER_USER: 1,
      NOTIFY_TIMEOUT_MS: 10_000,
      BARRIER_TIMEOUT_MS: 120_000,
      OP_TIMEOUT_MS: 30_000,
      SCANNER_CONFIRM_TIMEOUT_MS: 120_000,
      FIXTURE_ALLOWED_HOSTS: [],
      BROWSER_TABS_PER_USER: { buyer: 0, seller: 0 },
    });
  });

  test('empty and blank strings count as unset', () => {
    const blank = { CONCURRENCY_LEVELS: '', ROUNDS: '  ', BASE_URL: '', PAYMENT_MODE: '', FUNDER_PRIVATE_KEY: '', STAGE_DURATION: '\t' };
    expect(parseEnv(blank)).toEqual(parseEnv({}));
  });

  test('variables the suite does not read are ignored', () => {
    expect(parseEnv({ HOME: '/root', PATH: '/usr/bin', ROUNDS: '2' })).toEqual({ ...parseEnv({}), ROUNDS: 2 });
  });
});

test.describe('parseEnv valid values', () => {
  test('durations in ms, s, m and h become milliseconds', () => {
    const cases: [string, number][] = [
      ['5m', 300_000],
      ['90s', 90_000],
      ['1500ms', 1_500],
      ['1h', 3_600_000],
      ['24h', 86_400_000],
      [' 1s ', 1_000],
    ];
    for (const [value, ms] of cases) expect(parseEnv({ STAGE_DURATION: value }).STAGE_DURATION, value).toBe(ms);
  });

  test('concurrency levels tolerate blanks around commas and the whole value', () => {
    expect(parseEnv({ CONCURRENCY_LEVELS: ' 1, 2,4 ' }).CONCURRENCY_LEVELS).toEqual([1, 2, 4]);
    expect(parseEnv({ CONCURRENCY_LEVELS: '1024' }).CONCURRENCY_LEVELS).toEqual([1024]);
  });

  test('integers are parsed at both ends of their ranges', () => {
    const cfg = parseEnv({ ROUNDS: '1000', SELLERS_PER_WORKER: '2', DEVICES_PER_USER: '10', NOTIFY_TIMEOUT_MS: '100', CHAIN_ID: '97' });
    expect(cfg).toMatchObject({ ROUNDS: 1000, SELLERS_PER_WORKER: 2, DEVICES_PER_USER: 10, NOTIFY_TIMEOUT_MS: 100, CHAIN_ID: 97 });
    expect(parseEnv({ SELLERS_PER_WORKER: '20' }).SELLERS_PER_WORKER).toBe(20);
  });

  test('BASE_URL with a payment mode targets that deployment instead of the sandbox', () => {
    const cfg = parseEnv({ BASE_URL: 'https://escrow.dev.example', PAYMENT_MODE: 'status' });
    expect(cfg).toMatchObject({ sandbox: false, mode: 'status', BASE_URL: 'https://escrow.dev.example' });
  });

  test('live-mode chain settings and store URLs pass through unchanged', () => {
    const env = {
      RUN_ID: 'nightly_2024-05.1',
      RPC_URL: 'wss://bsc-testnet.example/ws',
      TOKEN_ADDRESS: `0x${'Ab'.repeat(20)}`,
      FUNDER_PRIVATE_KEY: KEY,
      PG_URL: 'postgresql://u:p@db/escrow',
      MONGO_URL: 'mongodb+srv://cluster.example/db',
      REDIS_URL: 'rediss://:pw@cache:6380',
    };
    expect(parseEnv(env)).toMatchObject(env);
    expect(parseEnv({ FUNDER_PRIVATE_KEY: KEY.slice(2) }).FUNDER_PRIVATE_KEY).toBe(KEY.slice(2));
  });
});

test.describe('parseEnv errors', () => {
  for (const [name, value, shown, allowed] of BAD) {
    test(`refuses ${name}=${JSON.stringify(value.length > 20 ? `${value.slice(0, 12)}…` : value)}, naming the variable, the value as shown and what is allowed`, () => {
      expect(issues({ [name]: value })).toEqual([`${name}=${JSON.stringify(shown)} ${allowed}`]);
    });
  }

  test('a bad private key never appears in full, and a valid one is never echoed', () => {
    const bad = `${KEY}ff`;
    const lines = issues({ FUNDER_PRIVATE_KEY: bad, ROUNDS: '0' });
    expect(lines.join('\n')).not.toContain(KEY.slice(4));
    expect(issues({ FUNDER_PRIVATE_KEY: KEY, ROUNDS: '0' })).toEqual([`ROUNDS="0" ${ROUNDS}`]);
  });

  test('a password inside any URL variable is masked in the message', () => {
    const urls = { BASE_URL: 'ftp://ops:s3cretPass@h', PG_URL: 'mysql://app:s3cretPass@db/x', REDIS_URL: 'http://:s3cretPass@cache:6379' };
    const text = issues(urls).join('\n');
    expect(text).not.toContain('s3cretPass');
    expect(text.match(/:\*\*\*@/g)).toHaveLength(3);
  });

  test('BASE_URL without PAYMENT_MODE is refused: no mode is assumed against another deployment', () => {
    expect(issues({ BASE_URL: 'https://deploy:topsecret1@escrow.dev.example' })).toEqual([
      'PAYMENT_MODE=(unset) must be set when BASE_URL is set (https://deploy:***@escrow.dev.example): ' +
        'one of live, status, fixture, dry; no mode is assumed against another deployment because live mode spends testnet gas',
    ]);
  });

  test('several bad variables produce one error that lists each of them once', () => {
    const lines = issues({
      PAYMENT_MODE: 'lve',
      ROUNDS: 'abc',
      RUN_ID: 'has space',
      CHAIN_ID: '0',
      STAGE_DURATION: '25h',
      DEVICES_PER_USER: '1',
    });
    expect(lines).toHaveLength(5);
    expect(lines.map((line) => line.split('=')[0]).sort()).toEqual(['CHAIN_ID', 'PAYMENT_MODE', 'ROUNDS', 'RUN_ID', 'STAGE_DURATION']);
    expect(lines).toContain(`STAGE_DURATION="25h" ${DURATION_RANGE}`);
    expect(lines).toContain(`RUN_ID="has space" ${RUN_ID}`);
  });
});

test('STOP_ON_P0=false keeps a stage running after a P0 (exploratory runs); 1 and 0 are read as true and false', () => {
  expect(parseEnv({ STOP_ON_P0: 'false' }).STOP_ON_P0).toBe(false);
  expect(parseEnv({ STOP_ON_P0: '0' }).STOP_ON_P0).toBe(false);
  expect(parseEnv({ STOP_ON_P0: '1' }).STOP_ON_P0).toBe(true);
});
