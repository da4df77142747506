import type { EventStore, StoredEvent } from '@causeway/event-store';
import type { DataSource } from 'typeorm';
import type { AnyProjection } from '../projections/projection';
import { PROJECTIONS } from '../projections/registry';
import { prepareBulkLoad } from '../storage/bulk-load';
import type { BatchWriter } from './batch-writer';
import type { Leadership } from './leadership';
import type { LiveFeed } from './live-feed';
import type { PositionWaiter } from './position-waiter';
import type { ProjectorState } from './projector-state';
import { describe, ProjectorNotLeaderError, stackOf, UnknownProjectionError, type ProjectorLogger, type RebuildResult } from './projector.types';
import type { SerialQueue } from './serial-queue';

const REGISTERED: readonly AnyProjection[] = PROJECTIONS;

/** The registered projection called `name`, or `UnknownProjectionError`. */
export function projectionNamed(name: string): AnyProjection {
  const projection = REGISTERED.find((candidate) => candidate.name === name);
  if (projection === undefined) throw new UnknownProjectionError(name, REGISTERED.map((candidate) => candidate.name));
  return projection;
}

/**
 * Re-derives read models from the log while live following pauses. All of them: empty every table
 * and the checkpoint in one transaction (dropping secondary indexes), replay the whole log in large
 * batches, rebuild the indexes. One of them: replace its rows in one transaction, replaying the log
 * up to the checkpoint into it alone.
 */
export class Rebuilder {
  constructor(
    private readonly eventStore: EventStore,
    private readonly dataSource: DataSource,
    private readonly rebuildBatchSize: number,
    private readonly parts: {
      readonly state: ProjectorState;
      readonly queue: SerialQueue;
      readonly batches: BatchWriter;
      readonly positions: PositionWaiter;
      readonly feed: LiveFeed;
      readonly leadership: Leadership;
    },
    private readonly logger: ProjectorLogger,
  ) {}

  /** Applies the log from the emptied checkpoint in rebuild-sized batches. */
  async rebuildAll(): Promise<RebuildResult> {
    const { queue, batches } = this.parts;
    return this.paused(async (generation) => {
      const started = performance.now();
      let endBulkLoad = async (): Promise<void> => undefined;
      try {
        endBulkLoad = await queue.run(() => prepareBulkLoad(this.dataSource));
        await queue.run(() => batches.reset(REGISTERED));
        this.logger.log('Read models cleared; replaying the log');
        const events = await this.replay(generation);
        await this.restoreIndexes();
        const seconds = (performance.now() - started) / 1000;
        this.logger.log(`Read models rebuilt: ${events} events in ${seconds.toFixed(2)} s`);
        return { events, seconds };
      } catch (error) {
        // The tables stay usable (if slow) without their indexes only until this process restarts.
        await this.restoreIndexes().catch((restoreError: unknown) =>
          this.logger.error(`Rebuilding the read-model indexes failed; the next start builds them: ${describe(restoreError)}`, stackOf(restoreError)),
        );
        throw error;
      } finally {
        await queue.run(endBulkLoad).catch((error: unknown) => this.logger.warn(`Restoring the WAL checkpoint interval failed: ${describe(error)}`));
      }
    });
  }

  /** Other projections' rows and the checkpoint stay as they are; listeners hear nothing (no row differs from what they saw). */
  async rebuildOne(projection: AnyProjection): Promise<RebuildResult> {
    return this.paused(async (generation) => {
      const started = performance.now();
      const reader = this.readAhead();
      const events = await this.parts.queue.run(() =>
        this.parts.batches.replaceProjection(projection, reader, () => this.checkLead(generation)),
      );
      const seconds = (performance.now() - started) / 1000;
      this.logger.log(`Projection ${projection.name} rebuilt: ${events} events in ${seconds.toFixed(2)} s`);
      return { events, seconds };
    });
  }

  /** Runs `work` with the leader lock (when needed) and live following paused, resuming after. */
  private async paused<T>(work: (generation: number) => Promise<T>): Promise<T> {
    const { state, feed, leadership } = this.parts;
    const lock = await leadership.lockForRebuild();
    const generation = state.generation;
    state.paused = true;
    await feed.close();
    try {
      return await work(generation);
    } finally {
      state.paused = false;
      if (state.live) feed.subscribe();
      await lock?.close();
    }
  }

  private checkLead(generation: number): void {
    if (this.parts.state.generation !== generation) throw new ProjectorNotLeaderError('the projector stopped or lost the lead during the rebuild');
  }

  /**
   * A page reader that starts reading the next page while the caller writes this one: on
   * PostgreSQL the log's server work overlaps the read models'.
   */
  private readAhead(): (after: number) => Promise<readonly StoredEvent[]> {
    let ahead: { after: number; page: Promise<StoredEvent[]> } | null = null;
    const read = (after: number) => {
      const page = this.eventStore.readAll({ after, limit: this.rebuildBatchSize });
      page.catch(() => undefined); // awaited by the caller, or dropped when it reads elsewhere
      return { after, page };
    };
    return async (after) => {
      const current = ahead !== null && ahead.after === after ? ahead : read(after);
      const batch = await current.page;
      ahead = batch.length === this.rebuildBatchSize ? read(batch[batch.length - 1].position) : null;
      return batch;
    };
  }

  private async replay(generation: number): Promise<number> {
    const { queue, batches, positions } = this.parts;
    const readPage = this.readAhead();
    let events = 0;
    for (;;) {
      this.checkLead(generation);
      // After a batch, the checkpoint is where the page read ahead starts, unless someone moved it
      // back (another rebuild): then the replay reads again from where it is now.
      const after = positions.position ?? 0;
      const batch = await readPage(after);
      if (batch.length === 0) return events;
      const outcome = await queue.run(() => batches.apply(batch, after, true));
      events += outcome.applied;
      if (outcome.connected && batch.length < this.rebuildBatchSize) return events;
    }
  }

  private async restoreIndexes(): Promise<void> {
    const built = await this.parts.queue.run(() => this.parts.batches.restoreIndexes());
    if (built > 0) this.logger.log(`Built ${built} read-model indexes`);
  }
}
