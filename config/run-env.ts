// Environment variables the global setup hands to the workers. Its own module: workers import it
// without loading what the global setup needs (the funder's ethers, the sampler, the coordinator).
/** Environment the runner hands to every worker. */
export const RUN_ENV = {
  target: 'ESCROW_TARGET_URL',
  coordinator: 'ESCROW_COORDINATOR_URL',
  rpcUrl: 'ESCROW_RPC_URL',
} as const;
