// The run's coordinator, in the Playwright runner process: the stage barrier
// (flows of a stage start together), the stage board (flows' ids for the
// cross-flow isolation probe; the P0 that stops a stage) and, in live mode,
// the funder (one nonce sequence, so workers never race on the funder's nonce;
// the funder key never enters a worker). Loopback HTTP on a port picked by the OS.
// On one machine: sharded runs share the barrier (Redis), not the board.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BARRIER_LEAD_MS, type BarrierArrival, type FlowIds, type StageStop } from '../contract/coordinator.ts';

interface Waiter {
  slot: number;
  respond: (status: number, body: unknown) => void;
}

/** Gives every flow of a generation the same start time, a moment after the last one arrives. */
export class StageBarrier {
  private readonly arrivals = new Map<string, number>();
  private readonly waiting = new Map<string, Waiter[]>();

  constructor(private readonly leadMs = BARRIER_LEAD_MS) {}

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

/**
 * What the flows of a stage share while it runs: each flow's ids (for the cross-flow isolation probe), and the
 * first P0 any of them saw, which stops the others (answered to their long-polls at once).
 */
export class StageBoard {
  private readonly ids = new Map<string, FlowIds[]>();
  private readonly stops = new Map<string, StageStop>();
  private readonly listeners = new Map<string, ((stop: StageStop) => void)[]>();

  publish(stage: string, ids: FlowIds): void {
    this.ids.set(stage, [...(this.ids.get(stage) ?? []), ids]);
  }

  /** Up to `n` flows of the stage other than `workerId`, the most recent first. */
  others(stage: string, workerId: string, n = 3): FlowIds[] {
    return (this.ids.get(stage) ?? [])
      .filter((f) => f.workerId !== workerId)
      .slice(-n)
      .reverse();
  }

  stop(stage: string, stop: StageStop): void {
    if (this.stops.has(stage)) return;
    this.stops.set(stage, stop);
    for (const listener of this.listeners.get(stage) ?? []) listener(stop);
    this.listeners.delete(stage);
  }

  /** Calls `listener` when the stage is stopped (at once if it already is); returns the function that cancels it. */
  onStop(stage: string, listener: (stop: StageStop) => void): () => void {
    const stopped = this.stops.get(stage);
    if (stopped) {
      listener(stopped);
      return () => undefined;
    }
    this.listeners.set(stage, [...(this.listeners.get(stage) ?? []), listener]);
    return () =>
      this.listeners.set(
        stage,
        (this.listeners.get(stage) ?? []).filter((l) => l !== listener),
      );
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
  const board = new StageBoard();
  const server: Server = createServer(async (req, res: ServerResponse) => {
    const respond = (status: number, body: unknown) => {
      if (res.writableEnded) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 204 ? undefined : JSON.stringify(body));
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
      const url = new URL(req.url ?? '/', 'http://coordinator');
      const stage = url.searchParams.get('stage');
      if (stage && req.method === 'POST' && url.pathname === '/ids') {
        const { workerId, requestId, paymentId } = body as Partial<FlowIds>;
        if (typeof workerId !== 'string' || typeof requestId !== 'string')
          return respond(400, { error: 'ids needs { workerId, requestId, paymentId }' });
        board.publish(stage, { workerId, requestId, paymentId: typeof paymentId === 'string' ? paymentId : null });
        return respond(204, null);
      }
      if (stage && req.method === 'GET' && url.pathname === '/ids') {
        return respond(200, { flows: board.others(stage, url.searchParams.get('except') ?? '') });
      }
      if (stage && req.method === 'POST' && url.pathname === '/p0') {
        const { workerId, what } = body as Partial<StageStop>;
        if (typeof workerId !== 'string' || typeof what !== 'string') return respond(400, { error: 'p0 needs { workerId, what }' });
        board.stop(stage, { workerId, what });
        return respond(204, null);
      }
      // Long-poll: answered when a P0 stops the stage; a flow that ends first closes it.
      if (stage && req.method === 'GET' && url.pathname === '/stop') {
        const cancel = board.onStop(stage, (stop) => respond(200, stop));
        res.once('close', cancel);
        return;
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
