// A flow's name, from where it sits in its stage, unique per run: the worker
// process that ran it does not enter (Playwright gives every repeat index its
// own worker process and reuses parallel indexes, so those repeat across rounds).
import { stageName } from './stages.ts';

export interface FlowPlace {
  stage: number;
  /** The test's repeat index in its stage project: level × ROUNDS of them (one per worker in fixed-duration mode). */
  repeatEachIndex: number;
  /** Worker processes of the stage (level ÷ FLOWS_PER_WORKER). */
  workers: number;
  /** The nth flow this test has started in this slot, from 1 (more than 1 only in fixed-duration mode). */
  nth: number;
  /** The slot, when one test runs several flows at once (FLOWS_PER_WORKER > 1). */
  slot?: number;
  /** This machine's shard, when the run is sharded. */
  shard?: number;
}

/** Round 2 is the stage's second generation of flows: a ROUNDS repeat, or the next flow of a fixed-duration slot. */
export function roundOf(place: Pick<FlowPlace, 'repeatEachIndex' | 'workers' | 'nth'>): number {
  return Math.floor(place.repeatEachIndex / place.workers) + place.nth;
}

/** C8-W03, C8-W03-R2 (second round), C8-S2-W03 (shard 2), C256-W03-F05 (slot 5 of a multi-flow worker). */
export function flowId(place: FlowPlace): string {
  const round = roundOf(place);
  const shard = place.shard === undefined ? '' : `-S${place.shard}`;
  const worker = `-W${String((place.repeatEachIndex % place.workers) + 1).padStart(2, '0')}`;
  const slot = place.slot === undefined ? '' : `-F${String(place.slot + 1).padStart(2, '0')}`;
  return `${stageName(place.stage)}${shard}${worker}${slot}${round > 1 ? `-R${round}` : ''}`;
}
