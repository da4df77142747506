import type Database from 'better-sqlite3';
import type { EventMetadata, JsonObject, StoredEvent } from '@causeway/event-store';

/* The SQL the SQLite store runs, and its rows as the port's events. */

/** The newest stored event, as a group commit continues from it. */
export interface Head {
  position: number;
  hash: string;
  recordedAt: string;
}

export interface EventRow {
  readonly position: number;
  readonly stream_id: string;
  readonly version: number;
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly occurred_at: string;
  readonly recorded_at: string;
  readonly actor: string;
  readonly hash: string;
  readonly prev_hash: string;
}

export interface StreamRow {
  readonly streamNo: number;
  readonly version: number;
}

export interface StoredIdRow {
  readonly stream_id: string;
  readonly version: number;
  readonly position: number;
}

const COLUMNS = 'position, stream_id, version, id, type, data, metadata, occurred_at, recorded_at, actor, hash, prev_hash';
export const INSERT_COLUMNS = 'position, stream_id, stream_no, version, id, type, data, metadata, occurred_at, recorded_at, actor, hash, prev_hash';
export const INSERT_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

/** Every statement the store runs but the multi-row INSERT, prepared once per connection. */
export function prepareSqliteStatements(db: Database.Database) {
  return {
    head: db.prepare<[], Head>(
      'SELECT position, hash, recorded_at AS recordedAt FROM events ORDER BY position DESC LIMIT 1',
    ),
    stream: db.prepare<[string], StreamRow>('SELECT stream_no AS streamNo, version FROM streams WHERE stream_id = ?'),
    insertStream: db.prepare<[string, number]>('INSERT INTO streams (stream_id, version) VALUES (?, ?)'),
    updateStreamVersion: db.prepare<[number, number]>('UPDATE streams SET version = ? WHERE stream_no = ?'),
    storedId: db.prepare<[string], StoredIdRow>('SELECT stream_id, version, position FROM events WHERE id = ?'),
    readStream: db.prepare<[number, number, number], EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE stream_no = ? AND version >= ? AND version <= ? ORDER BY version`,
    ),
    readAll: db.prepare<[number, number], EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
    ),
    // One statement for any number of types: the list travels as a JSON array.
    readAllTyped: db.prepare<[number, string, number], EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE position > ? AND type IN (SELECT value FROM json_each(?))
       ORDER BY position LIMIT ?`,
    ),
    readRange: db.prepare<[number, number, number], EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE position >= ? AND position <= ? ORDER BY position LIMIT ?`,
    ),
    findEvent: db.prepare<[string], EventRow>(`SELECT ${COLUMNS} FROM events WHERE id = ?`),
    hashAt: db.prepare<[number], string>('SELECT hash FROM events WHERE position = ?').pluck(),
    prevHashAt: db.prepare<[number], string>('SELECT prev_hash FROM events WHERE position = ?').pluck(),
    ping: db.prepare<[], number>('SELECT 1').pluck(),
  };
}

export type SqliteStatements = ReturnType<typeof prepareSqliteStatements>;

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    position: row.position,
    streamId: row.stream_id,
    version: row.version,
    id: row.id,
    type: row.type,
    data: JSON.parse(row.data) as JsonObject,
    metadata: JSON.parse(row.metadata) as EventMetadata,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    actor: row.actor,
    hash: row.hash,
    prevHash: row.prev_hash,
  };
}
