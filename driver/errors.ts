// Infrastructure failures are typed errors; HTTP 4xx/5xx are values (ApiResult).

export class TargetUnreachableError extends Error {
  override readonly name = 'TargetUnreachableError';
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`cannot reach ${url}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

export class TargetTimeoutError extends Error {
  override readonly name = 'TargetTimeoutError';
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`${url} did not answer within ${timeoutMs} ms (outcome unknown)`);
  }
}

/** The target answered 2xx with a body that does not match the contract. */
export class ContractViolationError extends Error {
  override readonly name = 'ContractViolationError';
  constructor(
    readonly op: string,
    readonly detail: string,
  ) {
    super(`${op}: response does not match the contract: ${detail}`);
  }
}

/** The chain's JSON-RPC endpoint failed a call the flow made itself (sending a transfer, reading blocks): an external dependency. */
export class ChainRpcError extends Error {
  override readonly name = 'ChainRpcError';
  constructor(
    readonly action: string,
    cause: unknown,
  ) {
    super(`chain RPC failed while ${action}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/** Runs a call to the chain's RPC; any failure becomes a ChainRpcError naming what the flow was doing. */
export async function viaChainRpc<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new ChainRpcError(action, err);
  }
}
