import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createReadModelDataSource, READ_MODEL_MIGRATIONS_TABLE } from './read-model-data-source';

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
    expect(applied).toHaveLength(1);
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
