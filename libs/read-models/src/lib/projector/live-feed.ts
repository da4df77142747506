import type { EventStore, Subscription } from '@causeway/event-store';
import type { BatchWriter } from './batch-writer';
import type { PositionWaiter } from './position-waiter';
import type { ProjectorState } from './projector-state';
import { describe, ProjectorNotLeaderError, stackOf, type ProjectorLogger } from './projector.types';
import type { SerialQueue } from './serial-queue';

const MIN_RETRY_MS = 100;
const MAX_RETRY_MS = 30_000;

/**
 * The leader's live subscription to the log: each delivered batch goes through the batch writer. A
 * batch that fails is logged and the subscription restarts from the checkpoint with backoff: one
 * bad batch must not stop the process.
 */
export class LiveFeed {
  private subscription: Subscription | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = MIN_RETRY_MS;

  constructor(
    private readonly eventStore: EventStore,
    private readonly batchSize: number,
    private readonly state: ProjectorState,
    private readonly queue: SerialQueue,
    private readonly batches: BatchWriter,
    private readonly positions: PositionWaiter,
    private readonly logger: ProjectorLogger,
  ) {}

  resetBackoff(): void {
    this.retryMs = MIN_RETRY_MS;
  }

  /** Follows the log from the checkpoint, if this projector runs, leads and is not rebuilding. */
  subscribe(): void {
    const { state } = this;
    if (!state.live || !state.leading || state.paused || this.subscription !== null) return;
    let cursor = this.positions.position ?? 0;
    const subscription = this.eventStore.subscribe({ after: cursor, batchSize: this.batchSize }, async (events) => {
      if (!state.leading) throw new ProjectorNotLeaderError('the projector lost the lead');
      const outcome = await this.queue.run(() => this.batches.apply(events, cursor, false));
      if (!outcome.connected) throw new CheckpointRewoundError();
      cursor = events[events.length - 1].position;
      this.retryMs = MIN_RETRY_MS;
    });
    this.subscription = subscription;
    subscription.done.then(
      () => this.forget(subscription),
      (error: unknown) => {
        this.forget(subscription);
        if (!state.live || !state.leading || state.paused) return;
        const delay = error instanceof CheckpointRewoundError ? 0 : this.retryMs;
        if (!(error instanceof CheckpointRewoundError)) {
          this.logger.error(`Projection failed; resuming from the checkpoint in ${delay} ms: ${describe(error)}`, stackOf(error));
          this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
        }
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.subscribe();
        }, delay);
        this.retryTimer.unref();
      },
    );
  }

  async close(): Promise<void> {
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.close();
  }

  private forget(subscription: Subscription): void {
    if (this.subscription === subscription) this.subscription = null;
  }
}

/** A rebuild moved the checkpoint back behind the live subscription: it restarts from the checkpoint. */
class CheckpointRewoundError extends Error {
  constructor() {
    super('the projection checkpoint moved back behind the subscription');
    this.name = 'CheckpointRewoundError';
  }
}
