// Refusals that protect real money and real deployments. Checked before any
// request reaches the target.
import { ConfigError } from './config.ts';

/** Chain ids of production networks: live mode never pays on them. */
export const MAINNET_CHAIN_IDS: Record<number, string> = {
  1: 'Ethereum',
  10: 'Optimism',
  56: 'BNB Smart Chain',
  100: 'Gnosis',
  137: 'Polygon',
  250: 'Fantom',
  324: 'zkSync Era',
  8453: 'Base',
  42161: 'Arbitrum One',
  43114: 'Avalanche C-Chain',
  59144: 'Linea',
};

export function refuseMainnet(chainId: number): void {
  const name = MAINNET_CHAIN_IDS[chainId];
  if (name) {
    throw new ConfigError(`CHAIN_ID=${chainId} is ${name} mainnet: live mode only pays on test networks (e.g. BSC Testnet 97, a local 31337)`);
  }
}
