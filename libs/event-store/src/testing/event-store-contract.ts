import type { EventStore } from '../index';
import { describeAppendContract } from './append.contract';
import { describeGlobalLogContract } from './global-log.contract';
import { describeHashChainContract } from './hash-chain.contract';
import { describeIdempotencyContract } from './idempotency.contract';
import { describeSubscriptionContract } from './subscription.contract';

export interface EventStoreUnderTest {
  readonly store: EventStore;
  /** Closes the store and removes whatever the factory created (files, schemas). */
  cleanup(): Promise<void>;
}

/** Opens an empty store: every test starts from position 0. */
export type EventStoreFactory = () => Promise<EventStoreUnderTest>;

/**
 * The behaviour every EventStore adapter must show (docs/architecture.md, section 4, "Guarantees").
 * An adapter's integration spec calls this with a factory for an empty store. Adapter-specific
 * properties (tampering with stored rows, crash safety, several processes) live in the adapter's
 * own spec.
 */
export function describeEventStoreContract(name: string, factory: EventStoreFactory): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
    });

    afterEach(async () => {
      await cleanup();
    });

    const currentStore = (): EventStore => store;
    describeAppendContract(currentStore);
    describeIdempotencyContract(currentStore);
    describeGlobalLogContract(currentStore);
    describeSubscriptionContract(currentStore);
    describeHashChainContract(currentStore);
  });
}
