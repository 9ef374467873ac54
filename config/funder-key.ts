// Which account pays the flows of a live run against a deployment. FUNDER_PRIVATE_KEY is one account: fine on one
// machine, where one NonceManager orders its transactions, but shards on several machines would each count that
// account's nonces on their own and collide. FUNDER_MNEMONIC gives every shard an account of its own from one secret:
// BIP-44 path m/44'/60'/0'/0/<index>, index 0 unsharded and the shard's number with --shard=<n>/<total>.
import { HDNodeWallet, Mnemonic } from 'ethers';
import { ConfigError } from './env.ts';

export const funderPath = (index: number): string => `m/44'/60'/0'/0/${index}`;

export interface FunderKey {
  privateKey: string;
  /** Where the key comes from, for messages: `FUNDER_PRIVATE_KEY`, or the mnemonic's path and shard. */
  from: string;
}

/** The account index a machine pays from: 0 unsharded, the shard's number (1-based) in a sharded run. */
export const funderIndex = (shard: { current: number; total: number } | null): number => (shard && shard.total > 1 ? shard.current : 0);

/** The derived account at `index` of a mnemonic; a phrase that is not BIP-39 is refused naming the variable, never echoing it. */
export function derivedFunder(mnemonic: string, index: number): HDNodeWallet {
  const phrase = mnemonic.trim().split(/\s+/).join(' ');
  if (!Mnemonic.isValidMnemonic(phrase))
    throw new ConfigError(
      `FUNDER_MNEMONIC=*** (${phrase.split(' ').length} words) is not a BIP-39 mnemonic (a word outside the English list, or a bad checksum)`,
      'set FUNDER_MNEMONIC to the 12-24 word phrase of the funding wallet',
    );
  return HDNodeWallet.fromPhrase(phrase, undefined, funderPath(index));
}

export function funderKey(
  env: { FUNDER_PRIVATE_KEY?: string | undefined; FUNDER_MNEMONIC?: string | undefined },
  shard: { current: number; total: number } | null,
): FunderKey {
  const sharded = shard !== null && shard.total > 1;
  if (env.FUNDER_PRIVATE_KEY && env.FUNDER_MNEMONIC)
    throw new ConfigError(
      'FUNDER_PRIVATE_KEY and FUNDER_MNEMONIC are both set: the run would not know which account pays',
      'unset one of them (FUNDER_MNEMONIC for sharded runs, where each shard derives an account of its own)',
    );
  if (env.FUNDER_MNEMONIC) {
    const index = funderIndex(shard);
    const wallet = derivedFunder(env.FUNDER_MNEMONIC, index);
    return { privateKey: wallet.privateKey, from: `FUNDER_MNEMONIC ${funderPath(index)}${sharded ? ` (shard ${shard.current})` : ''}` };
  }
  if (!env.FUNDER_PRIVATE_KEY)
    throw new ConfigError(
      'PAYMENT_MODE=live against BASE_URL needs FUNDER_PRIVATE_KEY=(unset) or FUNDER_MNEMONIC=(unset): the funder pays each flow',
      'set one of them, or run a PAYMENT_MODE that pays nothing (status, fixture, dry)',
    );
  if (sharded)
    throw new ConfigError(
      `--shard=${shard.current}/${shard.total} with FUNDER_PRIVATE_KEY: every shard would pay from the one account and their nonces would collide`,
      "set FUNDER_MNEMONIC instead (each shard pays from m/44'/60'/0'/0/<shard>; `npm run funder -- addresses <shards>` lists the accounts to fund)",
    );
  return { privateKey: env.FUNDER_PRIVATE_KEY, from: 'FUNDER_PRIVATE_KEY' };
}
