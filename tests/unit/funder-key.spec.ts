// Issue 15 item 8: live-mode funder keys per shard from one secret (config/funder-key.ts), and the refusals that
// keep two machines from paying from one account.
import { expect, test } from '@playwright/test';
import { ConfigError, maskValue } from '../../config/env.ts';
import { funderCli } from '../../scripts/funder.ts';
import { derivedFunder, funderKey } from '../../config/funder-key.ts';

// The well-known development phrase (hardhat's and anvil's): its accounts are published, so the vectors are checkable.
const DEV = 'test test test test test test test test test test test junk';
const DEV_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

test('each shard derives an account of its own from the phrase; an unsharded run takes index 0', () => {
  expect(derivedFunder(DEV, 0).address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
  expect(derivedFunder(DEV, 1).address).toBe('0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
  const unsharded = funderKey({ FUNDER_MNEMONIC: DEV }, null);
  expect(unsharded).toEqual({ privateKey: DEV_KEY, from: "FUNDER_MNEMONIC m/44'/60'/0'/0/0" });
  const keys = [1, 2, 3, 4].map((current) => funderKey({ FUNDER_MNEMONIC: DEV }, { current, total: 4 }));
  expect(new Set(keys.map((k) => k.privateKey)).size).toBe(4);
  expect(keys[1]!.from).toBe("FUNDER_MNEMONIC m/44'/60'/0'/0/2 (shard 2)");
});

test('one private key across shards is refused: their nonces would collide', () => {
  expect(funderKey({ FUNDER_PRIVATE_KEY: DEV_KEY }, null).from).toBe('FUNDER_PRIVATE_KEY');
  expect(funderKey({ FUNDER_PRIVATE_KEY: DEV_KEY }, { current: 1, total: 1 }).privateKey).toBe(DEV_KEY);
  expect(() => funderKey({ FUNDER_PRIVATE_KEY: DEV_KEY }, { current: 2, total: 4 })).toThrow(
    /--shard=2\/4 with FUNDER_PRIVATE_KEY: every shard would pay from the one account/,
  );
  expect(() => funderKey({ FUNDER_PRIVATE_KEY: DEV_KEY, FUNDER_MNEMONIC: DEV }, null)).toThrow(/both set/);
  expect(() => funderKey({}, null)).toThrow(/FUNDER_PRIVATE_KEY=\(unset\) or FUNDER_MNEMONIC=\(unset\)/);
});

test('a phrase that is not BIP-39 is refused without echoing a word of it', () => {
  const bad = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu';
  let error: unknown;
  try {
    funderKey({ FUNDER_MNEMONIC: bad }, null);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toContain('FUNDER_MNEMONIC=*** (12 words) is not a BIP-39 mnemonic');
  for (const word of bad.split(' ')) expect((error as Error).message).not.toContain(` ${word} `);
  expect(maskValue('FUNDER_MNEMONIC', DEV)).toBe('*** (12 words)');
});

test('npm run funder -- addresses lists the accounts to fund, and refuses bad input with exit 2', () => {
  const printed: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (line: string) => printed.push(line);
  console.error = (line: string) => printed.push(line);
  try {
    expect(funderCli(['addresses', '2'], { FUNDER_MNEMONIC: DEV })).toBe(0);
    expect(printed.join('\n').split('\n')).toEqual([
      "unsharded run    m/44'/60'/0'/0/0     0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
      "shard 1 of 2     m/44'/60'/0'/0/1     0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      "shard 2 of 2     m/44'/60'/0'/0/2     0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    ]);
    expect(printed.join('\n')).not.toContain(DEV_KEY.slice(2));
    printed.length = 0;
    expect(funderCli(['addresses', '0'], { FUNDER_MNEMONIC: DEV })).toBe(2);
    expect(funderCli(['addresses'], {})).toBe(2);
    expect(printed.join('\n')).toContain('FUNDER_MNEMONIC=(unset)');
  } finally {
    console.log = log;
    console.error = error;
  }
});
