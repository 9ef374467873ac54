// The GitHub workflows (issue 15, item 4) keep what CI presence needs: minimal permissions, a concurrency group,
// Node 22 or later, actions on Node 24 majors, no workflow input or event field pasted into a shell script, the
// sharded ramp's inputs chosen from lists, and the PR gate running npm test, the gate and the Allure report. No YAML
// parser is a dependency of the suite, so the files are read as text with the few rules below (tested on samples).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKFLOWS = ['pr-gate.yml', 'ramp-sharded.yml'];
const read = (name: string): string => readFileSync(`${ROOT}.github/workflows/${name}`, 'utf8');
const indentOf = (line: string): number => line.length - line.trimStart().length;

/** The lines under a key (`name:` at `indent` columns) up to the next line at that indent or less, comments left out; null when absent. */
export function block(yaml: string, key: string, indent = 0): string[] | null {
  const lines = yaml.split('\n');
  const start = lines.findIndex((line) => line === `${' '.repeat(indent)}${key}:` || line.startsWith(`${' '.repeat(indent)}${key}: `));
  if (start < 0) return null;
  const end = lines.findIndex(
    (line, i) => i > start && line.trim() !== '' && !line.trimStart().startsWith('#') && indentOf(line) <= indent,
  );
  return lines.slice(start + 1, end < 0 ? lines.length : end).filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
}

/** Every `run:` script: an inline value, or a block scalar (`|`, `>`) with the lines indented deeper than its key. */
export function runScripts(yaml: string): string[] {
  const lines = yaml.split('\n');
  const scripts: string[] = [];
  lines.forEach((line, i) => {
    const m = /^(\s*(?:-\s+)?)run:\s*(.*)$/.exec(line);
    if (!m) return;
    const value = m[2]!.trim();
    if (!/^[|>]/.test(value)) return void scripts.push(value);
    const body: string[] = [];
    for (const next of lines.slice(i + 1)) {
      if (next.trim() !== '' && indentOf(next) <= m[1]!.length) break;
      body.push(next.trim());
    }
    scripts.push(body.join('\n').trim());
  });
  return scripts;
}

