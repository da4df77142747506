import type { CatchUpSubscription } from './catch-up-subscription';
import {
  StoreUnavailableError,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type ReadAllOptions,
  type ReadStreamOptions,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandler,
  type TypedReadStreamOptions,
  type VerifyResult,
} from './event-store.port';
import type { EventShape, EventTypes, NewEvent, StoredEvent } from './event-types';

/**
 * What every adapter does alike: the typed `readStream` overload over the adapter's own read, and
 * the close protocol. Closing stops appends and new subscriptions at once, lets reads go on while
 * the adapter drains (so subscriptions woken by the last commits can finish), closes the
 * subscriptions, and always releases the connections or file, even when draining failed.
 */
export abstract class EventStoreAdapter implements EventStore {
  abstract readonly backend: string;
  /** Live subscriptions, closed on `close()` (`openTrackedSubscription` adds and removes them). */
  protected readonly subscriptions = new Set<CatchUpSubscription>();
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | null = null;

  abstract append(streamId: string, events: readonly NewEvent<EventShape>[], options: AppendOptions): Promise<AppendResult>;
  abstract streamVersion(streamId: string): Promise<number>;
  abstract readAll(options: ReadAllOptions): Promise<StoredEvent[]>;
  abstract findEvent(id: string): Promise<StoredEvent | null>;
  abstract headPosition(): Promise<number>;
  abstract subscribe(options: SubscribeOptions, handler: SubscriptionHandler): Subscription;
  abstract verify(options?: { from?: number; to?: number }): Promise<VerifyResult>;
  abstract ping(): Promise<boolean>;

  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  readStream<E extends EventShape>(streamId: string, options: TypedReadStreamOptions<E>): Promise<StoredEvent<E>[]>;
  async readStream(streamId: string, options: ReadStreamOptions & { eventTypes?: EventTypes<EventShape> } = {}): Promise<StoredEvent<EventShape>[]> {
    const events = await this.readStoredStream(streamId, options);
    return options.eventTypes ? options.eventTypes.narrowAll(events) : events;
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /** The stream's events as stored (version range as in `ReadStreamOptions`). */
  protected abstract readStoredStream(streamId: string, options: ReadStreamOptions): Promise<StoredEvent[]>;
  /** Finishes what was accepted before `close()` (appends waiting for their commit or position). */
  protected abstract drain(): Promise<void>;
  /** Frees what the adapter holds: file, pool, background workers. */
  protected abstract release(): Promise<void>;

  protected get isOpen(): boolean {
    return this.state === 'open';
  }

  protected get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Appends and new subscriptions stop as soon as close() starts. */
  protected ensureOpen(): void {
    if (this.state !== 'open') throw new StoreUnavailableError('the event store is closed');
  }

  /** Reads go on while close() drains. */
  protected ensureReadable(): void {
    if (this.state === 'closed') throw new StoreUnavailableError('the event store is closed');
  }

  private async shutDown(): Promise<void> {
    this.state = 'closing';
    try {
      await this.drain();
      await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    } finally {
      this.state = 'closed';
      await this.release();
    }
  }
}
