import type { Clock } from '@causeway/application';
import type { CausewayConfig } from '@causeway/config';

/**
 * What a process does: `all` is the all-in-one server (the embedded default); `api` serves HTTP
 * without projecting; `projector` keeps the read models current and serves only health checks.
 */
export type CausewayRole = 'all' | 'api' | 'projector';

export interface CausewayModuleOptions {
  readonly config: CausewayConfig;
  readonly role?: CausewayRole;
  /** Tests inject a fixed clock; production uses the system clock. */
  readonly clock?: Clock;
}
