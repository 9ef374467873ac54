// Failure classes of the spec's stage procedure (step 10), decided from the
// error's type and message, with the checked-in known gaps taking precedence.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { FailureClass } from '../contract/worker-result.ts';

export const KnownGap = z.object({
  /** Case-insensitive regular expression matched against "<step>: <message>". */
  match: z.string(),
  reason: z.string().min(1),
  owner: z.string().min(1),
});
export type KnownGap = z.infer<typeof KnownGap>;

const KNOWN_GAPS_FILE = new URL('../known-gaps.json', import.meta.url);

export function loadKnownGaps(file: URL | string = KNOWN_GAPS_FILE): KnownGap[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const parsed = z.array(KnownGap).safeParse(raw);
  if (!parsed.success) throw new Error(`${String(file)}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

// eth_\w+: a bare `eth_` would need a word boundary right after the underscore, which never comes.
const EXTERNAL =
  /\b(rpc|json-?rpc|eth_\w+|nonce|insufficient funds|replacement (fee|transaction)|could not coalesce|missing response|SERVER_ERROR|NETWORK_ERROR)\b/i;
// Infrastructure: the target could not answer at all. An HTTP 5xx is an answer, and a product bug.
const CAPACITY =
  /\b(ECONNREFUSED|ECONNRESET|EPIPE|socket hang up|did not answer within|TargetTimeoutError|TargetUnreachableError|did not connect within)\b/i;
const SETUP = /\b(barrier|ConfigError|register|fund|setup)\b/i;

/** Classifies a flow error. Business assertion failures are product bugs. */
export function classify(step: string, error: Error | string, gaps: readonly KnownGap[] = []): FailureClass {
  const text = `${step}: ${typeof error === 'string' ? error : `${error.name} ${error.message}`}`;
  if (gaps.some((g) => new RegExp(g.match, 'i').test(text))) return 'known-gap';
  // A gateway error (502-504) is a dependency that did not answer: infrastructure.
  if (/\banswered 50[234]\b/.test(text)) return 'capacity';
  // Any other 5xx answer is the target's bug, even when the call was part of our setup.
  if (/\banswered 5\d\d\b/.test(text)) return 'product';
  if (step === 'setup' || SETUP.test(step) || (typeof error !== 'string' && error.name === 'ConfigError')) return 'setup';
  if (EXTERNAL.test(text)) return 'external';
  if (CAPACITY.test(text)) return 'capacity';
  return 'product';
}
