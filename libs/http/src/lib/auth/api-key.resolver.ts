import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { hashApiKey } from '@causeway/application';
import { CAUSEWAY_CONFIG, type CausewayConfig } from '@causeway/config';
import { ApiKeyQueries, Projector } from '@causeway/read-models';
import { timingSafeEqual } from 'node:crypto';
import type { Principal } from './principal';

const BOOTSTRAP_PRINCIPAL: Principal = { keyId: 'bootstrap', name: 'bootstrap-admin', role: 'admin' };

/**
 * Resolves a presented key to its principal by hash. Lookups are cached (every request needs one);
 * the cache is dropped whenever the projector applies an API-key event, so a revoked key is refused
 * on the very next request.
 */
@Injectable()
export class ApiKeyResolver implements OnModuleDestroy {
  private readonly cache = new Map<string, Principal | null>();
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(CAUSEWAY_CONFIG) private readonly config: CausewayConfig,
    private readonly keys: ApiKeyQueries,
    projector: Projector,
  ) {
    this.unsubscribe = projector.onApplied(({ events }) => {
      if (events.some((event) => event.type === 'ApiKeyCreated' || event.type === 'ApiKeyRevoked')) this.cache.clear();
    });
  }

  async resolve(key: string): Promise<Principal | null> {
    const bootstrap = this.config.CAUSEWAY_BOOTSTRAP_ADMIN_KEY;
    if (bootstrap && safeEqual(key, bootstrap)) return BOOTSTRAP_PRINCIPAL;
    const hash = hashApiKey(key);
    const cached = this.cache.get(hash);
    if (cached !== undefined) return cached;
    const row = await this.keys.findByHash(hash);
    const principal = row && !row.revokedAt ? { keyId: row.id, name: row.name, role: row.role } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, principal);
    return principal;
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
