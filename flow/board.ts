// A flow's side of the stage board (runner/coordinator.ts): publish its ids, read other flows' ids for the
// cross-flow isolation probe, report a P0, and learn when another flow's P0 stopped the stage.
import type { FlowIds, StageStop } from '../contract/coordinator.ts';

export interface Board {
  publish: (ids: FlowIds) => Promise<void>;
  others: (workerId: string) => Promise<FlowIds[]>;
  reportP0: (stop: StageStop) => Promise<void>;
  /** Resolves when the stage is stopped; rejects (AbortError) when `signal` aborts first. */
  stopped: (signal: AbortSignal) => Promise<StageStop>;
}

export function stageBoard(coordinatorUrl: string, stage: string): Board {
  const at = (path: string, query: Record<string, string> = {}) =>
    `${coordinatorUrl}${path}?${new URLSearchParams({ stage, ...query }).toString()}`;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(at(path), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`coordinator ${path} answered ${res.status}`);
  };
  return {
    publish: (ids) => post('/ids', ids),
    others: async (workerId) => {
      const res = await fetch(at('/ids', { except: workerId }), { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`coordinator /ids answered ${res.status}`);
      return ((await res.json()) as { flows: FlowIds[] }).flows;
    },
    reportP0: (stop) => post('/p0', stop),
    stopped: async (signal) => {
      const res = await fetch(at('/stop'), { signal });
      return (await res.json()) as StageStop;
    },
  };
}
