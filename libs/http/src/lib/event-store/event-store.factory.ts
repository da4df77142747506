import type { CausewayConfig } from '@causeway/config';
import type { EventStoreConfig } from '@causeway/event-store';

export { createEventStore, type EventStoreConfig } from '@causeway/event-store';

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
