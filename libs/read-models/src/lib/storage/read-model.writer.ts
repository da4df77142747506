import { In, type DataSource, type EntityManager, type EntityTarget, type FindOptionsWhere, type ObjectLiteral } from 'typeorm';
import type { EntityClass } from './entity-class';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { withoutNul } from './postgres-text';
import { createMissingIndexes, dropRebuiltIndexes } from './read-model-indexes';

/** SQLite allows 32,766 bound parameters per statement; staying under it keeps a batch to a few statements. */
const MAX_PARAMETERS = 30_000;

/** Ids per `IN (...)` lookup. */
const LOOKUP_CHUNK = 500;

/**
 * Reads and writes the projection tables inside a transaction the caller owns. Every write is
 * idempotent: rows are upserted by key and timeline entries by log position, so applying the same
 * documents twice leaves the same tables.
 */
export class ReadModelWriter {
  private readonly postgres: boolean;

  constructor(private readonly manager: EntityManager) {
    this.postgres = manager.connection.options.type === 'postgres';
  }

  async checkpoint(name: string): Promise<number> {
    const row = await this.manager.findOneBy(ProjectionCheckpointEntity, { name });
    return row?.position ?? 0;
  }

  /**
   * The checkpoint, read at the start of a batch so that no other transaction can move it before
   * this one commits. On PostgreSQL the upsert takes the row lock (waiting for a concurrent batch,
   * then returning what it committed): two processes that both believe they lead (a leader whose
   * lock session just died, a CLI rebuild) apply batches one after the other and each drops what
   * the other applied. SQLite's single writer already serialises batches.
   */
  async lockCheckpoint(name: string): Promise<number> {
    if (!this.postgres) return this.checkpoint(name);
    const rows: { position: string }[] = await this.manager.query(
      `INSERT INTO projection_checkpoints (name, position) VALUES ($1, 0)
       ON CONFLICT (name) DO UPDATE SET position = projection_checkpoints.position
       RETURNING position`,
      [name],
    );
    return Number(rows[0].position);
  }

  /**
   * Read models are re-derivable and the checkpoint commits with the rows, so a batch need not
   * wait for its WAL flush (as SQLite's synchronous=NORMAL): a server crash may lose the last
   * batches, rows and checkpoint alike, and they are projected again. Visibility is unchanged.
   */
  async relaxDurability(): Promise<void> {
    if (this.postgres) await this.manager.query('SET LOCAL synchronous_commit = off');
  }

