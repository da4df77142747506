import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type PostgresHarness } from '@causeway/testing';
import type { DataSource } from 'typeorm';
import { isSingleConnection, withConnectionLock } from './connection-lock';
import { IdempotencyRecordEntity } from './idempotency-record.entity';
import {
  createReadModelDataSource,
  POSTGRES_READ_MODEL_MIGRATIONS,
  READ_MODEL_ENTITIES,
  READ_MODEL_MIGRATIONS,
  READ_MODEL_MIGRATIONS_TABLE,
} from './read-model-data-source';

describe('createReadModelDataSource (SQLite)', () => {
  let dir: string;
  let dataSource: DataSource;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'causeway-rm-ds-'));
    dataSource = await createReadModelDataSource({ type: 'sqlite', file: join(dir, 'nested', 'read-models.db') });
  });

  afterEach(async () => {
    if (dataSource.isInitialized) await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the schema with the migration, and the entities match it exactly', async () => {
    const tables: { name: string }[] = await dataSource.query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`);
    expect(tables.map((table) => table.name)).toEqual(
      expect.arrayContaining(['api_keys', 'idempotency_records', 'incidents', 'projection_checkpoints', READ_MODEL_MIGRATIONS_TABLE, 'timeline_entries']),
    );
    // Nothing for `synchronize` to do: the migration is the schema the entities describe.
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('runs in WAL mode with synchronous=NORMAL and a busy timeout', async () => {
    expect(await dataSource.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await dataSource.query('PRAGMA synchronous')).toEqual([{ synchronous: 1 }]);
    expect(await dataSource.query('PRAGMA busy_timeout')).toEqual([{ timeout: 5000 }]);
  });

  it('applies each migration once across restarts', async () => {
    await dataSource.destroy();
    dataSource = await createReadModelDataSource({ type: 'sqlite', file: join(dir, 'nested', 'read-models.db') });
    const applied: unknown[] = await dataSource.query(`SELECT * FROM ${READ_MODEL_MIGRATIONS_TABLE}`);
    expect(applied).toHaveLength(READ_MODEL_MIGRATIONS.length);
  });

  it.each([
    ['the newest-first list', `SELECT id FROM incidents ORDER BY declared_at DESC, id DESC LIMIT 51`, 'idx_incidents_declared_at_id'],
    [
      'a status page',
      `SELECT id FROM incidents WHERE status = 'declared' AND (declared_at, id) < ('2026', 'x') ORDER BY declared_at DESC, id DESC LIMIT 51`,
      'idx_incidents_status_declared_at_id',
    ],
    [
      'a vendor-site page',
      `SELECT id FROM incidents WHERE vendor_site = 'eu' ORDER BY declared_at DESC, id DESC LIMIT 51`,
      'idx_incidents_vendor_site_declared_at_id',
    ],
    [
      'a timeline page',
      `SELECT position FROM timeline_entries WHERE incident_id = 'x' AND (occurred_at, position) > ('2026', 3) ORDER BY occurred_at, position LIMIT 51`,
      'idx_timeline_incident_occurred_at_position',
    ],
    [
      'an SSE resume in log order',
      `SELECT position FROM timeline_entries WHERE incident_id = 'x' AND position > 3 ORDER BY position LIMIT 51`,
      'idx_timeline_incident_position',
    ],
  ])('serves %s from an index without sorting', async (_name, sql, index) => {
    const plan: { detail: string }[] = await dataSource.query(`EXPLAIN QUERY PLAN ${sql}`);
    const details = plan.map((step) => step.detail).join(' | ');
    expect(details).toContain(index);
    expect(details).not.toContain('TEMP B-TREE');
  });
});

describe('createReadModelDataSource (PostgreSQL)', () => {
  let server: PostgresHarness;
  let database: { readonly url: string; drop(): Promise<void> };
  let dataSource: DataSource;

  beforeAll(async () => {
    server = await startPostgres();
  });

  afterAll(async () => {
    await server?.stop();
  });

  beforeEach(async () => {
    database = await server.createDatabase();
    dataSource = await createReadModelDataSource({ type: 'postgres', url: database.url, poolSize: 4 });
  });

  afterEach(async () => {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.drop();
  });

  interface ColumnRow {
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: 'YES' | 'NO';
  }

  it('creates timestamptz and jsonb columns, and every column an entity maps, with its nullability', async () => {
    const columns: ColumnRow[] = await dataSource.query(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const find = (table: string, column: string) => columns.find((row) => row.table_name === table && row.column_name === column);
    for (const entity of READ_MODEL_ENTITIES) {
      const metadata = dataSource.getMetadata(entity);
      const tableColumns = columns.filter((row) => row.table_name === metadata.tableName).map((row) => row.column_name);
      expect(tableColumns.sort()).toEqual(metadata.columns.map((column) => column.databaseName).sort());
      for (const column of metadata.columns) {
        const row = find(metadata.tableName, column.databaseName);
        expect({ column: column.databaseName, nullable: row?.is_nullable === 'YES' }).toEqual({ column: column.databaseName, nullable: column.isNullable });
        const expected =
          column.type === 'simple-json' ? 'jsonb' : column.databaseName.endsWith('_at') ? 'timestamp with time zone' : row?.data_type;
        expect({ column: `${metadata.tableName}.${column.databaseName}`, type: row?.data_type }).toEqual({
          column: `${metadata.tableName}.${column.databaseName}`,
          type: expected,
        });
      }
    }
    const typed = (type: string) =>
      columns
        .filter((row) => row.data_type === type)
        .map((row) => `${row.table_name}.${row.column_name}`)
        .sort();
    expect(typed('timestamp with time zone')).toEqual([
      'action_item_versions.due_at',
      'action_item_versions.valid_from',
      'action_item_versions.valid_to',
      'action_items.cancelled_at',
      'action_items.completed_at',
      'action_items.created_at',
      'action_items.due_at',
      'action_items.overdue_for',
      'action_items.valid_from',
      'api_keys.created_at',
      'api_keys.revoked_at',
      'idempotency_records.created_at',
      'incidents.acknowledged_at',
      'incidents.closed_at',
      'incidents.declared_at',
      'incidents.detected_at',
      'incidents.mitigated_at',
      'incidents.resolved_at',
      'timeline_entries.occurred_at',
      'timeline_entries.recorded_at',
    ]);
    expect(typed('jsonb')).toEqual([
      'idempotency_records.body',
      'idempotency_records.headers',
      'incidents.labels',
      'incidents.roles',
      'timeline_entries.data',
    ]);
  });

  it('creates the named indexes the entities declare, with the same names as on SQLite', async () => {
    const rows: { indexname: string; indexdef: string }[] = await dataSource.query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE 'pk_%' AND tablename <> $1`,
      [READ_MODEL_MIGRATIONS_TABLE],
    );
    const declared = READ_MODEL_ENTITIES.flatMap((entity) =>
      dataSource.getMetadata(entity).indices.map((index) => ({
        name: index.name,
        unique: index.isUnique,
        columns: index.columns.map((column) => column.databaseName),
      })),
    );
    expect(rows.map((row) => row.indexname).sort()).toEqual(declared.map((index) => index.name).sort());
    for (const index of declared) {
      const definition = (rows.find((row) => row.indexname === index.name)?.indexdef ?? '').replaceAll('"', '');
      expect(definition).toContain(`(${index.columns.join(', ')})`);
      expect(definition.startsWith('CREATE UNIQUE INDEX')).toBe(index.unique);
    }
  });

  it('applies each migration once across restarts and when processes start together', async () => {
    await dataSource.destroy();
    const second = await server.createDatabase();
    try {
      const together = await Promise.all([0, 1, 2].map(() => createReadModelDataSource({ type: 'postgres', url: second.url, poolSize: 1 })));
      const applied: unknown[] = await together[0].query(`SELECT * FROM ${READ_MODEL_MIGRATIONS_TABLE}`);
      expect(applied).toHaveLength(POSTGRES_READ_MODEL_MIGRATIONS.length);
      await Promise.all(together.map((source) => source.destroy()));
    } finally {
      await second.drop();
    }
    dataSource = await createReadModelDataSource({ type: 'postgres', url: database.url });
    expect(await dataSource.query(`SELECT name FROM ${READ_MODEL_MIGRATIONS_TABLE}`)).toEqual(POSTGRES_READ_MODEL_MIGRATIONS.map((migration) => ({ name: migration.name })));
  });

  it('reads times back as ISO-8601 UTC text and JSON as parsed once, strings included', async () => {
    await dataSource.query(
      `INSERT INTO idempotency_records (scope, key, request_hash, status, body, headers, created_at) VALUES ('s', 'k', 'h', 200, '"just a string"', '{}', '2026-11-21T12:30:00.5+02:00')`,
    );
    const [row] = await dataSource.getRepository(IdempotencyRecordEntity).find();
    expect(row).toMatchObject({ body: 'just a string', headers: {}, createdAt: '2026-11-21T10:30:00.500Z' });
  });

  it('gives each unit of work its own pooled connection: the connection lock does not serialise', async () => {
    expect(isSingleConnection(dataSource)).toBe(false);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const holding = withConnectionLock(dataSource, () =>
      dataSource.transaction(async (manager) => {
        await manager.query('SELECT 1');
        await gate;
      }),
    );
    // On a serialising lock this would wait for the open transaction, which waits for it.
    expect(await withConnectionLock(dataSource, () => dataSource.query('SELECT 2 AS two'))).toEqual([{ two: 2 }]);
    release();
    await holding;
  });

  it.each([
    ['the newest-first list', `SELECT id FROM incidents ORDER BY declared_at DESC, id DESC LIMIT 51`, 'idx_incidents_declared_at_id'],
    [
      'a status page',
      `SELECT id FROM incidents WHERE status = 'declared' AND (declared_at, id) < ('2026-11-21T10:00:00.000Z', 'x') ORDER BY declared_at DESC, id DESC LIMIT 51`,
      'idx_incidents_status_declared_at_id',
    ],
    [
      'a vendor-site page',
      `SELECT id FROM incidents WHERE vendor_site = 'eu' ORDER BY declared_at DESC, id DESC LIMIT 51`,
      'idx_incidents_vendor_site_declared_at_id',
    ],
    [
      'a timeline page',
      `SELECT position FROM timeline_entries WHERE incident_id = 'x' AND (occurred_at, position) > ('2026-11-21T10:00:00.000Z', 3) ORDER BY occurred_at, position LIMIT 51`,
      'idx_timeline_incident_occurred_at_position',
    ],
    [
      'an SSE resume in log order',
      `SELECT position FROM timeline_entries WHERE incident_id = 'x' AND position > 3 ORDER BY position LIMIT 51`,
      'idx_timeline_incident_position',
    ],
  ])('serves %s from an index without sorting', async (_name, sql, index) => {
    // Empty tables make a scan and a sort cheapest; forbidding the scans asks whether an index can
    // serve the query in order (a Sort node would remain if none could).
    const plan = await dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      await manager.query('SET LOCAL enable_bitmapscan = off');
      const rows: { 'QUERY PLAN': string }[] = await manager.query(`EXPLAIN ${sql}`);
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain(index);
    expect(plan).not.toMatch(/\bSort\b/);
  });
});
