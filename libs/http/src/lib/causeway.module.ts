import { Logger, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import {
  ActionItemCommands,
  ApiKeyCommands,
  CAUSE_CATEGORIES,
  CLOCK,
  CommandHandler,
  defaultCauseCategories,
  IDEMPOTENCY_STORE,
  IncidentCommands,
  OverdueScheduler,
  RcaCommands,
  systemClock,
  type Clock,
} from '@causeway/application';
import type { CauseCategory } from '@causeway/domain';
import { CAUSEWAY_CONFIG, type CausewayConfig } from '@causeway/config';
import type { EventStore } from '@causeway/event-store';
import { createEventStore, eventStoreConfig } from './event-store/event-store.factory';
import {
  ActionItemQueries,
  ApiKeyQueries,
  createReadModelDataSource,
  type ReadModelDataSourceOptions,
  IncidentQueries,
  Projector,
  TimelineQueries,
  TypeormIdempotencyStore,
} from '@causeway/read-models';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ActionItemsController } from './action-items/action-items.controller';
import { ActionItemsService } from './action-items/action-items.service';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuditController } from './audit/audit.controller';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeyResolver } from './auth/api-key.resolver';
import { IdempotencyInterceptor } from './common/idempotency.interceptor';
import { HealthController } from './health/health.controller';
import { IncidentsController } from './incidents/incidents.controller';
import { IncidentsService } from './incidents/incidents.service';
import { TimelineStreamService } from './incidents/timeline-stream.service';
import { CausewayLifecycle } from './lifecycle';
import { RcaController } from './rca/rca.controller';
import { ReportController } from './report/report.controller';
import { ReportService } from './report/report.service';
import { RcaService } from './rca/rca.service';
import { ProblemFilter } from './problem/problem.filter';
import { createValidationPipe } from './problem/validation';
import { CAUSEWAY_ROLE, EVENT_STORE, READ_MODEL_DATA_SOURCE } from './tokens';

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

/** Composes the adapters behind the ports: the embedded default is SQLite for the log and the read models. */
@Module({})
export class CausewayModule {
  static forRoot(options: CausewayModuleOptions): DynamicModule {
    const { config } = options;
    const role = options.role ?? 'all';
    const providers: Provider[] = [
      { provide: CAUSEWAY_CONFIG, useValue: config },
      { provide: CAUSEWAY_ROLE, useValue: role },
      { provide: CLOCK, useValue: options.clock ?? systemClock },
      {
        provide: EVENT_STORE,
        useFactory: (clock: Clock) => createEventStore(eventStoreConfig(config, () => clock.now())),
        inject: [CLOCK],
      },
      {
        provide: READ_MODEL_DATA_SOURCE,
        useFactory: () => createReadModelDataSource(readModelConfig(config)),
      },
      {
        provide: Projector,
        useFactory: (store: EventStore, dataSource: DataSource) =>
          // An API replica follows the checkpoint a projector process commits; the others compete to lead.
          new Projector(store, dataSource, new Logger('Projector'), { role: role === 'api' ? 'follower' : 'candidate' }),
        inject: [EVENT_STORE, READ_MODEL_DATA_SOURCE],
      },
      { provide: IncidentQueries, useFactory: (dataSource: DataSource) => new IncidentQueries(dataSource), inject: [READ_MODEL_DATA_SOURCE] },
      { provide: TimelineQueries, useFactory: (dataSource: DataSource) => new TimelineQueries(dataSource), inject: [READ_MODEL_DATA_SOURCE] },
      { provide: ApiKeyQueries, useFactory: (dataSource: DataSource) => new ApiKeyQueries(dataSource), inject: [READ_MODEL_DATA_SOURCE] },
      { provide: ActionItemQueries, useFactory: (dataSource: DataSource) => new ActionItemQueries(dataSource), inject: [READ_MODEL_DATA_SOURCE] },
      { provide: IDEMPOTENCY_STORE, useFactory: (dataSource: DataSource) => new TypeormIdempotencyStore(dataSource), inject: [READ_MODEL_DATA_SOURCE] },
      { provide: CommandHandler, useFactory: (store: EventStore, clock: Clock) => new CommandHandler(store, clock), inject: [EVENT_STORE, CLOCK] },
      { provide: IncidentCommands, useFactory: (handler: CommandHandler) => new IncidentCommands(handler), inject: [CommandHandler] },
      // The cause taxonomy: CAUSEWAY_CAUSE_TAXONOMY_FILE when set, else the shipped default.
      { provide: CAUSE_CATEGORIES, useFactory: (): readonly CauseCategory[] => config.causeTaxonomy ?? defaultCauseCategories() },
      {
        provide: RcaCommands,
        useFactory: (handler: CommandHandler, store: EventStore, categories: readonly CauseCategory[]) => new RcaCommands(handler, store, categories),
        inject: [CommandHandler, EVENT_STORE, CAUSE_CATEGORIES],
      },
      {
        provide: ActionItemCommands,
        useFactory: (handler: CommandHandler, store: EventStore) => new ActionItemCommands(handler, store),
        inject: [CommandHandler, EVENT_STORE],
      },
      { provide: ApiKeyCommands, useFactory: (handler: CommandHandler) => new ApiKeyCommands(handler), inject: [CommandHandler] },
      {
        provide: OverdueScheduler,
        useFactory: (queries: ActionItemQueries, commands: ActionItemCommands, clock: Clock, projector: Projector) =>
          new OverdueScheduler(queries, commands, clock, {
            intervalMs: config.CAUSEWAY_SCHEDULER_INTERVAL_MS,
            waitForProjection: (position) => projector.waitFor(position, 30_000),
            logger: new Logger('OverdueScheduler'),
          }),
        inject: [ActionItemQueries, ActionItemCommands, CLOCK, Projector],
      },
      ApiKeyResolver,
      IncidentsService,
      RcaService,
      ActionItemsService,
      ReportService,
      TimelineStreamService,
      CausewayLifecycle,
      { provide: APP_GUARD, useClass: ApiKeyGuard },
      { provide: APP_FILTER, useClass: ProblemFilter },
      { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      { provide: APP_PIPE, useFactory: createValidationPipe },
    ];
    return {
      module: CausewayModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: role === 'projector' ? [HealthController] : [IncidentsController, ReportController, RcaController, ActionItemsController, ApiKeysController, AuditController, HealthController],
      providers,
    };
  }
}

/**
 * Read models live beside the log: in PostgreSQL when the log is there (or DATABASE_URL is given,
 * e.g. EventStoreDB for the log and PostgreSQL for queries), else in a SQLite file in the data dir.
 */
export function readModelConfig(config: CausewayConfig): ReadModelDataSourceOptions {
  if (config.DATABASE_URL && config.CAUSEWAY_STORE !== 'sqlite') return { type: 'postgres', url: config.DATABASE_URL };
  return { type: 'sqlite', file: join(config.CAUSEWAY_DATA_DIR, 'read-models.db') };
}
