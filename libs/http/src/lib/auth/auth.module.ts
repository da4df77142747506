import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyCommands, CommandHandler } from '@causeway/application';
import { ApiKeyQueries } from '@causeway/read-models';
import type { DataSource } from 'typeorm';
import { EventStoreModule } from '../event-store/event-store.module';
import { ProjectionModule } from '../projection/projection.module';
import { READ_MODEL_DATA_SOURCE } from '../tokens';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyResolver } from './api-key.resolver';
import { FirstAdminKeyJob } from './first-admin-key.job';

/** API keys behind every route: the guard, the key lookup, and the admin key of a fresh install. */
@Module({
  imports: [EventStoreModule, ProjectionModule],
  providers: [
    { provide: ApiKeyQueries, useFactory: (dataSource: DataSource) => new ApiKeyQueries(dataSource), inject: [READ_MODEL_DATA_SOURCE] },
    { provide: ApiKeyCommands, useFactory: (handler: CommandHandler) => new ApiKeyCommands(handler), inject: [CommandHandler] },
    ApiKeyResolver,
    FirstAdminKeyJob,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
  exports: [ApiKeyQueries, ApiKeyCommands],
})
export class AuthModule {}
