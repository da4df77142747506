import { Module } from '@nestjs/common';
import { CommandHandler, IncidentCommands } from '@causeway/application';
import { IncidentQueries, TimelineQueries } from '@causeway/read-models';
import type { DataSource } from 'typeorm';
import { OverdueSchedulerModule } from '../action-items/overdue-scheduler.module';
import { EventStoreModule } from '../event-store/event-store.module';
import { ProjectionModule } from '../projection/projection.module';
import { READ_MODEL_DATA_SOURCE } from '../tokens';
import { IncidentsController } from './incidents.controller';
import { IncidentsService } from './incidents.service';
import { TimelineStreamService } from './timeline-stream.service';

/** Incidents: commands, the summary and timeline read models, history, and the live timeline stream. */
@Module({
  // The action-item counts on every incident come from the action items' read model.
  imports: [EventStoreModule, ProjectionModule, OverdueSchedulerModule],
  controllers: [IncidentsController],
  providers: [
    { provide: IncidentQueries, useFactory: (dataSource: DataSource) => new IncidentQueries(dataSource), inject: [READ_MODEL_DATA_SOURCE] },
    { provide: TimelineQueries, useFactory: (dataSource: DataSource) => new TimelineQueries(dataSource), inject: [READ_MODEL_DATA_SOURCE] },
    { provide: IncidentCommands, useFactory: (handler: CommandHandler) => new IncidentCommands(handler), inject: [CommandHandler] },
    IncidentsService,
    TimelineStreamService,
  ],
  exports: [IncidentsService, TimelineQueries],
})
export class IncidentsModule {}
