// Module hook for tests: appends every resolved URL to the file named by RECORD_RESOLVE_FILE.
import { appendFileSync } from 'node:fs';
import process from 'node:process';

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (process.env.RECORD_RESOLVE_FILE) appendFileSync(process.env.RECORD_RESOLVE_FILE, `${result.url}\n`);
  return result;
}
