// Failure classes of the spec's stage procedure (step 10), decided from the
// error's type and message, with the checked-in known gaps taking precedence.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { FailureClass } from '../contract/worker-result.ts';

/**
 * An approved known product gap (known-gaps.json): failures it matches are classified `known-gap` instead of
 * `product`, and a missing notification of its type does not stop the ramp. It names what it covers — a
 * notification type, or a failure signature — why, who owns it, and optionally until when it is approved.
 */
export const KnownGap = z
  .object({
    /** A notification type (offer_accepted ...): every missing copy of it is covered. */
    notification: z.string().min(1).optional(),
    /** Case-insensitive regular expression matched against "<step>: <message>". */
    match: z
      .string()
      .min(1)
      .refine((re) => {
        try {
          new RegExp(re, 'i');
          return true;
        } catch {
          return false;
        }
      }, 'is not a valid regular expression')
      .optional(),
    reason: z.string().min(1),
    owner: z.string().min(1),
    /** Last day (UTC, YYYY-MM-DD) the gap is approved; from the next day it no longer applies. */
    expires: z.iso.date().optional(),
  })
  .refine(
    (gap) => gap.notification !== undefined || gap.match !== undefined,
    'needs "notification" (a type) or "match" (a regular expression)',
  );
export type KnownGap = z.infer<typeof KnownGap>;

/** The checked-in file; KNOWN_GAPS_FILE names another (a team's own list, a test's). */
const knownGapsFile = (): URL | string => process.env.KNOWN_GAPS_FILE || new URL('../known-gaps.json', import.meta.url);

/** The known gaps that apply today (expired ones dropped). */
export function loadKnownGaps(file: URL | string = knownGapsFile(), today: Date = new Date()): KnownGap[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const parsed = z.array(KnownGap).safeParse(raw);
  if (!parsed.success) throw new Error(`${String(file)}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  return parsed.data.filter((gap) => applies(gap, today));
}

export function applies(gap: KnownGap, today: Date): boolean {
  return gap.expires === undefined || today.toISOString().slice(0, 10) <= gap.expires;
}

/** The gap that covers a missing notification of `type`, or a failure "<step>: <message>", if any. */
export function knownGapFor(gaps: readonly KnownGap[], failure: { notification?: string; text?: string }): KnownGap | undefined {
  return gaps.find(
    (g) =>
      (g.notification !== undefined && g.notification === failure.notification) ||
      (g.match !== undefined && failure.text !== undefined && new RegExp(g.match, 'i').test(failure.text)),
  );
}

/** How a finding names the gap that explained it. */
export const describeGap = (gap: KnownGap): string =>
  `known gap: ${gap.notification ?? `/${gap.match}/`} (${gap.reason}; owner ${gap.owner}${gap.expires ? `; approved until ${gap.expires}` : ''})`;

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
  if (knownGapFor(gaps, { text })) return 'known-gap';
  // A gateway error (502-504) is a dependency that did not answer: infrastructure.
  if (/\banswered 50[234]\b/.test(text)) return 'capacity';
  // Any other 5xx answer is the target's bug, even when the call was part of our setup.
  if (/\banswered 5\d\d\b/.test(text)) return 'product';
  if (step === 'setup' || SETUP.test(step) || (typeof error !== 'string' && error.name === 'ConfigError')) return 'setup';
  if (EXTERNAL.test(text)) return 'external';
  if (CAPACITY.test(text)) return 'capacity';
  return 'product';
}
