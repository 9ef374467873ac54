// Reading Linux's /proc, the one way the sampler and the bench both use.
import { readFileSync } from 'node:fs';

/** A /proc file, or undefined when its process exited between listing and reading. */
export function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Fields 3.. of /proc/<pid>/stat (f[0] is field 3, the state): the command name before them may hold spaces and
 * parentheses, so they start after the last ')'. Null when the text has no ')'.
 */
export function statFields(text: string): string[] | null {
  const close = text.lastIndexOf(')');
  return close < 0
    ? null
    : text
        .slice(close + 2)
        .trim()
        .split(/\s+/);
}
