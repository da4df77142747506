import type { DataSource } from 'typeorm';
import { withConnectionLock } from './connection-lock';

/** 40 MiB of WAL (in 4 KiB pages) between checkpoints while a rebuild writes. */
const BULK_WAL_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * SQLite checkpoints the WAL into the database file (with an fsync) once it passes 1,000 pages,
 * which a rebuild batch of 5,000 events does every time: a fifth of a rebuild went into those
 * commits. Checkpointing every 40 MiB instead measured 15–25% faster rebuilds. Returns what puts
 * the connection's setting back. PostgreSQL needs nothing of the kind (its batches commit with
 * `synchronous_commit = off`).
 */
export async function prepareBulkLoad(dataSource: DataSource): Promise<() => Promise<void>> {
  if (dataSource.options.type !== 'better-sqlite3') return async () => undefined;
  const [{ wal_autocheckpoint: previous }] = (await withConnectionLock(dataSource, () => dataSource.query('PRAGMA wal_autocheckpoint'))) as {
    wal_autocheckpoint: number;
  }[];
  await withConnectionLock(dataSource, () => dataSource.query(`PRAGMA wal_autocheckpoint = ${BULK_WAL_AUTOCHECKPOINT_PAGES}`));
  return async () => {
    await withConnectionLock(dataSource, () => dataSource.query(`PRAGMA wal_autocheckpoint = ${Number(previous)}`));
  };
}
