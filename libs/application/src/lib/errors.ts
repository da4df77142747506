import { CausewayError } from '@causeway/domain';

/** The client's If-Match did not match the stream's version (HTTP 412): nothing was written. */
export class VersionConflictError extends CausewayError<'VERSION_CONFLICT'> {
  readonly code = 'VERSION_CONFLICT' as const;
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`The resource is at version ${actual}, the request expected version ${expected}`);
    this.name = 'VersionConflictError';
  }

  override get details(): Readonly<Record<string, unknown>> {
    return { expectedVersion: this.expected, currentVersion: this.actual };
  }
}

/** Concurrent writers kept winning; the command gave up after its retries (HTTP 503, safe to retry). */
export class ConcurrencyExhaustedError extends CausewayError<'CONCURRENCY_EXHAUSTED'> {
  readonly code = 'CONCURRENCY_EXHAUSTED' as const;
  constructor(
    readonly streamId: string,
    readonly attempts: number,
  ) {
    super(`Stream ${streamId} stayed contended after ${attempts} attempts`);
    this.name = 'ConcurrencyExhaustedError';
  }
}
