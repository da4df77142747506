import type { StoredEvent } from '@causeway/event-store';
import type { DataSource } from 'typeorm';
import type { IncidentSummary } from '../projections/incident-summary/incident-summary.projection';
import type { AnyProjection } from '../projections/projection';
import { loadAndProjectBatch, saveChanges } from '../projections/read-models.projection';
import type { TimelineEntry } from '../projections/timeline/timeline.projection';
import { withConnectionLock } from '../storage/connection-lock';
import { checkpointPayload, READ_MODELS_CHANNEL } from '../storage/postgres-session';
import { ReadModelWriter } from '../storage/read-model.writer';
import type { AppliedListeners } from './applied-listeners';
import type { PositionWaiter } from './position-waiter';
import { DEFAULT_CHECKPOINT_NAME } from './projector.types';

export interface BatchOutcome {
  /** False when the checkpoint was no longer where the batch was read from (a rebuild reset it). */
  readonly connected: boolean;
  readonly applied: number;
}

/**
 * Applies a batch of events to every registered projection's rows and moves the checkpoint, in one
 * transaction that re-reads (and on PostgreSQL locks) the checkpoint first: a crash loses the
 * whole batch or nothing, and events delivered twice are dropped by position. A batch is applied
 * only if it was read from the current checkpoint, so a reader that fell behind a rebuild can never
 * skip events. Callers run it one batch at a time (the projector's queue).
 */
export class BatchWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly checkpointName: string,
    private readonly positions: PositionWaiter,
    private readonly listeners: AppliedListeners,
  ) {}

  async apply(events: readonly StoredEvent[], readAfter: number, replay: boolean): Promise<BatchOutcome> {
    const result = await withConnectionLock(this.dataSource, () =>
      this.dataSource.transaction(async (manager) => {
        const writer = new ReadModelWriter(manager);
        const checkpoint = await writer.lockCheckpoint(this.checkpointName);
        const none = { checkpoint, fresh: [] as StoredEvent[], entries: [] as readonly TimelineEntry[], incidents: [] as readonly IncidentSummary[] };
        if (checkpoint < readAfter) return { ...none, connected: false };
        const fresh = events.filter((event) => event.position > checkpoint);
        if (fresh.length === 0) return { ...none, connected: true };

        await writer.relaxDurability();
        const changes = await loadAndProjectBatch(writer, fresh);
        await saveChanges(writer, changes);
        const last = fresh[fresh.length - 1].position;
        await writer.saveCheckpoint(this.checkpointName, last);
        await this.announce(writer, last);
        return { checkpoint: last, connected: true, fresh, entries: changes.entries, incidents: changes.incidents };
      }),
    );
    this.positions.advance(result.checkpoint);
    if (result.fresh.length > 0) {
      this.listeners.notify({ events: result.fresh, entries: result.entries, incidents: result.incidents, position: result.checkpoint, replay, origin: 'applied' });
    }
    return { connected: result.connected, applied: result.fresh.length };
  }

  /**
   * Empties every projection's tables (dropping their secondary indexes) and the checkpoint, in one
   * transaction: the start of a full rebuild.
   */
  async reset(projections: readonly AnyProjection[]): Promise<void> {
    await withConnectionLock(this.dataSource, () =>
      this.dataSource.transaction(async (manager) => {
        const writer = new ReadModelWriter(manager);
        await writer.clear(
          this.checkpointName,
          projections.flatMap((projection) => projection.entities),
        );
        await this.announce(writer, 0);
      }),
    );
    this.positions.position = 0;
  }

  /**
   * Replaces one projection's rows with what the log up to the checkpoint makes of them, in one
   * transaction that holds the checkpoint (on PostgreSQL its row lock) throughout: a crash or a
   * stop leaves the old rows, readers see the old rows or the new ones, and the other projections
   * and the checkpoint are not written. `readPage` pages through the log (it may read ahead);
   * returns how many events it replayed.
   */
  async replaceProjection(
    projection: AnyProjection,
    readPage: (after: number) => Promise<readonly StoredEvent[]>,
    stillLeading: () => void,
  ): Promise<number> {
    return withConnectionLock(this.dataSource, () =>
      this.dataSource.transaction(async (manager) => {
        const writer = new ReadModelWriter(manager);
        const checkpoint = await writer.lockCheckpoint(this.checkpointName);
        await writer.relaxDurability();
        await writer.deleteRows(projection.entities);
        let replayed = 0;
        let after = 0;
        while (after < checkpoint) {
          stillLeading();
          const events = (await readPage(after)).filter((event) => event.position <= checkpoint);
          if (events.length === 0) break;
          const share = projection.of(events);
          await projection.save(writer, share.project(await projection.load(writer, share.ids())));
          replayed += events.length;
          after = events[events.length - 1].position;
        }
        return replayed;
      }),
    );
  }

  /** Builds the indexes a rebuild dropped; returns how many. */
  restoreIndexes(): Promise<number> {
    return withConnectionLock(this.dataSource, () => this.dataSource.transaction((manager) => new ReadModelWriter(manager).restoreIndexes()));
  }

  readCheckpoint(): Promise<number> {
    return withConnectionLock(this.dataSource, () => new ReadModelWriter(this.dataSource.manager).checkpoint(this.checkpointName));
  }

  /** Tells LISTENing processes about the new checkpoint (PostgreSQL delivers it on commit). */
  private announce(writer: ReadModelWriter, position: number): Promise<void> {
    return writer.notify(READ_MODELS_CHANNEL, checkpointPayload(this.checkpointName, DEFAULT_CHECKPOINT_NAME, position));
  }
}
