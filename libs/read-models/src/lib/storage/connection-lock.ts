import type { DataSource } from 'typeorm';

/**
 * TypeORM's better-sqlite3 driver has one connection and one shared query runner. A transaction
 * that awaits between statements lets any other query on the data source run inside it: a request's
 * read would see rows the projector may still roll back, and an idempotency write would commit or
 * roll back with the projector's batch (or open a savepoint in the middle of it). So on SQLite every
 * unit of work on the read-model data source takes its turn through this lock. Pooled drivers give
 * each transaction its own connection and need no lock.
 */
const tails = new WeakMap<DataSource, Promise<unknown>>();

export function isSingleConnection(dataSource: DataSource): boolean {
  return dataSource.options.type === 'better-sqlite3' || dataSource.options.type === 'sqljs';
}

/** Runs `work` alone on the data source's connection (serialised on SQLite; directly elsewhere). Not re-entrant. */
export function withConnectionLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (!isSingleConnection(dataSource)) return work();
  const previous = tails.get(dataSource) ?? Promise.resolve();
  const run = previous.then(work);
  tails.set(
    dataSource,
    run.catch(() => undefined),
  );
  return run;
}