  /** Tells LISTENing processes about the new checkpoint; PostgreSQL delivers it only on commit. */
  async notify(channel: string, payload: string): Promise<void> {
    if (this.postgres) await this.manager.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async saveCheckpoint(name: string, position: number): Promise<void> {
    await this.bulkWrite(ProjectionCheckpointEntity, [{ name, position }], { kind: 'update', key: ['name'], update: ['position'] });
  }

  /**
   * Empties the tables of `entities` (every projection's), drops their secondary indexes and removes
   * the checkpoint (the start of a rebuild; `restoreIndexes()` ends it).
   */
  async clear(checkpointName: string, entities: readonly EntityClass[]): Promise<void> {
    const tables = this.tablesOf(entities);
    if (this.postgres) {
      // TRUNCATE drops the files instead of deleting a million rows one by one (and leaves no dead
      // tuples for the replay to wade through); it is transactional like the rest of the clear.
      await this.manager.query(`TRUNCATE ${tables.join(', ')}`);
    } else {
      for (const table of tables) await this.manager.query(`DELETE FROM ${table}`);
    }
    await dropRebuiltIndexes(this.manager, entities);
    await this.manager.delete(ProjectionCheckpointEntity, { name: checkpointName });
  }

  /**
   * Deletes every row of `entities` (one projection's), keeping indexes and checkpoint: the start
   * of a one-projection rebuild, which refills them in this same transaction. DELETE rather than
   * TRUNCATE, so that PostgreSQL readers go on reading the old rows until it commits.
   */
  async deleteRows(entities: readonly EntityClass[]): Promise<void> {
    for (const table of this.tablesOf(entities)) await this.manager.query(`DELETE FROM ${table}`);
  }

  /** Builds the indexes `clear()` dropped (any the entities declare that are missing); returns how many. */
  restoreIndexes(): Promise<number> {
    return createMissingIndexes(this.manager);
  }

  private tablesOf(entities: readonly EntityClass[]): string[] {
    const { driver } = this.manager.connection;
    return entities.map((entity) => driver.escape(this.manager.connection.getMetadata(entity).tableName));
  }

  /** The rows of `target` whose primary key `id` is one of `ids`. */
  async loadByIds<Entity extends ObjectLiteral & { id: string }>(
    target: EntityTarget<Entity>,
    ids: readonly string[],
  ): Promise<Entity[]> {
    const rows: Entity[] = [];
    for (let start = 0; start < ids.length; start += LOOKUP_CHUNK) {
      const chunk = ids.slice(start, start + LOOKUP_CHUNK);
      rows.push(...(await this.manager.getRepository(target).findBy({ id: In(chunk) } as FindOptionsWhere<Entity>)));
    }
    return rows;
  }

  /**
   * `INSERT … ON CONFLICT` written by hand: TypeORM's insert builder spends most of a rebuild
   * assembling these statements (~30 µs per row). Column names, quoting and value conversion
   * (simple-json, transformers) still come from TypeORM's metadata and driver, and
   * `ON CONFLICT … excluded` is the same on both databases. SQLite takes multi-row `VALUES`
   * (`?` placeholders); PostgreSQL one array per column through `unnest` (`$n::type[]`), which it
   * parses and plans once instead of once per value: about a third faster for large batches, and
   * no parameter limit.
   */
  async bulkWrite<Entity extends ObjectLiteral>(target: EntityTarget<Entity>, rows: readonly Entity[], onConflict: OnConflict): Promise<void> {
    if (rows.length === 0) return;
    const dataSource = this.manager.connection;
    const { driver } = dataSource;
    const metadata = dataSource.getMetadata(target);
    const columns = metadata.columns;
    const quote = (name: string) => driver.escape(name);
    const head = `INSERT INTO ${quote(metadata.tableName)} (${columns.map((column) => quote(column.databaseName)).join(', ')}) `;
    const tail =
      onConflict.kind === 'ignore'
        ? ` ON CONFLICT (${onConflict.key.map(quote).join(', ')}) DO NOTHING`
        : ` ON CONFLICT (${onConflict.key.map(quote).join(', ')}) DO UPDATE SET ${onConflict.update
            .map((name) => `${quote(name)} = excluded.${quote(name)}`)
            .join(', ')}`;

    if (this.postgres) {
      const types = await this.postgresColumnTypes(metadata.tableName);
      const arrays = columns.map((column) => {
        const json = column.type === 'simple-json';
        return rows.map((row) => {
          const value: unknown = driver.preparePersistentValue(column.getEntityValue(row), column);
          return value === undefined ? null : withoutNul(value, json);
        });
      });
      const unnest = columns.map((column, index) => `$${index + 1}::${types.get(column.databaseName) ?? 'text'}[]`).join(', ');
      await this.manager.query(`${head}SELECT * FROM unnest(${unnest})${tail}`, arrays);
      return;
    }

    const tuple = `(${columns.map(() => '?').join(', ')})`;
    const chunkSize = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
    for (let start = 0; start < rows.length; start += chunkSize) {
      const chunk = rows.slice(start, start + chunkSize);
      const parameters: unknown[] = [];
      for (const row of chunk) {
        for (const column of columns) {
          const value: unknown = driver.preparePersistentValue(column.getEntityValue(row), column);
          parameters.push(value === undefined ? null : value);
        }
      }
      await this.manager.query(`${head}VALUES ${chunk.map(() => tuple).join(', ')}${tail}`, parameters);
    }
  }

  /** The table's column types as PostgreSQL knows them (the migration's, not the entities'), read once per data source. */
  private async postgresColumnTypes(table: string): Promise<ReadonlyMap<string, string>> {
    const dataSource = this.manager.connection;
    let tables = columnTypes.get(dataSource);
    if (tables === undefined) {
      tables = new Map();
      columnTypes.set(dataSource, tables);
    }
    const known = tables.get(table);
    if (known !== undefined) return known;
    const rows: { name: string; type: string }[] = await this.manager.query(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
       WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
      [table],
    );
    const types = new Map(rows.map((row) => [row.name, row.type]));
    tables.set(table, types);
    return types;
  }
}

const columnTypes = new WeakMap<DataSource, Map<string, ReadonlyMap<string, string>>>();

/** What an insert does with a row whose key exists: keep the old row, or update the listed columns. */
export type OnConflict =
  | { readonly kind: 'ignore'; readonly key: readonly string[] }
  | { readonly kind: 'update'; readonly key: readonly string[]; readonly update: readonly string[] };
