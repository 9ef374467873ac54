// Live mode: the run's funder gives each flow's buyer wallet gas and tUSDT.
// Runs in the runner process only (the key never reaches a worker); one
// NonceManager serialises the funder's nonces across concurrent requests.
import {
  Contract,
  JsonRpcProvider,
  NonceManager,
  Wallet,
  formatEther,
  formatUnits,
  parseEther,
  type ContractTransactionResponse,
} from 'ethers';
import { ConfigError } from '../config/env.ts';
import { ERC20_ABI } from '../contract/erc20.ts';
import { refuseMainnet } from './safety.ts';

/** What one flow's buyer receives: gas for two transfers, and the most a flow can pay. */
export const FLOW_GAS_WEI = parseEther('0.01');
export const FLOW_TOKENS = 100n;

export interface Funder {
  fund: (address: string) => Promise<{ txHashes: string[] }>;
  close: () => void;
}

export async function createFunder(opts: {
  rpcUrl: string;
  chainId: number;
  tokenAddress: string;
  privateKey: string;
  /** Where the key comes from, named when the account cannot fund the run (default: the funder). */
  from?: string;
  flows: number;
}): Promise<Funder> {
  const provider = new JsonRpcProvider(opts.rpcUrl, opts.chainId, { staticNetwork: true });
  // Trust the node, not the configuration: a mainnet RPC behind a testnet CHAIN_ID must still be refused.
  const actual = Number(await provider.send('eth_chainId', []));
  refuseMainnet(actual);
  if (actual !== opts.chainId) {
    throw new ConfigError(
      `RPC_URL serves chain ${actual}, but the run expects CHAIN_ID=${opts.chainId}`,
      `point RPC_URL at a node of chain ${opts.chainId}, or set CHAIN_ID=${actual} if that is the chain the backend uses`,
    );
  }
  const wallet = new Wallet(opts.privateKey, provider);
  const token = new Contract(opts.tokenAddress, ERC20_ABI, provider);
  const decimals = Number(await token.getFunction('decimals')());
  const perFlowTokens = FLOW_TOKENS * 10n ** BigInt(decimals);
  const [gas, tokens] = await Promise.all([
    provider.getBalance(wallet.address),
    token.getFunction('balanceOf')(wallet.address) as Promise<bigint>,
  ]);
  const needGas = FLOW_GAS_WEI * BigInt(opts.flows) * 2n; // the funder's own gas is of the same order
  const needTokens = perFlowTokens * BigInt(opts.flows);
  if (gas < needGas || tokens < needTokens) {
    throw new ConfigError(
      `funder ${wallet.address}${opts.from ? ` (${opts.from})` : ''} cannot fund ${opts.flows} flows: it needs ${formatEther(needGas)} native and ` +
        `${formatUnits(needTokens, decimals)} tokens, it has ${formatEther(gas)} and ${formatUnits(tokens, decimals)}`,
      `send the funder what it lacks on chain ${actual}, or run fewer flows (fewer stages with --project, or a lower ROUNDS)`,
    );
  }
  const signer = new NonceManager(wallet);
  const erc20 = token.connect(signer) as Contract;
  // Sends one at a time: concurrent sends can reach the node out of nonce order, and a node that
  // mines on every transaction (hardhat) rejects a nonce gap instead of queueing it.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(send: () => Promise<T>): Promise<T> => {
    const sent = queue.then(send);
    queue = sent.catch(() => undefined);
    return sent;
  };
  return {
    fund: async (address) => {
      const gasTx = await serial(() => signer.sendTransaction({ to: address, value: FLOW_GAS_WEI }));
      const tokenTx = await serial(() => erc20.getFunction('transfer')(address, perFlowTokens) as Promise<ContractTransactionResponse>);
      await Promise.all([gasTx.wait(), tokenTx.wait()]);
      return { txHashes: [gasTx.hash, tokenTx.hash] };
    },
    close: () => provider.destroy(),
  };
}
