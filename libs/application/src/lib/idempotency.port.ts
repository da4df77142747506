/**
 * Remembers the response to a request that carried an `Idempotency-Key`, so that a repeat with the
 * same key and body gets the same answer and appends nothing (docs/api.md, section 5).
 */
export interface IdempotencyRecord {
  /** Who may reuse the key: keys are scoped per API key, so two clients never collide. */
  readonly scope: string;
  readonly key: string;
  /** sha256 of method + path + canonical body: a different body under the same key is refused. */
  readonly requestHash: string;
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly createdAt: string;
}

export interface IdempotencyStore {
  find(scope: string, key: string): Promise<IdempotencyRecord | null>;
  /** Stores the record unless one exists for (scope, key); returns the one that is stored. */
  save(record: IdempotencyRecord): Promise<IdempotencyRecord>;
  /** Deletes records created before `cutoff` (ISO time); returns how many. */
  purgeBefore(cutoff: string): Promise<number>;
}

export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');
