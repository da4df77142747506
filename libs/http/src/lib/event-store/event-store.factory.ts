import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CausewayConfig } from '@causeway/config';
import type { EventStore } from '@causeway/event-store';
import { EventStoreDbEventStore } from '@causeway/event-store-eventstoredb';
import { PostgresEventStore } from '@causeway/event-store-postgres';
import { SQLITE_EVENTS_FILE, SqliteEventStore } from '@causeway/event-store-sqlite';

/*
 * Where a process picks its event-store adapter: the one place that loads every driver, so that
 * code coding against the port (`@causeway/event-store`) loads none.
 */

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

/** Maps the validated environment to the event-store adapter's own configuration. */
export function eventStoreConfig(config: CausewayConfig, clock: () => Date): EventStoreConfig {
  switch (config.CAUSEWAY_STORE) {
    case 'sqlite':
      return { store: 'sqlite', dataDir: config.CAUSEWAY_DATA_DIR, clock };
    case 'postgres':
      return { store: 'postgres', databaseUrl: config.DATABASE_URL ?? '', clock };
    case 'eventstoredb':
      return { store: 'eventstoredb', url: config.EVENTSTOREDB_URL ?? '', clock };
  }
}
