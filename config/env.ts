// Every environment variable the suite reads, parsed once. A bad value stops
// the run before any test with one message that names each variable, its
// value (secrets masked) and what is allowed.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { PaymentMode } from '../contract/worker-result.ts';
import { maskHexKey, redactText } from '../lib/redact.ts';
import { BrowserEnvSchema } from './browser-env.ts';
import { baselineProblem, goalsFileProblem } from './goals.ts';
import { maskHeaders, OTEL_HEADER_VARS, OtelEnvSchema, otlpSettings, type OtlpSettings } from './otel-env.ts';
import { DEFAULT_LEVELS } from './stages.ts';

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^[0-9]+$/, `must be an integer in ${min}..${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be an integer in ${min}..${max}`);

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol.replace(':', ''));
        } catch {
          return false;
        }
      },
      `must be a ${protocols.join(' or ')} URL`,
    );

const LEVELS_MAX = 1024;
const levels = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const parts = v.split(',').map((p) => p.trim());
    const nums = parts.map(Number);
    if (parts.some((p) => !/^[0-9]+$/.test(p)) || nums.some((n) => n < 1 || n > LEVELS_MAX)) {
      ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of integers in 1..${LEVELS_MAX}, e.g. 1,2,4,8` });
      return z.NEVER;
    }
    if (nums.some((n, i) => i > 0 && n <= nums[i - 1]!)) {
      ctx.addIssue({ code: 'custom', message: 'must be strictly ascending without repeats, e.g. 1,2,4,8' });
      return z.NEVER;
    }
    return nums;
  });

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const duration = z
  .string()
  .trim()
  .regex(/^[0-9]+(ms|s|m|h)$/, 'must be a duration like 90s, 5m or 1h')
  .transform((v) => {
    const [, n, unit] = /^([0-9]+)(ms|s|m|h)$/.exec(v)!;
    return Number(n) * DURATION_UNITS[unit!]!;
  })
  .refine((ms) => ms >= 1_000 && ms <= 24 * 3_600_000, 'must be between 1s and 24h');

/** A refinement from a check that says what is wrong (or null). */
const checkWith = (problem: (value: string) => string | null) => (value: string, ctx: z.RefinementCtx) => {
  const why = problem(value);
  if (why) ctx.addIssue({ code: 'custom', message: why });
};

const hexKey = z
  .string()
  .trim()
  .regex(/^(0x)?[0-9a-fA-F]{64}$/, 'must be a 32-byte hex private key');

export const EnvSchema = z.object({
  BASE_URL: url(['http', 'https']).optional(),
  /** The target adapter: a path to a module (relative to the working directory) or a package name; default the sandbox's. */
  TARGET_ADAPTER: z
    .string()
    .trim()
    .refine(
      (v) => !/^[./]|\.(ts|mts|js|mjs)$/.test(v) || existsSync(v),
      'names no file: give the path of an adapter module (e.g. examples/adapters/bazaar.ts) or a package name',
    )
    .optional(),
  PAYMENT_MODE: PaymentMode.optional(),
  /** Pre-provisioned users (JSON or CSV, config/provisioned-users.ts), for a target without self-registration. */
  TARGET_USERS_FILE: z
    .string()
    .trim()
    .refine((path) => existsSync(path), 'names no file')
    .optional(),
  /** Prometheus endpoints of the target's components, e.g. backend=https://dev.example.com/metrics,node=http://10.0.0.5:9100/metrics. */
  TARGET_METRICS: z
    .string()
    .trim()
    .transform((v, ctx) => {
      const out: Record<string, string> = {};
      for (const part of v.split(',').map((p) => p.trim())) {
        const [name, ...rest] = part.split('=');
        const endpoint = rest.join('=');
        if (!name || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(name) || !URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol)) {
          ctx.addIssue({
            code: 'custom',
            message: 'must be component=http(s)-URL pairs separated by commas, e.g. backend=https://dev.example.com/metrics',
          });
          return z.NEVER;
        }
        out[name] = endpoint;
      }
      return out;
    })
    .optional(),
  /** A JSON file mapping the procedure's metric fields (socketClients, scannerBacklog ...) to the target's metric names. */
  TARGET_METRIC_NAMES: z
    .string()
    .trim()
    .refine((path) => existsSync(path), 'names no file')
    .optional(),
  CONCURRENCY_LEVELS: levels.default([...DEFAULT_LEVELS]),
  ROUNDS: int(1, 1000).default(1),
  FLOWS_PER_WORKER: int(1, 64).default(1),
  STAGE_DURATION: duration.optional(),
  SELLERS_PER_WORKER: int(2, 20).default(3),
  DEVICES_PER_USER: int(1, 10).default(1),
  RUN_ID: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, . _ - (starting with a letter or digit)')
    .optional(),
  RPC_URL: url(['http', 'https', 'ws', 'wss']).optional(),
  CHAIN_ID: int(1, 2 ** 31 - 1).optional(),
  TOKEN_ADDRESS: z
    .string()
    .trim()
    .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte address')
    .optional(),
  FUNDER_PRIVATE_KEY: hexKey.optional(),
  PG_URL: url(['postgres', 'postgresql']).optional(),
  /** Live mode, sharded or not: a BIP-39 phrase; each shard pays from m/44'/60'/0'/0/<shard> (config/funder-key.ts). */
  FUNDER_MNEMONIC: z
    .string()
    .trim()
    .refine((v) => [12, 15, 18, 21, 24].includes(v.split(/\s+/).length), 'must be a BIP-39 phrase of 12, 15, 18, 21 or 24 words')
    .optional(),
  MONGO_URL: url(['mongodb', 'mongodb+srv']).optional(),
  /** Queries of the Postgres system-of-record probe (default: the sandbox's schema, flow/sql/sandbox-postgres.sql). */
  PG_PROBE_SQL: z.string().trim().min(1).optional(),
  REDIS_URL: url(['redis', 'rediss']).optional(),
  BARRIER_REDIS_URL: url(['redis', 'rediss']).optional(),
  FIXTURE_ALLOWED_HOSTS: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.-]+(,[A-Za-z0-9.-]+)*$/, 'must be a comma-separated list of host names, e.g. dev.example.com,qa.example.com')
    .transform((v) => v.split(','))
    .default([]),
  /** A P0 seen by any flow stops the stage's other flows at their next step; false keeps them running (exploratory runs). */
  STOP_ON_P0: z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
  /** Known product gaps (default: the checked-in known-gaps.json). */
  KNOWN_GAPS_FILE: z
    .string()
    .trim()
    .refine((path) => existsSync(path), 'names no file')
    .optional(),
  /** A baseline run (reports/<runId> or its report.json): report.md and report.json compare this run with it. */
  BASELINE: z.string().trim().superRefine(checkWith(baselineProblem)).optional(),
  /** Latency goals (a file `npm run baseline` writes) used instead of the starting goals of config/stages.ts. */
  GOALS_FILE: z.string().trim().superRefine(checkWith(goalsFileProblem)).optional(),
  NOTIFY_TIMEOUT_MS: int(100, 600_000).default(10_000),
  BARRIER_TIMEOUT_MS: int(1_000, 3_600_000).default(120_000),
  OP_TIMEOUT_MS: int(100, 600_000).default(30_000),
  SCANNER_CONFIRM_TIMEOUT_MS: int(1_000, 3_600_000).default(120_000),
  /** OTLP metrics export (config/otel-env.ts): the OpenTelemetry specification's variables. */
  ...OtelEnvSchema.shape,
  /** Browser mode, issue 16 (config/browser-env.ts): tabs per user and the front end they open. */
  ...BrowserEnvSchema.shape,
});
export type Env = z.infer<typeof EnvSchema>;

const SECRET_VARS = new Set(['FUNDER_PRIVATE_KEY', 'FUNDER_MNEMONIC']);

export function maskValue(name: string, value: string): string {
  // A phrase's first letters are a word of it: only its length is shown.
  if (name === 'FUNDER_MNEMONIC') return `*** (${value.trim().split(/\s+/).length} words)`;
  if (SECRET_VARS.has(name)) return value.length > 4 ? `${value.slice(0, 4)}***` : '***';
  if (OTEL_HEADER_VARS.has(name)) return maskHeaders(value);
  return maskHexKey(redactText(value));
}

/** Empty strings count as unset, as shells and .env files tend to produce them. */
function present(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(source).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== ''));
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    message: string,
    /** What the user can do about it, when the message alone does not say (the preflight prints it). */
    readonly action?: string,
  ) {
    super(message);
  }
}

export interface SuiteConfig extends Env {
  /** The sandbox is started by Playwright's webServer (BASE_URL unset). */
  sandbox: boolean;
  mode: z.infer<typeof PaymentMode>;
}

/** One message for every bad variable: its name, its value (masked) and what is allowed. */
function invalidConfiguration(error: z.ZodError, raw: Record<string, string>): ConfigError {
  const lines = error.issues.map((issue) => {
    const name = String(issue.path[0]);
    const value = raw[name];
    return `  ${name}=${value === undefined ? '(unset)' : JSON.stringify(maskValue(name, value))} ${issue.message}`;
  });
  return new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

/** The OTLP export's variables alone, refused as parseEnv refuses them: the reporter reads them, also under merge-reports. */
export function parseOtelEnv(source: NodeJS.ProcessEnv = process.env): OtlpSettings | null {
  const raw = present(source);
  const parsed = OtelEnvSchema.safeParse(raw);
  if (!parsed.success) throw invalidConfiguration(parsed.error, raw);
  return otlpSettings(parsed.data);
}

export function parseEnv(source: NodeJS.ProcessEnv = process.env): SuiteConfig {
  const raw = present(source);
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) throw invalidConfiguration(parsed.error, raw);
  const env = parsed.data;
  const sandbox = env.BASE_URL === undefined;
  if (!sandbox && env.PAYMENT_MODE === undefined) {
    throw new ConfigError(
      `invalid configuration:\n  PAYMENT_MODE=(unset) must be set when BASE_URL is set (${maskValue('BASE_URL', env.BASE_URL!)}): ` +
        'one of live, status, fixture, dry; no mode is assumed against another deployment because live mode spends testnet gas',
    );
  }
  return { ...env, sandbox, mode: env.PAYMENT_MODE ?? 'live' };
}
