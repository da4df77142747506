import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const timestamp = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '32', isNullable });
const text = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });

const ACTIVE = `status IN ('open', 'in_progress')`;
const FINISHED = `status IN ('done', 'cancelled')`;

/**
 * Action items and their board history (issue 4). Also drops the incident columns
 * `open_action_items` / `overdue_action_items` that the first schema reserved: the counts depend
 * on the time of the read (an item becomes overdue without any event), so they are counted from
 * `action_items` when an incident is read instead of being stored.
 */
export class ActionItems1795435200000 implements MigrationInterface {
  name = 'ActionItems1795435200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'action_items',
        columns: [
          { ...text('id', 36), isPrimary: true },
          text('incident_id', 36),
          text('title', 300),
          text('owner', 254),
          text('team', 100, true),
          timestamp('due_at'),
          text('priority', 2),
          text('kind', 16),
          { name: 'description', type: 'text', isNullable: true },
          text('status', 16),
          timestamp('created_at'),
          timestamp('completed_at', true),
          timestamp('cancelled_at', true),
          timestamp('overdue_for', true),
          { name: 'overdue_recorded', type: 'boolean' },
          { name: 'version', type: 'integer' },
          { name: 'last_position', type: 'bigint' },
          { name: 'valid_from_version', type: 'integer' },
          timestamp('valid_from'),
        ],
        indices: [
          new TableIndex({ name: 'idx_action_items_due_at_id', columnNames: ['due_at', 'id'] }),
          new TableIndex({ name: 'idx_action_items_owner_due_at_id', columnNames: ['owner', 'due_at', 'id'] }),
          new TableIndex({ name: 'idx_action_items_team_due_at_id', columnNames: ['team', 'due_at', 'id'] }),
          new TableIndex({ name: 'idx_action_items_incident_due_at_id', columnNames: ['incident_id', 'due_at', 'id'] }),
          new TableIndex({ name: 'idx_action_items_active_due_at_id', columnNames: ['due_at', 'id'], where: ACTIVE }),
          new TableIndex({ name: 'idx_action_items_active_owner_due_at_id', columnNames: ['owner', 'due_at', 'id'], where: ACTIVE }),
          new TableIndex({ name: 'idx_action_items_active_team_due_at_id', columnNames: ['team', 'due_at', 'id'], where: ACTIVE }),
          new TableIndex({ name: 'idx_action_items_finished_due_at_id', columnNames: ['due_at', 'id'], where: FINISHED }),
          new TableIndex({
            name: 'idx_action_items_unflagged_due_at_id',
            columnNames: ['due_at', 'id'],
            where: `${ACTIVE} AND overdue_recorded = false`,
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'action_item_versions',
        columns: [
          { ...text('action_item_id', 36), isPrimary: true },
          { name: 'version', type: 'integer', isPrimary: true },
          text('incident_id', 36),
          text('owner', 254),
          text('team', 100, true),
          text('status', 16),
          timestamp('due_at'),
          timestamp('valid_from'),
          timestamp('valid_to', true),
        ],
        indices: [
          new TableIndex({ name: 'idx_action_item_versions_active_due_at', columnNames: ['due_at', 'action_item_id'], where: ACTIVE }),
          new TableIndex({ name: 'idx_action_item_versions_active_owner_due_at', columnNames: ['owner', 'due_at', 'action_item_id'], where: ACTIVE }),
        ],
      }),
    );
    // SQLite 3.35+ drops a column in place (no index uses these two).
    await queryRunner.query(`ALTER TABLE incidents DROP COLUMN open_action_items`);
    await queryRunner.query(`ALTER TABLE incidents DROP COLUMN overdue_action_items`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE incidents ADD COLUMN open_action_items integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE incidents ADD COLUMN overdue_action_items integer NOT NULL DEFAULT 0`);
    await queryRunner.dropTable('action_item_versions');
    await queryRunner.dropTable('action_items');
  }
}
