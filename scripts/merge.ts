// npm run merge -- <blob reports dir> [--shard-timelines <dir>]
//
// The merge step of a sharded run: `playwright merge-reports --config merge.config.ts` over every shard's blob
// report (HTML, Allure and the profile report over all flows), then the exit code of the merged profile. The stop
// conditions are evaluated on the merged results, every shard's flows together (reporter/gates.ts reporterGates:
// level x ROUNDS flows expected over all shards), since merge-reports itself exits 0 whatever the flows did.
// --shard-timelines: a folder holding each shard's sampler timeline (reports/<runId>/infra.jsonl) in a subfolder
// whose name ends in the shard's number (shard-infra-1/infra.jsonl ...), as the sharded workflow downloads them;
// the merged report's Infrastructure rows and load generator figures come from them.
// Exit code: 0 the merged profile passes, 1 it fails or measured nothing, 2 usage or merge-reports failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MERGE_ENV } from '../config/merge-env.ts';
import type { VerdictFile } from '../reporter/verdict-file.ts';

const USAGE = 'usage: npm run merge -- <blob reports dir> [--shard-timelines <dir>]';
const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');

class UsageError extends Error {}

/** Every `infra.jsonl` below `dir`, keyed by the shard number its folder's name ends in. */
export function findShardTimelines(dir: string): Record<string, string> {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(
      `--shard-timelines ${JSON.stringify(dir)} is not a folder: it holds one subfolder per shard, each with infra.jsonl`,
    );
  const found: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === 'infra.jsonl') {
        const shard = /(\d+)$/.exec(basename(dirname(path)))?.[1];
        if (shard === undefined)
          throw new UsageError(
            `${relative(process.cwd(), path)}: its folder's name does not end in a shard number (expected e.g. shard-infra-2/infra.jsonl)`,
          );
        if (found[shard]) throw new UsageError(`shard ${shard} has two timelines: ${found[shard]} and ${path}`);
        found[shard] = resolve(path);
      }
    }
  };
  walk(dir);
  return found;
}

function parseArgs(args: readonly string[]): { blobs: string; timelines: string | null } {
  const rest = [...args];
  let timelines: string | null = null;
  const at = rest.indexOf('--shard-timelines');
  if (at >= 0) {
    timelines = rest[at + 1] ?? null;
    if (!timelines || timelines.startsWith('-')) throw new UsageError('--shard-timelines needs a folder');
    rest.splice(at, 2);
  }
  if (rest.length !== 1 || rest[0]!.startsWith('-'))
    throw new UsageError(
      `expected one blob reports folder, got ${rest.length === 0 ? 'none' : rest.map((a) => JSON.stringify(a)).join(' ')}`,
    );
  const blobs = rest[0]!;
  if (!existsSync(blobs) || !statSync(blobs).isDirectory())
    throw new UsageError(`${JSON.stringify(blobs)} is not a folder of blob reports`);
  if (!readdirSync(blobs).some((f) => f.endsWith('.zip'))) throw new UsageError(`${JSON.stringify(blobs)} holds no blob report (*.zip)`);
  return { blobs, timelines };
}

/** Runs the merge step; returns the exit code. */
export function mergeCli(args: readonly string[]): number {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let scratch: string | undefined;
  try {
    const { blobs, timelines } = parseArgs(args);
    const shards = timelines ? findShardTimelines(timelines) : null;
    if (shards && Object.keys(shards).length === 0) console.warn(`merge: no infra.jsonl below ${timelines}: infrastructure not measured`);
    scratch = mkdtempSync(join(tmpdir(), 'escrow-merge-'));
    const verdictFile = join(scratch, 'verdict.json');
    const cli = createRequire(import.meta.url).resolve('@playwright/test/cli');
    const merged = spawnSync(process.execPath, [cli, 'merge-reports', '--config', join(ROOT, 'merge.config.ts'), resolve(blobs)], {
      stdio: 'inherit',
      env: {
        ...process.env,
        [MERGE_ENV.verdictFile]: verdictFile,
        ...(shards ? { [MERGE_ENV.shardTimelines]: JSON.stringify(shards) } : {}),
      },
    });
    if (merged.status !== 0 || !existsSync(verdictFile)) {
      console.error(
        `merge: playwright merge-reports ${merged.status === 0 ? 'wrote no profile verdict' : `exited ${merged.status ?? merged.signal}`}`,
      );
      return 2;
    }
    const verdict = JSON.parse(readFileSync(verdictFile, 'utf8')) as VerdictFile;
    const flows = verdict.stages.map((s) => `C${s.stage} ${s.flows} flows`).join(', ');
    if (verdict.overall === 'pass') {
      console.log(`merge: the merged profile passes (${flows}): ${verdict.reportFile}`);
      return 0;
    }
    if (verdict.overall === 'not-measured') {
      console.error(`merge: the merged run measured nothing (${verdict.stopReason ?? 'no flow reported'}): ${verdict.reportFile}`);
      return 1;
    }
    console.error(
      `merge: the merged profile is FAIL (${flows}); stop condition(s):\n${verdict.failedConditions.map((c) => `  - ${c}`).join('\n')}\nreport: ${verdict.reportFile}`,
    );
    return 1;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`merge: ${error.message}\n${USAGE}`);
    return 2;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = mergeCli(process.argv.slice(2));
