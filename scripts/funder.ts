// npm run funder -- addresses [shards]
//
// The accounts a live run pays from when FUNDER_MNEMONIC is set (config/funder-key.ts): index 0 for an unsharded
// run, and one per shard, m/44'/60'/0'/0/<shard>. Fund each with gas and tokens before a sharded live ramp. Prints
// addresses only: no key, and the phrase is read from the environment (or .env), never from the command line.
// Exit code: 0 printed, 2 usage or no valid FUNDER_MNEMONIC.
import 'dotenv/config';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../config/env.ts';
import { derivedFunder, funderPath } from '../config/funder-key.ts';

const USAGE = 'usage: FUNDER_MNEMONIC=... npm run funder -- addresses [shards]   (shards: 1-64, default 1)';

export function funderCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const [verb, count = '1', ...rest] = args;
  const shards = Number(count);
  if (verb !== 'addresses' || rest.length > 0 || !Number.isInteger(shards) || shards < 1 || shards > 64) {
    console.error(`funder: expected \`addresses [shards]\` with shards 1-64, got ${JSON.stringify(args.join(' '))}\n${USAGE}`);
    return 2;
  }
  const mnemonic = env.FUNDER_MNEMONIC?.trim();
  if (!mnemonic) {
    console.error(`funder: FUNDER_MNEMONIC=(unset): the accounts are derived from it\n${USAGE}`);
    return 2;
  }
  try {
    const rows = [0, ...Array.from({ length: shards > 1 ? shards : 0 }, (_, i) => i + 1)].map((index) => {
      const who = index === 0 ? 'unsharded run' : `shard ${index} of ${shards}`;
      return `${who.padEnd(16)} ${funderPath(index).padEnd(20)} ${derivedFunder(mnemonic, index).address}`;
    });
    console.log(rows.join('\n'));
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`funder: ${error.message}`);
    return 2;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = funderCli(process.argv.slice(2));
