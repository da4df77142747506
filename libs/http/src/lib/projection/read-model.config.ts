import type { CausewayConfig } from '@causeway/config';
import type { ReadModelDataSourceOptions } from '@causeway/read-models';
import { join } from 'node:path';

/**
 * Read models live beside the log: in PostgreSQL when the log is there (or DATABASE_URL is given,
 * e.g. EventStoreDB for the log and PostgreSQL for queries), else in a SQLite file in the data dir.
 */
export function readModelConfig(config: CausewayConfig): ReadModelDataSourceOptions {
  if (config.DATABASE_URL && config.CAUSEWAY_STORE !== 'sqlite') return { type: 'postgres', url: config.DATABASE_URL };
  return { type: 'sqlite', file: join(config.CAUSEWAY_DATA_DIR, 'read-models.db') };
}
