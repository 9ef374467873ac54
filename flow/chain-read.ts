// What the chain itself says about a payment, read straight from its RPC: the evidence probe's independent source.
import type { JsonRpcApiProvider, Provider } from 'ethers';
import { viaChainRpc } from '../driver/errors.ts';
import type { judgeChainEvidence } from './evidence.ts';
import type { ReceiptLike } from './transfers.ts';

const TX_HASH = /^0x[0-9a-fA-F]{64}$/;

/** Reads, from the chain itself, what the judge needs: its chain id, the latest block and every receipt. */
export async function readChain(provider: Provider, hashes: readonly string[]): Promise<Parameters<typeof judgeChainEvidence>[1]> {
  // Straight from the RPC where it can be: ethers answers getBlockNumber() from a short cache, and a block number from
  // before the confirmation would understate its confirmations; a static network would just repeat its configuration.
  const rpc = 'send' in provider ? (provider as JsonRpcApiProvider) : null;
  // First: the block closest to the moment the payment was seen confirmed (confirmations can only be overstated).
  const latestBlock = await viaChainRpc('reading the block number', async () =>
    rpc ? Number(await rpc.send('eth_blockNumber', [])) : provider.getBlockNumber(),
  );
  const chainId = await viaChainRpc('reading the chain id', async () =>
    Number(rpc ? await rpc.send('eth_chainId', []) : (await provider.getNetwork()).chainId),
  );
  const receipts = new Map<string, ReceiptLike | null>();
  for (const hash of new Set(hashes)) {
    if (!TX_HASH.test(hash)) {
      receipts.set(hash, null); // not a transaction hash: no chain has it
      continue;
    }
    const r = await viaChainRpc(`reading transaction ${hash}`, () => provider.getTransactionReceipt(hash));
    receipts.set(
      hash,
      r && {
        hash: r.hash,
        blockNumber: r.blockNumber,
        status: r.status,
        logs: r.logs.map((l) => ({ address: l.address, topics: l.topics, data: l.data, index: l.index })),
      },
    );
  }
  return { chainId, latestBlock, receipts };
}
