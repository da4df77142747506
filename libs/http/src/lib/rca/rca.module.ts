import { Module } from '@nestjs/common';
import { CAUSE_CATEGORIES, CommandHandler, defaultCauseCategories, RcaCommands } from '@causeway/application';
import { CAUSEWAY_CONFIG, type CausewayConfig } from '@causeway/config';
import type { CauseCategory } from '@causeway/domain';
import type { EventStore } from '@causeway/event-store';
import { EventStoreModule } from '../event-store/event-store.module';
import { ProjectionModule } from '../projection/projection.module';
import { EVENT_STORE } from '../tokens';
import { RcaController } from './rca.controller';
import { RcaService } from './rca.service';

/** The root-cause analysis of an incident: its draft, review workflow and the cause taxonomy. */
@Module({
  imports: [EventStoreModule, ProjectionModule],
  controllers: [RcaController],
  providers: [
    // The cause taxonomy: CAUSEWAY_CAUSE_TAXONOMY_FILE when set, else the shipped default.
    {
      provide: CAUSE_CATEGORIES,
      useFactory: (config: CausewayConfig): readonly CauseCategory[] => config.causeTaxonomy ?? defaultCauseCategories(),
      inject: [CAUSEWAY_CONFIG],
    },
    {
      provide: RcaCommands,
      useFactory: (handler: CommandHandler, store: EventStore, categories: readonly CauseCategory[]) => new RcaCommands(handler, store, categories),
      inject: [CommandHandler, EVENT_STORE, CAUSE_CATEGORIES],
    },
    RcaService,
  ],
  exports: [RcaService],
})
export class RcaModule {}
