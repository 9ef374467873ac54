// A component that could not start, said once for a person: which component,
// what happened, the likely cause and what to do. Its stack is its message, so
// neither the launcher nor Playwright's runner prints frames a user cannot act on.

export type ComponentName = 'postgres' | 'chain' | 'scanner' | 'backend' | 'dialect' | 'web' | 'launcher';

export interface StartupFailure {
  component: ComponentName;
  /** What happened, with the value involved (secrets masked). */
  what: string;
  cause: string;
  todo: string;
}

export class StartupError extends Error {
  /** The file holding the failing component's last log lines, once written. */
  logFile?: string;

  constructor(readonly failure: StartupFailure) {
    super(`${failure.component}: ${failure.what}`);
    this.name = 'StartupError';
    this.stack = this.message;
  }

  /** The whole message, for a terminal: one paragraph per part. */
  describe(): string {
    const { component, what, cause, todo } = this.failure;
    const lines = [`sandbox: ${component} failed to start: ${what}`, `  likely cause: ${cause}`, `  what to do: ${todo}`];
    if (this.logFile) lines.push(`  its last log lines: ${this.logFile}`);
    return lines.join('\n');
  }
}

export function isStartupFailure(value: unknown): value is StartupFailure {
  const v = value as Partial<StartupFailure> | null;
  return typeof v?.component === 'string' && typeof v.what === 'string' && typeof v.cause === 'string' && typeof v.todo === 'string';
}

/** user:password@ in a URL becomes user:***@. */
export const maskUrl = (url: string): string => url.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');

/** A network error's code (ECONNREFUSED ...) from an error or its cause chain, if any. */
export function errnoCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
  }
  return undefined;
}
