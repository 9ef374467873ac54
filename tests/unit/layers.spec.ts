// The layer rules (scripts/layers.ts) hold for the project, and bite: an import that points up, across to a folder
// not allowed, or round in a cycle is named with the file and the rule.
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { ALLOWED, checkLayers, folderCycles, folderOf, projectFiles } from '../../scripts/layers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('every import of the project follows the layer rules, with no cycle between folders', () => {
  const files = projectFiles(ROOT);
  expect(files.size).toBeGreaterThan(100);
  expect(checkLayers(files)).toEqual([]);
});

test('an upward import fails: the driver importing the reporter is named with the file and what is allowed', () => {
  const files = projectFiles(ROOT);
  files.set('driver/http-client.ts', `${files.get('driver/http-client.ts')}\nimport { summarize } from '../reporter/summarize.ts';\n`);
  expect(checkLayers(files)).toContainEqual({
    file: 'driver/http-client.ts',
    imports: 'reporter/summarize.ts',
    message: `driver/ may not import reporter/ (allowed: ${ALLOWED.driver!.join(', ')})`,
  });
});

test('a cycle between folders is found even where each arrow alone is allowed', () => {
  const files = new Map([
    ['a/x.ts', "import { y } from '../b/y.ts';"],
    ['b/y.ts', "export { z } from '../a/z.ts';"],
  ]);
  const violations = checkLayers(files, { a: ['b'], b: ['a'] });
  expect(violations.map((v) => v.message)).toEqual(['folder cycle: a -> b -> a']);
  expect(
    folderCycles(
      new Map([
        ['a', new Set(['b'])],
        ['b', new Set(['c'])],
      ]),
    ),
  ).toEqual([]);
});

test("files at the top are the root layer; the sandbox's own tests count as tests, its sources as the sandbox", () => {
  expect(folderOf('playwright.config.ts')).toBe('root');
  expect(folderOf('sandbox/tests/races.spec.ts')).toBe('tests');
  expect(folderOf('sandbox/src/server/app.ts')).toBe('sandbox');
});

test('an adapter may use the adapter API but not the suite: an example adapter importing the flow is refused', () => {
  const files = new Map([
    [
      'examples/adapters/x.ts',
      "import { defineAdapter } from '../../driver/adapter.ts';\nimport { escrowFlow } from '../../flow/escrow-flow.ts';",
    ],
  ]);
  expect(checkLayers(files).map((v) => v.message)).toEqual([`examples/ may not import flow/ (allowed: ${ALLOWED.examples!.join(', ')})`]);
});
