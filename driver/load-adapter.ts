// TARGET_ADAPTER: a path (relative to the working directory) or a package name whose default export is a
// TargetAdapter. Unset: the sandbox's adapter. A module that is not one is refused with what it lacks.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { notificationMatrix } from './notification-matrix.ts';
import type { NotificationMatrix, TargetAdapter } from './types.ts';

export const DEFAULT_ADAPTER = new URL('../adapters/sandbox/index.ts', import.meta.url);

/** The adapter with its matrix resolved: what the suite uses. */
export interface LoadedAdapter extends TargetAdapter {
  /** Where it came from: "sandbox (default)" or the TARGET_ADAPTER value. */
  source: string;
  matrix: NotificationMatrix;
}

export class AdapterError extends Error {
  override readonly name = 'AdapterError';
}

const looksLikePath = (spec: string) => spec.startsWith('.') || isAbsolute(spec) || /\.(ts|mts|js|mjs)$/.test(spec);

/** The module to import for a TARGET_ADAPTER value; throws an AdapterError naming the value when there is none. */
export function adapterUrl(spec: string | undefined, cwd = process.cwd()): string {
  if (!spec) return DEFAULT_ADAPTER.href;
  if (!looksLikePath(spec)) return spec; // a package name, resolved by import()
  const file = resolve(cwd, spec);
  if (!existsSync(file))
    throw new AdapterError(
      `TARGET_ADAPTER=${JSON.stringify(spec)} names no file (looked for ${file}); give a path to an adapter module or a package name`,
    );
  return pathToFileURL(file).href;
}

/** Checks the shape of what a module exported; returns every problem, named by field. */
export function adapterProblems(candidate: unknown): string[] {
  const a = candidate as Partial<TargetAdapter> | undefined;
  if (!a || typeof a !== 'object') return ['its default export is not an object (export default defineAdapter({...}))'];
  const problems: string[] = [];
  if (typeof a.name !== 'string' || !a.name) problems.push('name: must be a non-empty string');
  if (typeof a.driver !== 'function') problems.push('driver: must be a function (options) => EscrowDriver');
  if (typeof a.notifications?.connect !== 'function')
    problems.push('notifications.connect: must be a function (device request) => Promise<{ close() }>');
  const frontendOps = ['signIn', 'list', 'notification', 'rendered'] as const;
  if (a.frontend !== undefined && frontendOps.some((op) => typeof a.frontend?.[op] !== 'function'))
    problems.push(`frontend: must have the functions ${frontendOps.join(', ')}`);
  try {
    notificationMatrix(a.notificationMatrix);
  } catch (err) {
    problems.push((err as Error).message);
  }
  return problems;
}

export async function loadAdapter(spec: string | undefined = process.env.TARGET_ADAPTER || undefined): Promise<LoadedAdapter> {
  const url = adapterUrl(spec);
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (err) {
    throw new AdapterError(`TARGET_ADAPTER=${JSON.stringify(spec)} could not be loaded: ${(err as Error).message.split('\n')[0]}`);
  }
  const problems = adapterProblems(mod.default);
  if (problems.length)
    throw new AdapterError(
      `TARGET_ADAPTER=${JSON.stringify(spec ?? 'sandbox')} is not a target adapter:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  const adapter = mod.default as TargetAdapter;
  return { ...adapter, source: spec ?? 'sandbox (default)', matrix: notificationMatrix(adapter.notificationMatrix) };
}
