import type { FastifyRequest } from 'fastify';
import type { JsonRpcProvider } from 'ethers';
import type { ComponentState } from '../../../contract/http.ts';
import type { Db } from '../db/pool.ts';
import type { Faults } from '../faults.ts';
import { HttpError } from './errors.ts';
import type { Metrics } from './metrics.ts';

export interface ChainConfig {
  chainId: number;
  tokenAddress: string;
  tokenSymbol: string;
  tokenDecimals: number;
  requiredConfirmations: number;
  rpcUrl: string;
  provider: JsonRpcProvider;
}

/** Everything a route may use. Built once in main.ts, passed to buildApp. */
export interface Deps {
  db: Db;
  chain: ChainConfig;
  faults: Faults;
  metrics: Metrics;
  jwtSecret: string;
  /** Neutered HD key; payment destinations are its children. */
  hdXpub: string;
  scannerUrl?: string;
  fixturesEnabled: boolean;
  /** POST /requests/:id/status (status mode) is registered; SANDBOX_STATUS_ROUTE=0 removes it. */
  statusRouteEnabled: boolean;
  paymentTtlMs: number;
  scannerTimeoutMs: number;
  gitSha: string;
  /** Component states as the launcher last reported them. */
  components: () => ComponentState[];
}

export interface AuthUser {
  id: string;
  role: 'buyer' | 'seller';
  username: string;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AuthUser;
    user: AuthUser;
  }
}

export async function authenticate(req: FastifyRequest): Promise<AuthUser> {
  try {
    return await req.jwtVerify<AuthUser>();
  } catch {
    throw new HttpError(401, 'unauthorized', 'a valid bearer token is required (Authorization: Bearer <token>)');
  }
}
