// The embedded sandbox's state file, written by sandbox/src/launcher/cli.ts
// (mode 0600): the secrets the suite needs from it - the funder key, the
// Postgres URL - travel through this file, never through a terminal.
import { existsSync, readFileSync } from 'node:fs';

export interface SandboxState {
  url: string;
  rpcUrl: string;
  pgUrl: string;
  chainId: number;
  tokenAddress: string;
  funderPrivateKey: string;
  /** The second API dialect's URL, when the sandbox serves one (SANDBOX_DIALECT). */
  dialectUrl?: string;
  /** The web front end's URL (issue 16), when the sandbox serves one. */
  webUrl?: string;
  pid: number;
}

/** The state of the sandbox this run started; undefined when SANDBOX_STATE_FILE is unset or not written. */
export function readSandboxState(file = process.env.SANDBOX_STATE_FILE): SandboxState | undefined {
  return file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SandboxState) : undefined;
}
