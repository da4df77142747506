import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read-model schema on PostgreSQL: the same tables, columns and index names as the SQLite
 * migration, with PostgreSQL's own types where they help (ADR 0008):
 * - times are `timestamptz` (8 bytes, compared as instants; the data source reads them back as the
 *   same ISO-8601 UTC text the SQLite tables hold, so the entities see one shape on both);
 * - JSON documents are `jsonb` (validated on write, queryable later);
 * - the ids that break ties in keyset order use the "C" collation, so PostgreSQL orders them byte
 *   by byte exactly as SQLite does and the cursors the two issue mean the same thing whatever the
 *   database's default locale;
 * - text people or alert sources write (titles, services, teams, actors, names) is `text`: SQLite
 *   never enforced the `varchar(n)` bounds, and a longer value arriving by intake (or from an old
 *   log) must not fail its batch forever here. Fixed-format values (ids, enums, hashes) keep them.
 *
 * Plain SQL rather than TypeORM's schema API: the types are the point of this migration, and the
 * statements are what a DBA reviews.
 */
export class CreatePostgresReadModels1795262400000 implements MigrationInterface {
  name = 'CreatePostgresReadModels1795262400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE incidents (
        id varchar(36) COLLATE "C" NOT NULL,
        title text NOT NULL,
        severity varchar(8) NOT NULL,
        status varchar(16) NOT NULL,
        service text NOT NULL,
        team text,
        vendor_site text,
        summary text,
        commander text,
        roles jsonb NOT NULL,
        labels jsonb NOT NULL,
        escalation_level integer NOT NULL,
        declared_at timestamptz NOT NULL,
        detected_at timestamptz NOT NULL,
        acknowledged_at timestamptz,
        mitigated_at timestamptz,
        resolved_at timestamptz,
        closed_at timestamptz,
        open_action_items integer NOT NULL DEFAULT 0,
        overdue_action_items integer NOT NULL DEFAULT 0,
        version integer NOT NULL,
        last_position bigint NOT NULL,
        search_text text NOT NULL,
        CONSTRAINT pk_incidents PRIMARY KEY (id)
      )`);
    await queryRunner.query(`CREATE INDEX idx_incidents_declared_at_id ON incidents (declared_at, id)`);
    for (const column of ['status', 'severity', 'service', 'team', 'vendor_site']) {
      await queryRunner.query(`CREATE INDEX idx_incidents_${column}_declared_at_id ON incidents (${column}, declared_at, id)`);
    }

    await queryRunner.query(`
      CREATE TABLE timeline_entries (
        position bigint NOT NULL,
        incident_id varchar(36) NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        type text NOT NULL,
        actor text NOT NULL,
        summary text NOT NULL,
        data jsonb NOT NULL,
        CONSTRAINT pk_timeline_entries PRIMARY KEY (position)
      )`);
    await queryRunner.query(
      `CREATE INDEX idx_timeline_incident_occurred_at_position ON timeline_entries (incident_id, occurred_at, position)`,
    );
    await queryRunner.query(`CREATE INDEX idx_timeline_incident_position ON timeline_entries (incident_id, position)`);

    await queryRunner.query(`
      CREATE TABLE api_keys (
        id varchar(36) COLLATE "C" NOT NULL,
        name text NOT NULL,
        role varchar(16) NOT NULL,
        key_hash varchar(64) NOT NULL,
        key_prefix varchar(32) NOT NULL,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz,
        created_by text NOT NULL,
        CONSTRAINT pk_api_keys PRIMARY KEY (id)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX uq_api_keys_key_hash ON api_keys (key_hash)`);

    await queryRunner.query(`
      CREATE TABLE projection_checkpoints (
        name varchar(100) NOT NULL,
        position bigint NOT NULL,
        CONSTRAINT pk_projection_checkpoints PRIMARY KEY (name)
      )`);

    await queryRunner.query(`
      CREATE TABLE idempotency_records (
        scope varchar(200) NOT NULL,
        key varchar(255) NOT NULL,
        request_hash varchar(64) NOT NULL,
        status integer NOT NULL,
        body jsonb,
        headers jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT pk_idempotency_records PRIMARY KEY (scope, key)
      )`);
    await queryRunner.query(`CREATE INDEX idx_idempotency_records_created_at ON idempotency_records (created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['idempotency_records', 'projection_checkpoints', 'api_keys', 'timeline_entries', 'incidents']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
