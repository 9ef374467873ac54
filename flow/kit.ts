// What one flow works with, as types: the run as a worker sees it, the flow's actors, and the kit the flows
// fixture hands each flow. The fixtures (fixtures/) build these; the flow (flow/) only uses them.
import type { Agent } from 'undici';
import type { Wallet } from 'ethers';
import type { ChainInfo, Version } from '../contract/http.ts';
import type { Capabilities } from '../driver/capabilities.ts';
import type { LoadedAdapter } from '../driver/load-adapter.ts';
import type { DriverOptions, EscrowDriver } from '../driver/types.ts';
import type { Inbox } from '../driver/inbox.ts';
import type { SuiteConfig } from '../config/env.ts';
import type { Board } from './board.ts';
import type { Tab } from './browser-tabs.ts';
import type { FlowRecorder } from './recorder.ts';

export interface Run {
  cfg: SuiteConfig;
  runId: string;
  /** Concurrency level of the stage this worker serves. */
  stage: number;
  targetUrl: string;
  coordinatorUrl: string;
  /** The target's chain facts; null when it offers none (then only the modes that need none run). */
  chain: ChainInfo | null;
  /** The target's versions; null when it offers none. */
  version: Version | null;
  agent: Agent;
  /** The target adapter (TARGET_ADAPTER, default the sandbox's) and what the target offers. */
  adapter: LoadedAdapter;
  capabilities: Capabilities;
  /** A driver on the worker's connection pool; a flow passes its recorder's onCall. */
  driver: (options?: Pick<DriverOptions, 'onCall' | 'keepBodies'>) => EscrowDriver;
  /** The system of record for probes: PG_URL, or the sandbox's own database. */
  pgUrl: string | undefined;
}

export interface Actor {
  label: string;
  id: string;
  username: string;
  password: string;
  token: string;
  /** A pre-provisioned user's requests and notifications from before this flow: not this flow's to judge. */
  before?: { requests: ReadonlySet<string>; notifications: ReadonlySet<string> };
}

export interface Actors {
  buyer: Actor;
  sellers: Actor[];
  /** A second buyer of this worker: must never see or touch the buyer's request. */
  outsider: Actor;
  all: Actor[];
  roleOf: (userId: string) => string;
}

/** Everything one flow uses. */
export interface FlowKit {
  run: Run;
  recorder: FlowRecorder;
  api: EscrowDriver;
  actors: Actors;
  inboxes: Map<string, Inbox>;
  /** Browser mode: every tab of the flow's users, signed in before the barrier; empty otherwise. */
  tabs: Tab[];
  /** Live mode: a fresh wallet funded with gas and tUSDT; null in other modes. */
  wallet: Wallet | null;
  /** The stage's board: this flow publishes its ids there and reads other flows'. */
  board: Board;
  /** Ends this flow's watch for a P0 elsewhere in the stage. */
  stopWatch: AbortController;
}
