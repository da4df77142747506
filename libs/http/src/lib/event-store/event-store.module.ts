import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, CommandHandler, type Clock } from '@causeway/application';
import { CAUSEWAY_CONFIG, type CausewayConfig } from '@causeway/config';
import type { EventStore } from '@causeway/event-store';
import { EVENT_STORE } from '../tokens';
import { createEventStore, eventStoreConfig } from './event-store.factory';

/**
 * The write side: the event log behind the port and the command handler that appends to it.
 * Modules that project from the log import this one, so Nest closes the store only after their
 * shutdown hooks (it runs them from the importing modules down to the imported ones).
 */
@Module({
  providers: [
    {
      provide: EVENT_STORE,
      useFactory: (config: CausewayConfig, clock: Clock): Promise<EventStore> => createEventStore(eventStoreConfig(config, () => clock.now())),
      inject: [CAUSEWAY_CONFIG, CLOCK],
    },
    { provide: CommandHandler, useFactory: (store: EventStore, clock: Clock) => new CommandHandler(store, clock), inject: [EVENT_STORE, CLOCK] },
  ],
  exports: [EVENT_STORE, CommandHandler],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