/** Expressions a shell script must never contain: values someone else chose, pasted into code the runner executes. */
const UNTRUSTED = /\$\{\{\s*(inputs\.|github\.event|github\.head_ref|secrets\.)/;
/** The first major of each action that runs on Node 24 (Node 20 is past its end of life on hosted runners). */
const NODE24_MAJOR: Record<string, number> = { checkout: 5, 'setup-node': 5, 'upload-artifact': 6, 'download-artifact': 7, cache: 5 };

test('runScripts and block read inline and block run: values, and nothing past their indentation', () => {
  const sample = [
    'jobs:',
    '  a:',
    '    steps:',
    '      - run: echo "${{ inputs.stage }}"',
    '      - name: many lines',
    '        run: |',
    '          npm ci',
    '',
    '          npx playwright test --project=${{ github.event.inputs.stage }}',
    '        env:',
    '          X: ${{ inputs.x }}',
    '      - run: >-',
    '          echo folded',
  ].join('\n');
  expect(runScripts(sample)).toEqual([
    'echo "${{ inputs.stage }}"',
    'npm ci\n\nnpx playwright test --project=${{ github.event.inputs.stage }}',
    'echo folded',
  ]);
  expect(runScripts(sample).filter((s) => UNTRUSTED.test(s))).toHaveLength(2);
  expect(block(sample, 'a', 2)).toHaveLength(10);
  expect(block(sample, 'steps', 4)!.at(-1)).toBe('          echo folded');
  expect(block(sample, 'env', 8)).toEqual(['          X: ${{ inputs.x }}']);
  expect(block(sample, 'permissions')).toBeNull();
});

for (const name of WORKFLOWS) {
  test(`${name}: read-only permissions, a concurrency group, Node 22+, Node 24 actions, no untrusted value in a script`, () => {
    const yaml = read(name);
    expect(block(yaml, 'permissions'), 'top-level permissions').toEqual(['  contents: read']);
    expect(yaml).not.toMatch(/:\s*write\b/);
    const concurrency = block(yaml, 'concurrency');
    expect(concurrency, 'top-level concurrency').not.toBeNull();
    expect(concurrency!.some((line) => /^\s+group: \S/.test(line))).toBe(true);

    const scripts = runScripts(yaml);
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((script) => UNTRUSTED.test(script))).toEqual([]);

    const nodeVersions = [...yaml.matchAll(/node-version:\s*['"]?(\d+)/g)].map((m) => Number(m[1]));
    expect(nodeVersions.length).toBe([...yaml.matchAll(/uses: actions\/setup-node@/g)].length);
    for (const version of nodeVersions) expect(version).toBeGreaterThanOrEqual(22);

    // actions/cache/restore and actions/cache/save are actions/cache's.
    const actions = [...yaml.matchAll(/uses:\s*actions\/([\w-]+)(?:\/[\w-]+)?@v(\d+)/g)];
    expect(actions.length).toBe([...yaml.matchAll(/uses:/g)].length);
    for (const [, action, major] of actions) {
      expect(NODE24_MAJOR[action!], `actions/${action} is known here`).toBeDefined();
      expect(Number(major), `actions/${action}@v${major}`).toBeGreaterThanOrEqual(NODE24_MAJOR[action!]!);
    }
  });
}

test('pr-gate.yml runs npm test, then the gate, builds the Allure report, uploads every report, cancels superseded runs', () => {
  const yaml = read('pr-gate.yml');
  const scripts = runScripts(yaml);
  const at = (pattern: RegExp) => scripts.findIndex((script) => pattern.test(script));
  expect(at(/\bnpm test\b/)).toBeGreaterThanOrEqual(0);
  expect(at(/\bnpm run gate\b/)).toBeGreaterThan(at(/\bnpm test\b/));
  expect(at(/\bnpm run report:allure\b/)).toBeGreaterThan(at(/\bnpm run gate\b/));
  // redis-server and unzip, as .ci/run installs them.
  expect(scripts[at(/apt-get install/)]).toMatch(/redis-server/);
  expect(scripts[at(/apt-get install/)]).toMatch(/unzip/);
  expect(block(yaml, 'concurrency')).toContainEqual('  cancel-in-progress: true');
  for (const dir of ['reports/', 'playwright-report/', 'allure-report/']) expect(yaml).toMatch(new RegExp(`^ {12}${dir}$`, 'm'));
  // The Allure history: restored from the Actions cache before the report, saved after it.
  const [restore, report, save] = ['uses: actions/cache/restore@', 'run: npm run report:allure', 'uses: actions/cache/save@'].map((s) =>
    yaml.indexOf(s),
  );
  expect(restore).toBeGreaterThan(-1);
  expect(report).toBeGreaterThan(restore!);
  expect(save).toBeGreaterThan(report!);
  expect(yaml).toContain('path: allure-history');
});

test('ramp-sharded.yml: payment mode, stage and shard count are chosen from lists, and every input reaches scripts through env', () => {
  const yaml = read('ramp-sharded.yml');
  for (const input of ['payment_mode', 'stage', 'shards']) expect(block(yaml, input, 6), input).toContainEqual('        type: choice');
  expect(block(yaml, 'payment_mode', 6)).toContainEqual('        options: [status, fixture, dry, live]');
  const env = block(yaml, 'env', 4)!.join('\n');
  for (const input of ['base_url', 'payment_mode', 'stage', 'shards']) expect(env).toContain(`\${{ inputs.${input} }}`);
  expect(runScripts(yaml)).toContainEqual('npx playwright test --project="$STAGE" --shard="$SHARD/$SHARDS"');
});

test('ramp-sharded.yml: the merge job judges the merged stage with every shard timeline, and live shards derive their funders', () => {
  const yaml = read('ramp-sharded.yml');
  // npm run merge sets the exit code from the merged profile; merge-reports alone always exits 0.
  expect(runScripts(yaml)).toContainEqual('npm run merge -- ./all-blob-reports --shard-timelines ./shard-timelines');
  expect(runScripts(yaml)).not.toContainEqual(expect.stringMatching(/^npx playwright merge-reports/));
  expect(yaml).toContain('name: shard-infra-${{ matrix.shard }}');
  expect(yaml).toContain('path: reports/${{ env.RUN_ID }}/infra.jsonl');
  expect(yaml).toContain('pattern: shard-infra-*');
  // One phrase, an account per shard: a single FUNDER_PRIVATE_KEY on every shard would collide on nonces.
  expect(yaml).toContain('FUNDER_MNEMONIC: ${{ secrets.FUNDER_MNEMONIC }}');
  expect(yaml).not.toContain('FUNDER_PRIVATE_KEY');
});
