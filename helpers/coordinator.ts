// The run's coordinator, in the Playwright runner process: the stage barrier
// (flows of a stage start together) and, in live mode, the funder (one nonce
// sequence, so workers never race on the funder's nonce; the funder key never
// enters a worker). Loopback HTTP on a port picked by the OS.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BarrierArrival {
  /** 0-based position of this flow within its generation (the W number - 1). */
  slot: number;
  /** 0-based generation: round - 1. */
  generation: number;
  /** Epoch ms at which every flow of the generation starts. */
  releaseAt: number;
}

interface Waiter {
  slot: number;
  respond: (status: number, body: unknown) => void;
}

/** Gives every flow of a generation the same start time, a moment after the last one arrives. */
export class StageBarrier {
  private readonly arrivals = new Map<string, number>();
  private readonly waiting = new Map<string, Waiter[]>();

  constructor(private readonly leadMs = 100) {}

  /**
   * A flow whose setup failed still arrives, with `abandoned`: it is answered at once and
   * counts as a party, so the rest of its generation starts without waiting for it.
   */
  arrive(stage: string, parties: number, timeoutMs: number, respond: (status: number, body: unknown) => void, abandoned = false): void {
    const n = this.arrivals.get(stage) ?? 0;
    this.arrivals.set(stage, n + 1);
    const generation = Math.floor(n / parties);
    const key = `${stage}#${generation}`;
    const waiters = this.waiting.get(key) ?? [];
    let done = false;
    const once = (status: number, body: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      respond(status, body);
    };
    const timer = setTimeout(() => {
      const list = this.waiting.get(key) ?? [];
      once(408, { error: `barrier ${stage} round ${generation + 1}: ${list.length} of ${parties} flows arrived within ${timeoutMs} ms` });
    }, timeoutMs);
    if (abandoned) {
      once(200, { slot: n % parties, generation, releaseAt: Date.now() } satisfies BarrierArrival);
      waiters.push({ slot: n % parties, respond: () => undefined });
    } else waiters.push({ slot: n % parties, respond: once });
    this.waiting.set(key, waiters);
    if (waiters.length === parties) {
      this.waiting.delete(key);
      const releaseAt = Date.now() + this.leadMs;
      for (const w of waiters) w.respond(200, { slot: w.slot, generation, releaseAt } satisfies BarrierArrival);
    }
  }
}

export type FundHandler = (address: string) => Promise<{ txHashes: string[] }>;

export interface Coordinator {
  url: string;
  close: () => Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body ? (JSON.parse(body) as Record<string, unknown>) : {};
}

export async function startCoordinator(options: { fund?: FundHandler } = {}): Promise<Coordinator> {
  const barrier = new StageBarrier();
  const server: Server = createServer(async (req, res: ServerResponse) => {
    const respond = (status: number, body: unknown) => {
      if (res.writableEnded) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      const body = await readJson(req);
      if (req.method === 'POST' && req.url === '/barrier') {
        const { stage, parties, timeoutMs, abandoned } = body as {
          stage?: string;
          parties?: number;
          timeoutMs?: number;
          abandoned?: boolean;
        };
        if (typeof stage !== 'string' || !Number.isInteger(parties) || parties! < 1 || !Number.isInteger(timeoutMs)) {
          return respond(400, { error: 'barrier needs { stage: string, parties: integer >= 1, timeoutMs: integer }' });
        }
        return barrier.arrive(stage, parties!, timeoutMs!, respond, abandoned === true);
      }
      if (req.method === 'POST' && req.url === '/fund') {
        if (!options.fund) return respond(409, { error: 'funding is available in live mode only' });
        if (typeof body.address !== 'string') return respond(400, { error: 'fund needs { address }' });
        return respond(200, await options.fund(body.address));
      }
      respond(404, { error: `${req.method} ${req.url} is not a coordinator route` });
    } catch (err) {
      respond(500, { error: (err as Error).message });
    }
  });
  server.keepAliveTimeout = 0;
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
