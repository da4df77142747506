import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { IDEMPOTENCY_STORE } from '@causeway/application';
import { TypeormIdempotencyStore } from '@causeway/read-models';
import type { DataSource } from 'typeorm';
import { ActionItemsModule } from './action-items/action-items.module';
import { OverdueSchedulerModule } from './action-items/overdue-scheduler.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import type { CausewayModuleOptions, CausewayRole } from './causeway.options';
import { IdempotencyInterceptor } from './common/idempotency.interceptor';
import { IdempotencyPurgeJob } from './common/idempotency-purge.job';
import { ReplyInterceptor } from './common/reply.interceptor';
import { CoreModule } from './core/core.module';
import { HealthModule } from './health/health.module';
import { IncidentsModule } from './incidents/incidents.module';
import { ProblemFilter } from './problem/problem.filter';
import { createValidationPipe } from './problem/validation';
import { ReadModelDataSourceModule } from './projection/read-model-data-source.module';
import { RcaModule } from './rca/rca.module';
import { ReportModule } from './report/report.module';
import { READ_MODEL_DATA_SOURCE } from './tokens';

export type { CausewayModuleOptions, CausewayRole } from './causeway.options';
export { readModelConfig } from './projection/read-model.config';

/**
 * The feature modules a role runs. The projector role serves only health checks; it still runs
 * the overdue scheduler (which brings the projector with it).
 */
function featuresOf(role: CausewayRole): NonNullable<ModuleMetadata['imports']> {
  if (role === 'projector') return [HealthModule, OverdueSchedulerModule];
  return [IncidentsModule, ReportModule, RcaModule, ActionItemsModule, ApiKeysModule, AuditModule, HealthModule];
}

/**
 * Composes the process from its feature modules; the embedded default is SQLite for the log and
 * the read models. Start-up and shutdown follow the imports: Nest starts imported modules first
 * and stops them last, and this root module's own jobs (the idempotency-key purge) come last on
 * start and first on shutdown. causeway.module.spec.ts pins the resulting order for every role.
 */
@Module({})
export class CausewayModule {
  static forRoot(options: CausewayModuleOptions): DynamicModule {
    return {
      module: CausewayModule,
      imports: [CoreModule.forRoot(options), ReadModelDataSourceModule, ...featuresOf(options.role ?? 'all')],
      providers: [
        { provide: IDEMPOTENCY_STORE, useFactory: (dataSource: DataSource) => new TypeormIdempotencyStore(dataSource), inject: [READ_MODEL_DATA_SOURCE] },
        IdempotencyPurgeJob,
        { provide: APP_FILTER, useClass: ProblemFilter },
        // Registered in this order, so the idempotency interceptor wraps the one that writes headers and records them.
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_INTERCEPTOR, useClass: ReplyInterceptor },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
