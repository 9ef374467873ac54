// Which second API dialects the sandbox can serve (SANDBOX_DIALECT), checked before anything starts.
import { StartupError, type ComponentName } from '../launcher/startup-error.ts';

export const DIALECTS = ['bazaar'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** The dialect's component name, in messages, logs and the sandbox's component list. */
export const DIALECT_COMPONENT = 'dialect' satisfies ComponentName;

/** SANDBOX_DIALECT (or startSandbox's `dialect`): unset or empty is none; anything else must be a known dialect. */
export function parseDialect(value: string | undefined): Dialect | undefined {
  if (value === undefined || value === '') return undefined;
  if ((DIALECTS as readonly string[]).includes(value)) return value as Dialect;
  throw new StartupError({
    component: 'launcher',
    what: `SANDBOX_DIALECT="${value}" is not a dialect of the sandbox (allowed: ${DIALECTS.join(', ')})`,
    cause: 'a typo, or a dialect this version of the sandbox does not have',
    todo: `set SANDBOX_DIALECT to ${DIALECTS.join(' or ')}, or unset it to serve only the backend's own API`,
  });
}
