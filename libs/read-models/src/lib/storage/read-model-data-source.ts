import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { IdempotencyRecordEntity } from './idempotency-record.entity';
import { IncidentSummaryEntity } from './incident-summary.entity';
import { CreateReadModels1795262400000 } from './migrations/1795262400000-create-read-models.migration';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { TimelineEntryEntity } from './timeline-entry.entity';

export const READ_MODEL_ENTITIES = [
  IncidentSummaryEntity,
  TimelineEntryEntity,
  ApiKeyEntity,
  ProjectionCheckpointEntity,
  IdempotencyRecordEntity,
] as const;

export const READ_MODEL_MIGRATIONS = [CreateReadModels1795262400000] as const;

/** Kept apart from any other TypeORM migrations table that may share a database later. */
export const READ_MODEL_MIGRATIONS_TABLE = 'read_model_migrations';

export interface SqliteReadModelOptions {
  readonly type: 'sqlite';
  /** Path of the database file, or `:memory:`. */
  readonly file: string;
  /** How long a statement waits for another process's write lock before failing. Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Log every SQL statement (debugging). */
  readonly logging?: boolean;
}

export type ReadModelDataSourceOptions = SqliteReadModelOptions;

/**
 * Opens the read-model database, brings its schema up to date with the migrations and returns the
 * initialised data source. Share one per process: on SQLite all work on it must go through
 * `withConnectionLock` (the query services and the projector do).
 */
export async function createReadModelDataSource(options: ReadModelDataSourceOptions): Promise<DataSource> {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const dataSource = new DataSource({
    type: 'better-sqlite3',
    database: options.file,
    entities: [...READ_MODEL_ENTITIES],
    migrations: [...READ_MODEL_MIGRATIONS],
    migrationsTableName: READ_MODEL_MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    logging: options.logging ?? false,
    timeout: options.busyTimeoutMs ?? 5000,
    prepareDatabase: (db: Database.Database) => {
      db.pragma('journal_mode = WAL');
      // Read models can be re-derived from the event log, and a projector's checkpoint commits in
      // the same transaction as its rows. NORMAL may lose the last transactions on a power cut
      // (never corrupts in WAL mode); the checkpoint then lies before them and they are projected
      // again. FULL would pay an fsync per batch for nothing.
      db.pragma('synchronous = NORMAL');
      db.pragma('temp_store = MEMORY');
      // A rebuild touches every index page of the timeline; a 64 MiB cache keeps them in memory.
      db.pragma('cache_size = -65536');
    },
  });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
