import type { Role } from '@causeway/domain';
import type { IncomingHttpHeaders } from 'node:http';

/** The caller, resolved from its API key; `name` is recorded as `actor` on every event it causes. */
export interface Principal {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
}

/** What the guard and the idempotency interceptor add to a request, whichever HTTP platform carries it. */
export interface CausewayRequest {
  readonly headers: IncomingHttpHeaders;
  principal?: Principal;
  /** Set by the idempotency interceptor: makes the command's event ids deterministic. */
  idempotencySeed?: string;
}
