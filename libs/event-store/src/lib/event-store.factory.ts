import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from './event-store.port';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
import { PostgresEventStore } from './postgres/postgres-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

export type EventStoreBackend = 'sqlite' | 'postgres' | 'eventstoredb';

export interface SqliteEventStoreConfig {
  readonly store: 'sqlite';
  /** The log lives in `<dataDir>/events.db`; the directory is created if missing. */
  readonly dataDir: string;
  readonly clock?: () => Date;
}

export interface PostgresEventStoreConfig {
  readonly store: 'postgres';
  readonly databaseUrl: string;
  readonly clock?: () => Date;
}

export interface EventStoreDbEventStoreConfig {
  readonly store: 'eventstoredb';
  readonly url: string;
  readonly clock?: () => Date;
}

export type EventStoreConfig = SqliteEventStoreConfig | PostgresEventStoreConfig | EventStoreDbEventStoreConfig;

export const SQLITE_EVENTS_FILE = 'events.db';

/** Opens the configured backend (`CAUSEWAY_STORE`). */
export async function createEventStore(config: EventStoreConfig): Promise<EventStore> {
  switch (config.store) {
    case 'sqlite': {
      mkdirSync(config.dataDir, { recursive: true });
      return SqliteEventStore.open({ file: join(config.dataDir, SQLITE_EVENTS_FILE), clock: config.clock });
    }
    case 'postgres':
      // Runs pending migrations and joins the sequencer election before the first append.
      return PostgresEventStore.open({ connectionString: config.databaseUrl, clock: config.clock });
    case 'eventstoredb':
      // Connects lazily: an unreachable server shows up as StoreUnavailableError on ping() or the
      // first call. No clock: EventStoreDB assigns the record time itself.
      return EventStoreDbEventStore.connect({ url: config.url });
    default: {
      const unknown: never = config;
      throw new Error(`Unknown event store backend: ${JSON.stringify(unknown)}`);
    }
  }
}
