// Every package a file imports is declared by the package.json that owns the
// file: the suite's in the root one, the sandbox's in sandbox/package.json. An
// undeclared import resolves today only because npm hoists a workspace's
// dependencies, and breaks the day that changes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { importSpecifiers } from '../../scripts/layers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The package an import specifier names (`@scope/name`, `name`), or undefined for relative and built-in modules. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
  return builtinModules.includes(name) ? undefined : name;
}

function declared(packageJson: string): Set<string> {
  const pkg = JSON.parse(readFileSync(`${ROOT}${packageJson}`, 'utf8')) as Record<string, Record<string, string> | undefined>;
  return new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
}

function undeclared(files: string[], packages: Set<string>): string[] {
  const missing: string[] = [];
  for (const file of files) {
    for (const specifier of importSpecifiers(readFileSync(`${ROOT}${file}`, 'utf8'))) {
      const name = packageOf(specifier);
      if (name && !packages.has(name)) missing.push(`${file} imports ${name}`);
    }
  }
  return missing;
}

const sources = (): string[] =>
  execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.mts', '*.js', '*.cjs', '*.mjs'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);

// This file's own sample imports (below) are data, not imports.
const SELF = 'tests/unit/dependencies.spec.ts';

test("every package the suite and the project's tests import is declared in the root package.json", () => {
  const suite = sources().filter((file) => !file.startsWith('sandbox/src/') && file !== SELF);
  expect(suite.length).toBeGreaterThan(50);
  expect(undeclared(suite, declared('package.json'))).toEqual([]);
});

test('every package the sandbox imports is declared in sandbox/package.json', () => {
  const sandbox = sources().filter((file) => file.startsWith('sandbox/src/'));
  expect(sandbox.length).toBeGreaterThan(20);
  expect(undeclared(sandbox, declared('sandbox/package.json'))).toEqual([]);
});

test('the import scanner finds static, dynamic and require imports and ignores relative and built-in ones', () => {
  const source = [
    "import { a } from 'alpha/sub';",
    "import type { B } from '@scope/beta/x';",
    "export { c } from 'gamma';",
    "import 'delta';",
    "const e = await import('epsilon');",
    "const f = require('zeta');",
    "import { g } from './local.ts';",
    "import { h } from 'node:fs';",
    "import { i } from 'path';",
  ].join('\n');
  expect(importSpecifiers(source).map(packageOf).filter(Boolean)).toEqual(['alpha', '@scope/beta', 'gamma', 'delta', 'epsilon', 'zeta']);
});
