import { Logger, Module } from '@nestjs/common';
import type { EventStore } from '@causeway/event-store';
import { Projector } from '@causeway/read-models';
import type { DataSource } from 'typeorm';
import type { CausewayRole } from '../causeway.options';
import { EventStoreModule } from '../event-store/event-store.module';
import { CAUSEWAY_ROLE, EVENT_STORE, READ_MODEL_DATA_SOURCE } from '../tokens';
import { ProjectorLifecycle } from './projector.lifecycle';

/**
 * The projector that keeps the read models current. Every module that reads them or waits for
 * them (read-your-writes) imports this one, so Nest starts it before them and stops it after them.
 */
@Module({
  imports: [EventStoreModule],
  providers: [
    {
      provide: Projector,
      useFactory: (store: EventStore, dataSource: DataSource, role: CausewayRole) =>
        // An API replica follows the checkpoint a projector process commits; the others compete to lead.
        new Projector(store, dataSource, new Logger('Projector'), { role: role === 'api' ? 'follower' : 'candidate' }),
      inject: [EVENT_STORE, READ_MODEL_DATA_SOURCE, CAUSEWAY_ROLE],
    },
    ProjectorLifecycle,
  ],
  exports: [Projector],
})
export class ProjectionModule {}
