// The project's layers and the arrows allowed between them, written down once
// (docs/architecture.md explains them). `npm run lint` runs the check: an
// import that points anywhere else, or a cycle between folders, fails it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder -> the folders its files may import (besides their own). Files at the root are `root`. */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  lib: [],
  contract: [],
  config: ['lib', 'contract'],
  driver: ['lib', 'contract'],
  adapters: ['lib', 'contract', 'driver'],
  examples: ['lib', 'contract', 'driver'],
  sampler: ['lib', 'contract', 'config'],
  runner: ['lib', 'contract', 'config', 'driver', 'sampler'],
  flow: ['lib', 'contract', 'config', 'driver'],
  fixtures: ['lib', 'contract', 'config', 'driver', 'flow', 'sampler'],
  reporter: ['lib', 'contract', 'config', 'sampler'],
  sandbox: ['contract'],
  tests: [
    'lib',
    'contract',
    'config',
    'driver',
    'adapters',
    'examples',
    'sampler',
    'runner',
    'flow',
    'fixtures',
    'reporter',
    'sandbox',
    'scripts',
    'bench',
  ],
  bench: ['lib', 'contract', 'config', 'driver', 'adapters', 'sampler', 'reporter', 'sandbox'],
  scripts: ['lib', 'contract', 'config', 'driver', 'reporter', 'sandbox'],
  root: ['lib', 'contract', 'config', 'runner', 'reporter'],
};

export interface Violation {
  file: string;
  imports: string;
  message: string;
}

/** Import specifiers of a source file: static imports, re-exports, dynamic imports with a literal, require() calls. */
export function importSpecifiers(source: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /^\s*(?:import|export)\s[^'"]*?\sfrom\s+['"]([^'"]+)['"]/gm,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire(?:\.resolve)?\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.add(match[1]!);
  return [...found].filter((specifier) => !specifier.includes('${')); // a template in a string, not a module name
}

/** The relative ones: imports within the project. */
export const relativeImports = (source: string): string[] => importSpecifiers(source).filter((s) => /^\.{1,2}\//.test(s));

/** The layer of a file: its top folder, `root` for files at the top; the sandbox's own tests count as tests. */
export const folderOf = (path: string): string =>
  path.startsWith('sandbox/tests/') ? 'tests' : path.includes('/') ? path.split('/')[0]! : 'root';

/** Every import between folders that ALLOWED does not list, and every cycle between folders. */
export function checkLayers(files: ReadonlyMap<string, string>, allowed = ALLOWED): Violation[] {
  const violations: Violation[] = [];
  const edges = new Map<string, Set<string>>();
  for (const [file, source] of files) {
    const from = folderOf(file);
    for (const specifier of relativeImports(source)) {
      const target = normalize(join(dirname(file), specifier));
      const to = folderOf(target);
      if (to === from || target.startsWith('..')) continue;
      edges.set(from, (edges.get(from) ?? new Set()).add(to));
      const ok = allowed[from];
      if (!ok) violations.push({ file, imports: target, message: `folder ${from} has no entry in the layer rules` });
      else if (!ok.includes(to))
        violations.push({ file, imports: target, message: `${from}/ may not import ${to}/ (allowed: ${ok.join(', ') || 'nothing'})` });
    }
  }
  for (const cycle of folderCycles(edges))
    violations.push({ file: cycle[0]!, imports: cycle.at(-1)!, message: `folder cycle: ${cycle.join(' -> ')}` });
  return violations;
}

/** Cycles in a folder graph, each as a path that returns to its start. */
export function folderCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (node: string, path: string[]) => {
    if (path.includes(node)) {
      cycles.push([...path.slice(path.indexOf(node)), node]);
      return;
    }
    if (seen.has(node)) return;
    for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    seen.add(node);
  };
  for (const node of edges.keys()) visit(node, []);
  return cycles;
}

/** The repository's tracked TypeScript files (and new ones not ignored), outside generated folders. */
export function projectFiles(root: string): Map<string, string> {
  const list = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !f.includes('node_modules/'));
  return new Map(list.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const violations = checkLayers(projectFiles(root));
  for (const v of violations) console.error(`${v.file}: imports ${v.imports}: ${v.message}`);
  if (violations.length) {
    console.error(`layers: ${violations.length} import(s) against the rules in scripts/layers.ts (see docs/architecture.md)`);
    process.exit(1);
  }
  console.log('layers: every import follows scripts/layers.ts');
}
