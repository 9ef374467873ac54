// Which stage projects the command line selected. The config uses it to chain
// the selected stages in ascending order (so they never overlap) while
// `--project=C8` alone still runs C8 alone.
import { stageName } from './stages.ts';

const isOption = (arg: string) => arg.length > 1 && arg.startsWith('-');

/**
 * Values of every --project flag (`--project=X`, `--project X`, `-p`-less).
 * Like Playwright's CLI, `--project X Y` is variadic: it takes every following
 * argument up to the next option.
 */
export function projectArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  argv.forEach((arg, i) => {
    if (arg.startsWith('--project=')) out.push(arg.slice('--project='.length));
    else if (arg === '--project') for (let j = i + 1; j < argv.length && !isOption(argv[j]!); j++) out.push(argv[j]!);
  });
  return out;
}

function matches(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
  return re.test(name);
}

/** Levels whose project is selected; all levels when no --project flag is given. */
export function selectedLevels(levels: readonly number[], argv: readonly string[]): number[] {
  const chosen = new Set(selectedProjects(levels, argv));
  return levels.filter((level) => chosen.has(stageName(level)) || chosen.has(`gate-${stageName(level)}`));
}

/** Names of the stage and gate projects the command line selects; all of them when no --project flag is given. */
export function selectedProjects(levels: readonly number[], argv: readonly string[]): string[] {
  const names = levels.flatMap((level) => [stageName(level), `gate-${stageName(level)}`]);
  const patterns = projectArgs(argv);
  return patterns.length === 0 ? names : names.filter((name) => patterns.some((p) => matches(p, name)));
}
