// Refusals that protect real money and real deployments. Checked before any
// request reaches the target.
import { ConfigError } from '../config/env.ts';

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

/** The deliberately named override that allows live payments on a mainnet. */
export const MAINNET_OVERRIDE = 'ESCROW_RAMP_ALLOW_MAINNET_PAYMENTS';

export function refuseMainnet(chainId: number, env: NodeJS.ProcessEnv = process.env): void {
  const name = MAINNET_CHAIN_IDS[chainId];
  if (name && env[MAINNET_OVERRIDE] !== `${chainId}`) {
    throw new ConfigError(
      `CHAIN_ID=${chainId} is ${name} mainnet: live mode only pays on test networks (e.g. BSC Testnet 97, a local 31337); ` +
        `to spend real funds anyway set ${MAINNET_OVERRIDE}=${chainId}`,
    );
  }
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]', '::1'];

/** Fixture deposits exist only on test deployments: fixture mode targets loopback or FIXTURE_ALLOWED_HOSTS only. */
export function refuseFixtureHost(baseUrl: string, allowed: readonly string[]): void {
  const host = new URL(baseUrl).hostname.toLowerCase();
  const ok = LOOPBACK.includes(host) || /^127\.\d+\.\d+\.\d+$/.test(host) || allowed.map((h) => h.toLowerCase()).includes(host);
  if (!ok) {
    throw new ConfigError(
      `PAYMENT_MODE=fixture against host "${host}" is refused: fixture deposits must never reach a production deployment; ` +
        `allowed hosts are loopback${allowed.length ? ` and ${allowed.join(', ')}` : ''} (add it to FIXTURE_ALLOWED_HOSTS if it is a test deployment)`,
    );
  }
}
