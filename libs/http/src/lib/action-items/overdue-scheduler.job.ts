import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { OverdueScheduler } from '@causeway/application';
import type { CausewayRole } from '../causeway.options';
import { CAUSEWAY_ROLE } from '../tokens';

/**
 * API replicas only serve requests; the processes that project also watch due dates. Every one of
 * them may run it at once (deterministic event ids make a repeated mark a no-op).
 */
@Injectable()
export class OverdueSchedulerJob implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(CAUSEWAY_ROLE) private readonly role: CausewayRole,
    private readonly scheduler: OverdueScheduler,
  ) {}

  onApplicationBootstrap(): void {
    if (this.role !== 'api') this.scheduler.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.scheduler.stop();
  }
}
