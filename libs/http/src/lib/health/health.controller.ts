import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { EventStore } from '@causeway/event-store';
import { Projector, withConnectionLock } from '@causeway/read-models';
import type { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { EVENT_STORE, READ_MODEL_DATA_SOURCE } from '../tokens';

/** Liveness says the process answers; readiness says its stores answer too (docs/api.md, section 13). */
@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly readModels: DataSource,
    private readonly projector: Projector,
  ) {}

  @Get()
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const session = this.indicators.check('eventStore');
        const ok = await this.store.ping().catch(() => false);
        return ok ? session.up({ backend: this.store.backend }) : session.down({ backend: this.store.backend });
      },
      async () => {
        const session = this.indicators.check('readStore');
        try {
          await withConnectionLock(this.readModels, () => this.readModels.query('SELECT 1'));
          return session.up({ checkpoint: await this.projector.checkpoint(), projectorLeader: this.projector.isLeader() });
        } catch (error) {
          return session.down({ message: error instanceof Error ? error.message : String(error) });
        }
      },
    ]);
  }
}
