// ERC-20 transfers as the chain records them: the Transfer event's topic, receipts and logs in the shape the
// evidence probe reads (ethers' types have these fields), and decoding them into who sent how much of which token.

/** keccak256("Transfer(address,address,uint256)"): the ERC-20 Transfer event's topic. */
export const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

/** A log as a receipt carries it (ethers' Log has these fields). */
export interface LogLike {
  address: string;
  topics: readonly string[];
  data: string;
  index: number;
}

/** A transaction receipt as the chain returns it (ethers' TransactionReceipt has these fields). */
export interface ReceiptLike {
  hash: string;
  blockNumber: number;
  /** 1 success, 0 reverted; null before Byzantium. */
  status: number | null;
  logs: readonly LogLike[];
}

/** One decoded ERC-20 Transfer. Addresses lower-cased. */
export interface Transfer {
  txHash: string;
  logIndex: number;
  blockNumber: number;
  token: string;
  from: string;
  to: string;
  value: bigint;
}

const lower = (a: string) => a.toLowerCase();
const topicAddress = (topic: string) => lower(`0x${topic.slice(-40)}`);

/**
 * The ERC-20 Transfer logs of successful receipts. A Transfer with a fourth topic is ERC-721 (the token id is
 * indexed), not a fungible amount: skipped, like logs of reverted transactions (which carry none anyway).
 */
export function decodeTransfers(receipts: Iterable<ReceiptLike>): Transfer[] {
  const out: Transfer[] = [];
  for (const r of receipts) {
    if (r.status === 0) continue;
    for (const log of r.logs) {
      if (lower(log.topics[0] ?? '') !== TRANSFER_TOPIC || log.topics.length !== 3) continue;
      let value: bigint;
      try {
        value = BigInt(log.data === '0x' ? 0 : log.data);
      } catch {
        continue;
      }
      out.push({
        txHash: r.hash,
        logIndex: log.index,
        blockNumber: r.blockNumber,
        token: lower(log.address),
        from: topicAddress(log.topics[1]!),
        to: topicAddress(log.topics[2]!),
        value,
      });
    }
  }
  return out;
}

/** Sum of transfers of `token` per destination. */
export function sumPerDestination(transfers: readonly Transfer[], token: string): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const t of transfers) if (t.token === lower(token)) sums.set(t.to, (sums.get(t.to) ?? 0n) + t.value);
  return sums;
}
