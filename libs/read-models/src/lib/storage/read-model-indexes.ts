import type { DataSource, EntityManager } from 'typeorm';
import type { EntityClass } from './entity-class';

interface IndexDefinition {
  readonly name: string;
  readonly table: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  /** A partial index's condition (SQL over column names). */
  readonly where: string | undefined;
}

function indexesOf(dataSource: DataSource, entities: readonly EntityClass[]): IndexDefinition[] {
  return entities.flatMap((entity) => {
    const metadata = dataSource.getMetadata(entity);
    return metadata.indices.map((index) => ({
      name: index.name,
      table: metadata.tableName,
      columns: index.columns.map((column) => column.databaseName),
      unique: index.isUnique,
      where: index.where,
    }));
  });
}

/**
 * A replay into tables without secondary indexes, which are then built once from sorted data, is
 * faster than maintaining them row by row: on PostgreSQL every non-HOT incident update adds an entry
 * to each of the seven incident indexes. Runs in the clear transaction of `rebuild()`; the keys that
 * the upserts need (primary keys) stay. Unique indexes stay too: they are constraints.
 */
export async function dropRebuiltIndexes(manager: EntityManager, rebuilt: readonly EntityClass[]): Promise<void> {
  const escape = (name: string) => manager.connection.driver.escape(name);
  for (const index of indexesOf(manager.connection, rebuilt)) {
    if (!index.unique) await manager.query(`DROP INDEX IF EXISTS ${escape(index.name)}`);
  }
}

/**
 * Creates every index the entities declare that the database lacks (as the migrations define them):
 * after a rebuild's replay, and when a data source opens, in case a rebuild died before it could.
 * Checking first keeps an opening process from taking a table lock for indexes that exist.
 */
export async function createMissingIndexes(manager: EntityManager): Promise<number> {
  const dataSource = manager.connection;
  const escape = (name: string) => dataSource.driver.escape(name);
  const postgres = dataSource.options.type === 'postgres';
  const existing: { name: string }[] = postgres
    ? await manager.query(`SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()`)
    : await manager.query(`SELECT name FROM sqlite_master WHERE type = 'index'`);
  const present = new Set(existing.map((row) => row.name));
  // Every entity the data source was built with (the registry's, plus checkpoint and idempotency).
  const entities = dataSource.entityMetadatas.map((metadata) => metadata.target as EntityClass);
  const missing = indexesOf(dataSource, entities).filter((index) => !present.has(index.name));
  // Sorting a million keys in memory rather than in temporary files.
  if (missing.length > 0 && postgres) await manager.query(`SET LOCAL maintenance_work_mem = '256MB'`);
  for (const index of missing) {
    await manager.query(
      `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${escape(index.name)} ON ${escape(index.table)} (${index.columns.map(escape).join(', ')})${index.where ? ` WHERE ${index.where}` : ''}`,
    );
  }
  return missing.length;
}
