import { In, type EntityManager, type EntityTarget, type FindOptionsWhere, type ObjectLiteral } from 'typeorm';
import type { ApiKeyRow } from '../projections/api-keys.projection';
import type { IncidentSummary } from '../projections/incident-summary.projection';
import type { TimelineEntry } from '../projections/timeline.projection';
import { ApiKeyEntity, fromApiKeyEntity, toApiKeyRow } from './api-key.entity';
import { fromIncidentRow, IncidentSummaryEntity, toIncidentRow } from './incident-summary.entity';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { TimelineEntryEntity, toTimelineRow } from './timeline-entry.entity';

/**
 * SQLite allows 32,766 bound parameters per statement, PostgreSQL 65,535; staying under both keeps
 * a batch to a few multi-row statements.
 */
const MAX_PARAMETERS = 30_000;

/** Ids per `IN (...)` lookup. */
const LOOKUP_CHUNK = 500;

/**
 * Reads and writes the projection tables inside a transaction the caller owns. Every write is
 * idempotent: rows are upserted by key and timeline entries by log position, so applying the same
 * documents twice leaves the same tables.
 */
export class ReadModelWriter {
  constructor(private readonly manager: EntityManager) {}

  async checkpoint(name: string): Promise<number> {
    const row = await this.manager.findOneBy(ProjectionCheckpointEntity, { name });
    return row?.position ?? 0;
  }

  async saveCheckpoint(name: string, position: number): Promise<void> {
    await this.bulkWrite(ProjectionCheckpointEntity, [{ name, position }], { kind: 'update', key: ['name'], update: ['position'] });
  }

  async loadIncidents(ids: readonly string[]): Promise<Map<string, IncidentSummary>> {
    const rows = await this.loadByIds(IncidentSummaryEntity, ids);
    return new Map(rows.map((row) => [row.id, fromIncidentRow(row)]));
  }

  async loadApiKeys(ids: readonly string[]): Promise<Map<string, ApiKeyRow>> {
    const rows = await this.loadByIds(ApiKeyEntity, ids);
    return new Map(rows.map((row) => [row.id, fromApiKeyEntity(row)]));
  }

  /**
   * The action-item counters belong to another projection: an update here never touches them.
   * Neither does it rewrite what only the declaration sets (service, team, vendor site, declared and
   * detected times): SQLite rewrites every index on a column named in SET, and those columns lead
   * the list indexes.
   */
  async upsertIncidents(docs: readonly IncidentSummary[]): Promise<void> {
    await this.bulkWrite(IncidentSummaryEntity, docs.map(toIncidentRow), {
      kind: 'update',
      key: ['id'],
      update: [
        'title',
        'severity',
        'status',
        'summary',
        'commander',
        'roles',
        'labels',
        'escalation_level',
        'acknowledged_at',
        'mitigated_at',
        'resolved_at',
        'closed_at',
        'version',
        'last_position',
        'search_text',
      ],
    });
  }

  async insertTimelineEntries(entries: readonly TimelineEntry[]): Promise<void> {
    await this.bulkWrite(TimelineEntryEntity, entries.map(toTimelineRow), { kind: 'ignore', key: ['position'] });
  }

  async upsertApiKeys(rows: readonly ApiKeyRow[]): Promise<void> {
    await this.bulkWrite(ApiKeyEntity, rows.map(toApiKeyRow), {
      kind: 'update',
      key: ['id'],
      update: ['name', 'role', 'key_hash', 'key_prefix', 'created_at', 'revoked_at', 'created_by'],
    });
  }

  /** Empties the projection tables and removes the checkpoint (for a rebuild). */
  async clear(checkpointName: string): Promise<void> {
    for (const entity of [IncidentSummaryEntity, TimelineEntryEntity, ApiKeyEntity]) {
      await this.manager.createQueryBuilder().delete().from(entity).execute();
    }
    await this.manager.delete(ProjectionCheckpointEntity, { name: checkpointName });
  }

  private async loadByIds<Entity extends ObjectLiteral & { id: string }>(
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
   * Multi-row `INSERT … ON CONFLICT` written by hand: TypeORM's insert builder spends most of a
   * rebuild assembling these statements (~30 µs per row). The SQL stays portable: column names,
   * quoting, placeholders (`?` / `$n`) and value conversion (simple-json, transformers) all come
   * from TypeORM's metadata and driver, and `ON CONFLICT … excluded` is the same on SQLite and
   * PostgreSQL.
   */
  private async bulkWrite<Entity extends ObjectLiteral>(target: EntityTarget<Entity>, rows: readonly Entity[], onConflict: OnConflict): Promise<void> {
    if (rows.length === 0) return;
    const dataSource = this.manager.connection;
    const { driver } = dataSource;
    const metadata = dataSource.getMetadata(target);
    const columns = metadata.columns;
    const quote = (name: string) => driver.escape(name);
    const head = `INSERT INTO ${quote(metadata.tableName)} (${columns.map((column) => quote(column.databaseName)).join(', ')}) VALUES `;
    const tail =
      onConflict.kind === 'ignore'
        ? ` ON CONFLICT (${onConflict.key.map(quote).join(', ')}) DO NOTHING`
        : ` ON CONFLICT (${onConflict.key.map(quote).join(', ')}) DO UPDATE SET ${onConflict.update
            .map((name) => `${quote(name)} = excluded.${quote(name)}`)
            .join(', ')}`;
    const chunkSize = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
    for (let start = 0; start < rows.length; start += chunkSize) {
      const chunk = rows.slice(start, start + chunkSize);
      const parameters: unknown[] = [];
      const tuples = chunk.map((row) => {
        const placeholders = columns.map((column) => {
          const value: unknown = driver.preparePersistentValue(column.getEntityValue(row), column);
          parameters.push(value === undefined ? null : value);
          return driver.createParameter(`p${parameters.length}`, parameters.length - 1);
        });
        return `(${placeholders.join(', ')})`;
      });
      await this.manager.query(head + tuples.join(', ') + tail, parameters);
    }
  }
}

type OnConflict =
  | { readonly kind: 'ignore'; readonly key: readonly string[] }
  | { readonly kind: 'update'; readonly key: readonly string[]; readonly update: readonly string[] };
