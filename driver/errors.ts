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
