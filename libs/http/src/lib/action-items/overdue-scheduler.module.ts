import { Logger, Module } from '@nestjs/common';
import { ActionItemCommands, CLOCK, CommandHandler, OverdueScheduler, type Clock } from '@causeway/application';
import { CAUSEWAY_CONFIG, type CausewayConfig } from '@causeway/config';
import type { EventStore } from '@causeway/event-store';
import { ActionItemQueries, Projector } from '@causeway/read-models';
import type { DataSource } from 'typeorm';
import { AuthModule } from '../auth/auth.module';
import { EventStoreModule } from '../event-store/event-store.module';
import { ProjectionModule } from '../projection/projection.module';
import { EVENT_STORE, READ_MODEL_DATA_SOURCE } from '../tokens';
import { OverdueSchedulerJob } from './overdue-scheduler.job';

/**
 * The action items' commands and read model, and the scheduler that marks them overdue with them.
 * It has no controller because the projector process runs it without the HTTP API; the
 * action-items module builds its routes on what this one exports.
 *
 * AuthModule is imported for the order of start-up only: Nest starts imported modules first, so the
 * first admin key exists before the scheduler starts (and it stops before the projector does).
 */
@Module({
  imports: [EventStoreModule, ProjectionModule, AuthModule],
  providers: [
    { provide: ActionItemQueries, useFactory: (dataSource: DataSource) => new ActionItemQueries(dataSource), inject: [READ_MODEL_DATA_SOURCE] },
    {
      provide: ActionItemCommands,
      useFactory: (handler: CommandHandler, store: EventStore) => new ActionItemCommands(handler, store),
      inject: [CommandHandler, EVENT_STORE],
    },
    {
      provide: OverdueScheduler,
      useFactory: (queries: ActionItemQueries, commands: ActionItemCommands, clock: Clock, projector: Projector, config: CausewayConfig) =>
        new OverdueScheduler(queries, commands, clock, {
          intervalMs: config.CAUSEWAY_SCHEDULER_INTERVAL_MS,
          waitForProjection: (position) => projector.waitFor(position, 30_000),
          logger: new Logger('OverdueScheduler'),
        }),
      inject: [ActionItemQueries, ActionItemCommands, CLOCK, Projector, CAUSEWAY_CONFIG],
    },
    OverdueSchedulerJob,
  ],
  exports: [ActionItemQueries, ActionItemCommands],
})
export class OverdueSchedulerModule {}
