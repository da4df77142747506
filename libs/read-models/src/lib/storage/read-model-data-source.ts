import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { types as pgTypes, type CustomTypesConfig } from 'pg';
import { DataSource, MigrationExecutor, type QueryRunner } from 'typeorm';
import { PROJECTIONS } from '../projections/registry';
import { CreateReadModels1795262400000 } from './migrations/1795262400000-create-read-models.migration';
import { CreatePostgresReadModels1795262400000 } from './migrations/postgres/1795262400000-create-read-models.postgres.migration';
import { READ_MODEL_LOCK_CLASS } from './postgres-session';
import { READ_MODEL_ENTITIES } from './read-model-entities';
import { createMissingIndexes } from './read-model-indexes';

export { READ_MODEL_ENTITIES };

/**
 * SQLite's migrations (text times, JSON as text): the first schema, which created the tables of
 * several projections at once, then each registered projection's own, in registration order.
 */
export const READ_MODEL_MIGRATIONS = [CreateReadModels1795262400000, ...PROJECTIONS.flatMap((projection) => projection.migrations.sqlite)] as const;

/** PostgreSQL's migrations (`timestamptz`, `jsonb`); only the active driver's list ever runs. */
export const POSTGRES_READ_MODEL_MIGRATIONS = [CreatePostgresReadModels1795262400000, ...PROJECTIONS.flatMap((projection) => projection.migrations.postgres)] as const;

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

export interface PostgresReadModelOptions {
  readonly type: 'postgres';
  /** `postgres://user:password@host:port/database`. */
  readonly url: string;
  /**
   * Pooled connections; each transaction (a projector batch, a query) holds one while it runs.
   * Default 10. A started projector opens one more connection of its own (leader lock, LISTEN).
   */
  readonly poolSize?: number;
  /** Connecting gives up after this long. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Log every SQL statement (debugging). */
  readonly logging?: boolean;
}

export type ReadModelDataSourceOptions = SqliteReadModelOptions | PostgresReadModelOptions;

/**
 * Opens the read-model database, brings its schema up to date with the active driver's migrations
 * (never `synchronize`) and returns the initialised data source. Share one per process: on SQLite
 * all work on it must go through `withConnectionLock` (the query services and the projector do); on
 * PostgreSQL that lock costs nothing.
 */
export async function createReadModelDataSource(options: ReadModelDataSourceOptions): Promise<DataSource> {
  const dataSource = options.type === 'postgres' ? postgresDataSource(options) : sqliteDataSource(options);
  await dataSource.initialize();
  try {
    if (options.type === 'postgres') {
      await runPostgresMigrations(dataSource);
    } else {
      await dataSource.runMigrations({ transaction: 'each' });
      await dataSource.transaction((manager) => createMissingIndexes(manager));
    }
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

function sqliteDataSource(options: SqliteReadModelOptions): DataSource {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  return new DataSource({
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
}

const TIMESTAMPTZ_OID = 1184;
const JSON_OID = 114;
const JSONB_OID = 3802;

/**
 * Type parsers for this pool only (pg's global parsers are shared with the event store): the
 * entities see `timestamptz` as the ISO-8601 UTC text SQLite stores, and `jsonb` as text that
 * TypeORM's `simple-json` parses once, exactly as on SQLite.
 */
const readModelTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === JSON_OID || oid === JSONB_OID) return (text: string) => text;
    if (oid === TIMESTAMPTZ_OID) {
      const parseDate = pgTypes.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => Date | number;
      return (text: string) => {
        const parsed = parseDate(text);
        return parsed instanceof Date ? parsed.toISOString() : text;
      };
    }
    return format === 'binary' ? pgTypes.getTypeParser(oid, 'binary') : pgTypes.getTypeParser(oid, 'text');
  }) as CustomTypesConfig['getTypeParser'],
};

function postgresDataSource(options: PostgresReadModelOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: [...READ_MODEL_ENTITIES],
    migrations: [...POSTGRES_READ_MODEL_MIGRATIONS],
    migrationsTableName: READ_MODEL_MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    logging: options.logging ?? false,
    poolSize: options.poolSize ?? 10,
    connectTimeoutMS: options.connectTimeoutMs ?? 10_000,
    applicationName: 'causeway-read-models',
    extra: { types: readModelTypes },
  });
}

/**
 * The API, projector and CLI processes may start together against one database: a session-level
 * advisory lock lets one of them migrate (and restore indexes) while the others wait, then find
 * nothing left to do.
 * The executor runs on the connection that holds the lock, so a pool of one connection suffices.
 */
async function runPostgresMigrations(dataSource: DataSource): Promise<void> {
  const queryRunner: QueryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.query(`SELECT pg_advisory_lock($1::integer, hashtext('migrations'))`, [READ_MODEL_LOCK_CLASS]);
    try {
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'each';
      await executor.executePendingMigrations();
      // A rebuild that died between dropping and rebuilding its indexes left them to the next start.
      await queryRunner.startTransaction();
      try {
        await createMissingIndexes(queryRunner.manager);
        await queryRunner.commitTransaction();
      } catch (error) {
        await queryRunner.rollbackTransaction();
        throw error;
      }
    } finally {
      await queryRunner.query(`SELECT pg_advisory_unlock($1::integer, hashtext('migrations'))`, [READ_MODEL_LOCK_CLASS]);
    }
  } finally {
    await queryRunner.release();
  }
}
