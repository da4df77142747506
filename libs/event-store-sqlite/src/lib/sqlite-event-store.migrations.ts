import type { Database } from 'better-sqlite3';

/**
 * Schema versions, applied in order and recorded in `PRAGMA user_version`. Append new entries;
 * never edit one that has shipped.
 *
 * `position` is the rowid (INTEGER PRIMARY KEY): the global order costs no extra index and
 * `readAll` is a range scan of the table itself.
 *
 * Streams get a small integer key in `streams`, and the per-stream uniqueness is enforced on
 * `(stream_no, version)` instead of `(stream_id, version)`; with the 1:1 mapping it is the same
 * constraint. Why: appends to many streams dirty a page of that index per stream touched, and every
 * dirty page is written to the WAL and checkpointed again. With real stream ids
 * (`incident-<uuid>`, ~45 bytes) a text-keyed index is several times larger than an integer one,
 * and measured group-commit throughput was about 25% lower. `streams.version` also answers the
 * expected-version check with one lookup in a table that stays in cache.
 */
export const SQLITE_EVENT_STORE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE streams (
     stream_no INTEGER PRIMARY KEY,
     stream_id TEXT    NOT NULL,
     version   INTEGER NOT NULL,
     CONSTRAINT streams_stream_id_unique UNIQUE (stream_id)
   ) STRICT;
   CREATE TABLE events (
     position    INTEGER PRIMARY KEY,
     stream_id   TEXT    NOT NULL,
     stream_no   INTEGER NOT NULL,
     version     INTEGER NOT NULL,
     id          TEXT    NOT NULL,
     type        TEXT    NOT NULL,
     data        TEXT    NOT NULL,
     metadata    TEXT    NOT NULL,
     occurred_at TEXT    NOT NULL,
     recorded_at TEXT    NOT NULL,
     actor       TEXT    NOT NULL,
     hash        TEXT    NOT NULL,
     prev_hash   TEXT    NOT NULL,
     CONSTRAINT events_id_unique UNIQUE (id),
     CONSTRAINT events_stream_version_unique UNIQUE (stream_no, version)
   ) STRICT;`,
];

/**
 * Brings the file to the newest schema. The version is read inside the write transaction so two
 * processes opening a fresh file at once cannot both run the same step.
 */
export function migrateSqliteEventStore(db: Database): void {
  for (;;) {
    const applied = db
      .transaction((): boolean => {
        const version = db.pragma('user_version', { simple: true }) as number;
        if (version > SQLITE_EVENT_STORE_MIGRATIONS.length) {
          throw new Error(
            `event store schema version ${version} is newer than this build understands ` +
              `(${SQLITE_EVENT_STORE_MIGRATIONS.length}); upgrade Causeway`,
          );
        }
        if (version === SQLITE_EVENT_STORE_MIGRATIONS.length) return false;
        db.exec(SQLITE_EVENT_STORE_MIGRATIONS[version]);
        db.pragma(`user_version = ${version + 1}`);
        return true;
      })
      .immediate();
    if (!applied) return;
  }
}
