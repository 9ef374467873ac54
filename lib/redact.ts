// Secrets never reach a report, a trace or a log: everything the suite
// writes passes through here first.

// Whole key names, or names ending in a secret word (accessToken, dbPassword, cookies) - never
// tokenAddress/tokenSymbol (public chain facts) or passed (a verdict).
const SECRET_KEY =
  /^(pass(word|wd|phrase|code)?|secret|token|authorization|cookies?|mnemonic|credentials?|(api|private|secret)[_-]?key)$|(password|passwd|secret|token|private[_-]?key|api[_-]?key|cookies?)$/i;
// key=value / key: value pairs in free text (log lines, error messages).
const KEY_VALUE = /\b(private[_-]?key|secret|password|passwd|token|api[_-]?key|mnemonic)(\s*[=:]\s*)("?)([^\s"',;&]+)/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
// The user may be empty: redis://:password@host is Redis's usual form.
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)([^:/?#@\s]*):([^@/?#\s]+)@/gi;
const HEX_KEY = /\b0x[0-9a-fA-F]{64}\b/g;

export const MASK = '***';

/** Masks JWTs and credentials embedded in URLs inside free text. */
export function redactText(text: string, extraSecrets: readonly string[] = []): string {
  let out = text.replace(JWT, MASK).replace(URL_CREDENTIALS, `$1$2:${MASK}@`).replace(KEY_VALUE, `$1$2$3${MASK}`);
  for (const secret of extraSecrets) if (secret.length >= 6) out = out.split(secret).join(MASK);
  return out;
}

/** Deep copy with secret-named fields masked and secrets in strings masked. */
export function redact<T>(value: T, extraSecrets: readonly string[] = []): T {
  const walk = (v: unknown, key?: string): unknown => {
    // Objects under a secret-named key are walked, not dropped: a component named "token" in /version is not a secret.
    if (key !== undefined && SECRET_KEY.test(key) && v !== null && v !== undefined && typeof v !== 'object') return MASK;
    if (typeof v === 'string') return redactText(v, extraSecrets);
    // Items inherit their array's key: every value of `cookies: [...]` is a secret.
    if (Array.isArray(v)) return v.map((item) => walk(item, key));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, k)]));
    return v;
  };
  return walk(value) as T;
}

/** Masks a 32-byte hex private key wherever one could appear (not for tx hashes: use on config values only). */
export function maskHexKey(text: string): string {
  return text.replace(HEX_KEY, MASK);
}
