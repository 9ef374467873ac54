// Redis INFO: connected clients, memory, operations per second, and CPU
// seconds (a counter: the aggregate turns its deltas into a rate).
import { createClient } from 'redis';
import { ANSWER_TIMEOUT_MS, toMb, type Source } from '../types.ts';

/** `key:value` lines of INFO, numbers only. */
export function parseRedisInfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_0-9]+):(-?[0-9.]+)\r?$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

export function redisSource(redisUrl: string | undefined): Source {
  if (!redisUrl) return { sample: async () => ({ na: 'REDIS_URL is not set' }) };
  type Client = ReturnType<typeof createClient>;
  let client: Client | undefined;
  const connected = async (): Promise<Client> => {
    if (client?.isReady) return client;
    if (client?.isOpen) client.destroy();
    // No reconnect loop of its own: the next sample connects again, and reports the failure meanwhile.
    client = createClient({ url: redisUrl, socket: { connectTimeout: ANSWER_TIMEOUT_MS, reconnectStrategy: false } });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  return {
    async sample() {
      const info = parseRedisInfo(await (await connected()).info());
      const need = (key: string) => {
        const value = info.get(key);
        if (value === undefined) throw new Error(`Redis INFO has no ${key}`);
        return value;
      };
      return {
        connectedClients: need('connected_clients'),
        usedMemoryMb: toMb(need('used_memory')),
        opsPerSec: need('instantaneous_ops_per_sec'),
        cpuSeconds: Math.round((need('used_cpu_sys') + need('used_cpu_user')) * 1e6) / 1e6,
      };
    },
    close: async () => {
      if (client?.isOpen) client.destroy();
    },
  };
}
