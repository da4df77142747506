import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ApiKeyCommands, CLOCK, deterministicId, IDEMPOTENCY_STORE, OverdueScheduler, type Clock, type IdempotencyStore } from '@causeway/application';
import { AlreadyExistsError } from '@causeway/domain';
import { CAUSEWAY_CONFIG, type CausewayConfig } from '@causeway/config';
import type { EventStore } from '@causeway/event-store';
import { ApiKeyQueries, Projector } from '@causeway/read-models';
import type { DataSource } from 'typeorm';
import type { CausewayRole } from './causeway.module';
import { CAUSEWAY_ROLE, EVENT_STORE, READ_MODEL_DATA_SOURCE } from './tokens';

/** API.md keeps idempotency keys at least 24 h; older ones are purged hourly. */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Starts the projector and the overdue scheduler, creates the first admin key on an empty install,
 * and closes stores in order on shutdown.
 */
@Injectable()
export class CausewayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Causeway');
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    @Inject(CAUSEWAY_CONFIG) private readonly config: CausewayConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotency: IdempotencyStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CAUSEWAY_ROLE) private readonly role: CausewayRole,
    private readonly projector: Projector,
    private readonly apiKeys: ApiKeyQueries,
    private readonly apiKeyCommands: ApiKeyCommands,
    private readonly overdueScheduler: OverdueScheduler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.projector.start();
    if (this.projector.isLeader()) await this.projector.catchUp();
    if (this.role !== 'projector') await this.createFirstAdminKey();
    // API replicas only serve requests; the processes that project also watch due dates. Every one of
    // them may run it at once (deterministic event ids make a repeated mark a no-op).
    if (this.role !== 'api') this.overdueScheduler.start();
    this.purgeTimer = setInterval(() => void this.purgeIdempotencyKeys(), PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    await this.overdueScheduler.stop();
    await this.projector.stop();
    await this.store.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /**
   * A fresh install has no key, so nobody could call the API: create an admin key and print it once.
   * Skipped when CAUSEWAY_BOOTSTRAP_ADMIN_KEY provides one.
   */
  private async createFirstAdminKey(): Promise<void> {
    if (this.config.CAUSEWAY_BOOTSTRAP_ADMIN_KEY || (await this.apiKeys.count()) > 0) return;
    let created;
    try {
      // A fixed id: API replicas starting together race for one stream, and exactly one wins.
      created = await this.apiKeyCommands.create({ name: 'admin', role: 'admin', id: deterministicId('causeway:first-admin-key') }, { actor: 'system' });
    } catch (error) {
      if (error instanceof AlreadyExistsError) return;
      throw error;
    }
    await this.projector.waitFor(created.position, 10_000);
    const line = '='.repeat(78);
    process.stdout.write(
      `\n${line}\n  No API key existed, so Causeway created an admin key. It is shown this once:\n\n    ${created.key}\n\n` +
        `  Use it as "Authorization: Bearer <key>", then create personal keys with POST /api/v1/api-keys.\n${line}\n\n`,
    );
    this.logger.warn({ keyId: created.id }, 'Created the first admin key and printed it to the console');
  }

  private async purgeIdempotencyKeys(): Promise<void> {
    try {
      const cutoff = new Date(this.clock.now().getTime() - IDEMPOTENCY_TTL_MS).toISOString();
      await this.idempotency.purgeBefore(cutoff);
    } catch (error) {
      this.logger.error({ err: error }, 'Purging idempotency keys failed');
    }
  }
}
