import type { MigrationInterface, QueryRunner } from 'typeorm';

const ACTIVE = `status IN ('open', 'in_progress')`;
const FINISHED = `status IN ('done', 'cancelled')`;

/**
 * Action items and their board history on PostgreSQL (the SQLite migration of the same name
 * explains the tables). Owners, teams and titles are `text` for the reason the first migration
 * gives; ids break keyset ties in the "C" collation, as on SQLite.
 */
export class PostgresActionItems1795435200000 implements MigrationInterface {
  name = 'PostgresActionItems1795435200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE action_items (
        id varchar(36) COLLATE "C" NOT NULL,
        incident_id varchar(36) NOT NULL,
        title text NOT NULL,
        owner text NOT NULL,
        team text,
        due_at timestamptz NOT NULL,
        priority varchar(2) NOT NULL,
        kind varchar(16) NOT NULL,
        description text,
        status varchar(16) NOT NULL,
        created_at timestamptz NOT NULL,
        completed_at timestamptz,
        cancelled_at timestamptz,
        overdue_for timestamptz,
        overdue_recorded boolean NOT NULL,
        version integer NOT NULL,
        last_position bigint NOT NULL,
        valid_from_version integer NOT NULL,
        valid_from timestamptz NOT NULL,
        CONSTRAINT pk_action_items PRIMARY KEY (id)
      )`);
    await queryRunner.query(`CREATE INDEX idx_action_items_due_at_id ON action_items (due_at, id)`);
    for (const column of ['owner', 'team']) {
      await queryRunner.query(`CREATE INDEX idx_action_items_${column}_due_at_id ON action_items (${column}, due_at, id)`);
    }
    await queryRunner.query(`CREATE INDEX idx_action_items_incident_due_at_id ON action_items (incident_id, due_at, id)`);
    await queryRunner.query(`CREATE INDEX idx_action_items_active_due_at_id ON action_items (due_at, id) WHERE ${ACTIVE}`);
    await queryRunner.query(`CREATE INDEX idx_action_items_active_owner_due_at_id ON action_items (owner, due_at, id) WHERE ${ACTIVE}`);
    await queryRunner.query(`CREATE INDEX idx_action_items_active_team_due_at_id ON action_items (team, due_at, id) WHERE ${ACTIVE}`);
    await queryRunner.query(`CREATE INDEX idx_action_items_finished_due_at_id ON action_items (due_at, id) WHERE ${FINISHED}`);
    await queryRunner.query(
      `CREATE INDEX idx_action_items_unflagged_due_at_id ON action_items (due_at, id) WHERE ${ACTIVE} AND overdue_recorded = false`,
    );

    await queryRunner.query(`
      CREATE TABLE action_item_versions (
        action_item_id varchar(36) COLLATE "C" NOT NULL,
        version integer NOT NULL,
        incident_id varchar(36) NOT NULL,
        owner text NOT NULL,
        team text,
        status varchar(16) NOT NULL,
        due_at timestamptz NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_to timestamptz,
        CONSTRAINT pk_action_item_versions PRIMARY KEY (action_item_id, version)
      )`);
    await queryRunner.query(`CREATE INDEX idx_action_item_versions_active_due_at ON action_item_versions (due_at, action_item_id) WHERE ${ACTIVE}`);
    await queryRunner.query(
      `CREATE INDEX idx_action_item_versions_active_owner_due_at ON action_item_versions (owner, due_at, action_item_id) WHERE ${ACTIVE}`,
    );

    await queryRunner.query(`ALTER TABLE incidents DROP COLUMN open_action_items, DROP COLUMN overdue_action_items`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE incidents ADD COLUMN open_action_items integer NOT NULL DEFAULT 0, ADD COLUMN overdue_action_items integer NOT NULL DEFAULT 0`,
    );
    await queryRunner.query(`DROP TABLE action_item_versions`);
    await queryRunner.query(`DROP TABLE action_items`);
  }
}
