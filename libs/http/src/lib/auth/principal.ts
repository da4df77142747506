import type { Role } from '@causeway/domain';

/** The caller, resolved from its API key; `name` is recorded as `actor` on every event it causes. */
export interface Principal {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
    /** Set by the idempotency interceptor: makes the command's event ids deterministic. */
    idempotencySeed?: string;
  }
}
