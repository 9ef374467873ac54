// projectArgs / selectedLevels: which stage projects a command line selects.
import { expect, test } from '@playwright/test';
import { projectArgs, selectedLevels, selectedProjects } from '../../config/selection.ts';
import { DEFAULT_LEVELS } from '../../config/stages.ts';

const LEVELS = [...DEFAULT_LEVELS];
const argv = (...args: string[]) => ['node', 'playwright', 'test', ...args];

test.describe('projectArgs', () => {
  test('reads --project=X and --project X alike, in command-line order', () => {
    expect(projectArgs(argv('--project=C8'))).toEqual(['C8']);
    expect(projectArgs(argv('--project', 'C8'))).toEqual(['C8']);
    expect(projectArgs(argv('tests/escrow-flow.spec.ts', '--project=C2', '--workers=4', '--project', 'C16'))).toEqual(['C2', 'C16']);
  });

  test('--project X Y takes every value up to the next option, as Playwright does', () => {
    expect(projectArgs(argv('--project', 'C2', 'C4', 'C8', '--workers', '8'))).toEqual(['C2', 'C4', 'C8']);
    expect(projectArgs(argv('--project', 'C2', '--', 'C4'))).toEqual(['C2']);
  });

  test('--project=X takes one value: what follows it is a file filter', () => {
    expect(projectArgs(argv('--project=C2', 'C4'))).toEqual(['C2']);
  });

  test('ignores other flags, positional arguments and a trailing --project without a value', () => {
    expect(projectArgs(argv('--workers', '4', 'C8', '--grep', 'C8'))).toEqual([]);
    expect(projectArgs(argv('--project'))).toEqual([]);
    expect(projectArgs(argv('--projects=C8', '-p', 'C8'))).toEqual([]);
  });
});

test.describe('selectedLevels', () => {
  test('selects every level when no --project flag is given', () => {
    expect(selectedLevels(LEVELS, argv())).toEqual(LEVELS);
    expect(selectedLevels(LEVELS, argv('--workers', '2', 'tests/escrow-flow.spec.ts'))).toEqual(LEVELS);
  });

  test('--project=C8 and --project C8 select only level 8', () => {
    expect(selectedLevels(LEVELS, argv('--project=C8'))).toEqual([8]);
    expect(selectedLevels(LEVELS, argv('--project', 'C8'))).toEqual([8]);
  });

  test('several projects select their levels in ascending order whatever the flag order', () => {
    expect(selectedLevels(LEVELS, argv('--project=C16', '--project', 'C2', '--project=C4'))).toEqual([2, 4, 16]);
    expect(selectedLevels(LEVELS, argv('--project', 'C32', 'C2'))).toEqual([2, 32]);
  });

  test('a wildcard selects every level whose project name matches it', () => {
    expect(selectedLevels(LEVELS, argv('--project=C*'))).toEqual(LEVELS);
    expect(selectedLevels(LEVELS, argv('--project=C1*'))).toEqual([1, 16]);
    expect(selectedLevels(LEVELS, argv('--project', '*4'))).toEqual([4, 64]);
  });

  test("the stage's gate project selects its level", () => {
    expect(selectedLevels(LEVELS, argv('--project=gate-C2'))).toEqual([2]);
    expect(selectedLevels(LEVELS, argv('--project=gate-*'))).toEqual(LEVELS);
  });

  test('project names match whole names, case-insensitively', () => {
    expect(selectedLevels(LEVELS, argv('--project=C1'))).toEqual([1]);
    expect(selectedLevels(LEVELS, argv('--project=c32'))).toEqual([32]);
    expect(selectedLevels(LEVELS, argv('--project=C3'))).toEqual([]);
  });

  test('a project that is not a stage selects no level', () => {
    expect(selectedLevels(LEVELS, argv('--project=unit'))).toEqual([]);
    expect(selectedLevels(LEVELS, argv('--project=C128'))).toEqual([]);
  });

  test('regex characters in a project name are taken literally', () => {
    expect(selectedLevels(LEVELS, argv('--project=C.'))).toEqual([]);
    expect(selectedLevels(LEVELS, argv('--project=C(8)'))).toEqual([]);
    expect(selectedLevels(LEVELS, argv('--project=C8|C16'))).toEqual([]);
  });

  test('selects among configured levels only', () => {
    expect(selectedLevels([1, 3, 5], argv('--project=C*'))).toEqual([1, 3, 5]);
    expect(selectedLevels([1, 3, 5], argv('--project=C8'))).toEqual([]);
  });
});

test.describe('selectedProjects', () => {
  test('names every stage and gate project when no --project flag is given', () => {
    expect(selectedProjects([1, 2], argv())).toEqual(['C1', 'gate-C1', 'C2', 'gate-C2']);
  });

  test('names only the projects the flags match: a stage alone runs without its gate', () => {
    expect(selectedProjects(LEVELS, argv('--project=C8'))).toEqual(['C8']);
    expect(selectedProjects(LEVELS, argv('--project', 'gate-C2', 'C4'))).toEqual(['gate-C2', 'C4']);
    expect(selectedProjects([1, 2], argv('--project=*C2'))).toEqual(['C2', 'gate-C2']);
  });
});
