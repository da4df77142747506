import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CAUSEWAY_CONFIG, type CausewayConfig } from '@causeway/config';
import { createReadModelDataSource } from '@causeway/read-models';
import type { DataSource } from 'typeorm';
import { READ_MODEL_DATA_SOURCE } from '../tokens';
import { readModelConfig } from './read-model.config';

/**
 * The read models' database. Global because the projector, the queries of every feature and the
 * idempotency store use it, and because Nest runs a global module's shutdown hooks last: the data
 * source is destroyed after the projector has stopped and the event store has closed.
 */
@Global()
@Module({
  providers: [
    {
      provide: READ_MODEL_DATA_SOURCE,
      useFactory: (config: CausewayConfig) => createReadModelDataSource(readModelConfig(config)),
      inject: [CAUSEWAY_CONFIG],
    },
  ],
  exports: [READ_MODEL_DATA_SOURCE],
})
export class ReadModelDataSourceModule implements OnApplicationShutdown {
  constructor(@Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
