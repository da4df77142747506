import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const timestamp = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '32', isNullable });
const text = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});

/**
 * The first read-model schema. Written with TypeORM's schema API rather than SQL so that one
 * migration creates the same tables on SQLite and PostgreSQL; the entities must match it (an
 * integration test checks that the schema builder finds nothing to change).
 */
export class CreateReadModels1795262400000 implements MigrationInterface {
  name = 'CreateReadModels1795262400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'incidents',
        columns: [
          { ...text('id', 36), isPrimary: true },
          text('title', 200),
          text('severity', 8),
          text('status', 16),
          text('service', 100),
          text('team', 100, true),
          text('vendor_site', 100, true),
          { name: 'summary', type: 'text', isNullable: true },
          text('commander', 200, true),
          { name: 'roles', type: 'text' },
          { name: 'labels', type: 'text' },
          { name: 'escalation_level', type: 'integer' },
          timestamp('declared_at'),
          timestamp('detected_at'),
          timestamp('acknowledged_at', true),
          timestamp('mitigated_at', true),
          timestamp('resolved_at', true),
          timestamp('closed_at', true),
          { name: 'open_action_items', type: 'integer', default: 0 },
          { name: 'overdue_action_items', type: 'integer', default: 0 },
          { name: 'version', type: 'integer' },
          { name: 'last_position', type: 'bigint' },
          { name: 'search_text', type: 'text' },
        ],
        indices: [
          new TableIndex({ name: 'idx_incidents_declared_at_id', columnNames: ['declared_at', 'id'] }),
          ...['status', 'severity', 'service', 'team', 'vendor_site'].map(
            (column) => new TableIndex({ name: `idx_incidents_${column}_declared_at_id`, columnNames: [column, 'declared_at', 'id'] }),
          ),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'timeline_entries',
        columns: [
          { name: 'position', type: 'bigint', isPrimary: true },
          text('incident_id', 36),
          timestamp('occurred_at'),
          timestamp('recorded_at'),
          text('type', 100),
          text('actor', 200),
          { name: 'summary', type: 'text' },
          { name: 'data', type: 'text' },
        ],
        indices: [
          new TableIndex({ name: 'idx_timeline_incident_occurred_at_position', columnNames: ['incident_id', 'occurred_at', 'position'] }),
          new TableIndex({ name: 'idx_timeline_incident_position', columnNames: ['incident_id', 'position'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          { ...text('id', 36), isPrimary: true },
          text('name', 200),
          text('role', 16),
          text('key_hash', 64),
          text('key_prefix', 32),
          timestamp('created_at'),
          timestamp('revoked_at', true),
          text('created_by', 200),
        ],
        indices: [new TableIndex({ name: 'uq_api_keys_key_hash', columnNames: ['key_hash'], isUnique: true })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'projection_checkpoints',
        columns: [
          { ...text('name', 100), isPrimary: true },
          { name: 'position', type: 'bigint' },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'idempotency_records',
        columns: [
          { ...text('scope', 200), isPrimary: true },
          { ...text('key', 255), isPrimary: true },
          text('request_hash', 64),
          { name: 'status', type: 'integer' },
          { name: 'body', type: 'text', isNullable: true },
          { name: 'headers', type: 'text' },
          timestamp('created_at'),
        ],
        indices: [new TableIndex({ name: 'idx_idempotency_records_created_at', columnNames: ['created_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['idempotency_records', 'projection_checkpoints', 'api_keys', 'timeline_entries', 'incidents']) {
      await queryRunner.dropTable(table);
    }
  }
}
