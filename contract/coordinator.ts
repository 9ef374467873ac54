// What workers and the run's coordinator (runner/coordinator.ts) tell each other over loopback HTTP.

/** A barrier releases this long after the last arrival, so every party can schedule the same instant (both barriers). */
export const BARRIER_LEAD_MS = 150;

export interface BarrierArrival {
  /** 0-based position of this flow within its generation (the W number - 1). */
  slot: number;
  /** 0-based generation: round - 1. */
  generation: number;
  /** Epoch ms at which every flow of the generation starts. */
  releaseAt: number;
}

/** The ids a flow owns, offered to its stage's other flows to try: each must be refused to them. */
export interface FlowIds {
  workerId: string;
  requestId: string;
  paymentId: string | null;
}

/** The P0 that stopped a stage: which flow saw it and what. */
export interface StageStop {
  workerId: string;
  what: string;
}
