import type { EventStore, StoredEvent, Subscription } from '@causeway/event-store';
import type { DataSource } from 'typeorm';
import { affectedIds, projectBatch } from './projections/read-models.projection';
import type { TimelineEntry } from './projections/timeline.projection';
import type { IncidentSummary } from './projections/incident-summary.projection';
import { withConnectionLock } from './storage/connection-lock';
import { ReadModelWriter } from './storage/read-model.writer';

/** What the projector logs through; Nest's `Logger` fits. */
export interface ProjectorLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, trace?: string): void;
}

/** One committed batch: its rows and the checkpoint are durable when listeners hear of it. */
export interface AppliedBatch {
  /** The events the batch applied (every type, not only projected ones), in position order. */
  readonly events: readonly StoredEvent[];
  /** Timeline entries the batch added, in position order. */
  readonly entries: readonly TimelineEntry[];
  /** Incident summaries as the batch wrote them (one per incident it changed). */
  readonly incidents: readonly IncidentSummary[];
  /** The checkpoint after the batch. */
  readonly position: number;
  /** True while `rebuild()` replays the log: these events were seen before. */
  readonly replay: boolean;
}

export type AppliedListener = (batch: AppliedBatch) => void;

export interface ProjectorOptions {
  /** Row key in `projection_checkpoints`. Default `read-models`. */
  readonly checkpointName?: string;
  /** Events per transaction when catching up and live. Default 1000. */
  readonly batchSize?: number;
  /** Events per transaction during `rebuild()`. Default 5000. */
  readonly rebuildBatchSize?: number;
}

export interface RebuildResult {
  readonly events: number;
  readonly seconds: number;
}

export const DEFAULT_CHECKPOINT_NAME = 'read-models';
const DEFAULT_BATCH_SIZE = 1000;
const DEFAULT_REBUILD_BATCH_SIZE = 5000;
const DEFAULT_WAIT_MS = 5000;
const MIN_RETRY_MS = 100;
const MAX_RETRY_MS = 30_000;

interface Waiter {
  readonly position: number;
  readonly resolve: (reached: boolean) => void;
  readonly timer: NodeJS.Timeout;
}

interface BatchOutcome {
  /** False when the checkpoint was no longer where the batch was read from (a rebuild reset it). */
  readonly connected: boolean;
  readonly applied: number;
}

const silent: ProjectorLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Keeps the read models (incident summaries, timelines, API keys) in step with the log.
 *
 * Each batch is one transaction that re-reads the checkpoint, applies only events after it and
 * writes rows and the new checkpoint together: a crash loses the whole batch or nothing, and
 * events delivered twice (a restart, `catchUp()` racing the live subscription) are dropped by
 * position. A batch is applied only if it was read from the current checkpoint, so a reader that
 * fell behind a `rebuild()` can never skip events.
 */
export class Projector {
  private readonly checkpointName: string;
  private readonly batchSize: number;
  private readonly rebuildBatchSize: number;
  /** The committed checkpoint as this process last saw it; null until read. */
  private position: number | null = null;
  /** Batches, checkpoint reads and resets run one at a time, in call order. */
  private queue: Promise<unknown> = Promise.resolve();
  private catchUpRun: Promise<number> | null = null;
  private rebuildRun: Promise<RebuildResult> | null = null;
  private live = false;
  private paused = false;
  private subscription: Subscription | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = MIN_RETRY_MS;
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<AppliedListener>();

  constructor(
    private readonly eventStore: EventStore,
    private readonly dataSource: DataSource,
    private readonly logger: ProjectorLogger = silent,
    options: ProjectorOptions = {},
  ) {
    this.checkpointName = options.checkpointName ?? DEFAULT_CHECKPOINT_NAME;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.rebuildBatchSize = options.rebuildBatchSize ?? DEFAULT_REBUILD_BATCH_SIZE;
  }

  /**
   * Catches up to the head, then follows the log live until `stop()`. A batch that fails (on start
   * or later) is logged and retried from the checkpoint with backoff: one bad batch must not stop
   * the process, and every read-your-writes wait recovers once it passes.
   */
  async start(): Promise<void> {
    if (this.live) return;
    this.live = true;
    this.retryMs = MIN_RETRY_MS;
    try {
      await this.catchUp();
    } catch (error) {
      this.logger.error(`Projection catch-up failed; following the log from the checkpoint: ${describe(error)}`, stackOf(error));
    }
    this.subscribe();
  }

  /** Stops following the log; resolves once no batch is being applied. */
  async stop(): Promise<void> {
    this.live = false;
    await this.closeSubscription();
    await this.exclusive(async () => undefined);
  }

  /** Projects everything up to the current head; resolves with how many events it applied. */
  catchUp(): Promise<number> {
    if (this.catchUpRun !== null) return this.catchUpRun;
    const run = this.runCatchUp().finally(() => {
      this.catchUpRun = null;
    });
    this.catchUpRun = run;
    return run;
  }

  /**
   * Resolves true once the checkpoint has reached `position` (read-your-writes after a command),
   * false if `timeoutMs` passes first. Woken by applied batches, never by polling. When the
   * projector is not live, it catches up itself.
   */
  async waitFor(position: number, timeoutMs = DEFAULT_WAIT_MS): Promise<boolean> {
    const current = this.position ?? (await this.checkpoint());
    if (current >= position) return true;
    const reached = new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        position,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
    if (!this.live) void this.catchUpTo(position);
    return reached;
  }

  /** The committed checkpoint: the position of the last applied event, 0 before the first. */
  checkpoint(): Promise<number> {
    return this.exclusive(() => this.readCheckpoint());
  }

  /**
   * Empties the projection tables and the checkpoint in one transaction, then replays the whole log
   * in large batches. Live following pauses meanwhile and resumes after.
   */
  rebuild(): Promise<RebuildResult> {
    if (this.rebuildRun !== null) return this.rebuildRun;
    const run = this.runRebuild().finally(() => {
      this.rebuildRun = null;
    });
    this.rebuildRun = run;
    return run;
  }

  /** Called after each committed batch; returns the function that unregisters the listener. */
  onApplied(listener: AppliedListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private async runCatchUp(): Promise<number> {
    let applied = 0;
    let after = this.position ?? (await this.checkpoint());
    for (;;) {
      const batch = await this.eventStore.readAll({ after, limit: this.batchSize });
      if (batch.length === 0) return applied;
      const outcome = await this.exclusive(() => this.applyBatch(batch, after, false));
      applied += outcome.applied;
      after = this.position ?? 0;
      if (outcome.connected && batch.length < this.batchSize) return applied;
    }
  }

  private async catchUpTo(position: number): Promise<void> {
    try {
      // A run already under way may have read the head before `position` was appended.
      for (let attempt = 0; attempt < 2 && (this.position ?? 0) < position; attempt++) {
        await this.catchUp();
      }
    } catch (error) {
      this.logger.error(`Projection catch-up failed: ${describe(error)}`, stackOf(error));
    }
  }

  private async runRebuild(): Promise<RebuildResult> {
    const started = performance.now();
    this.paused = true;
    await this.closeSubscription();
    try {
      await this.exclusive(async () => {
        await withConnectionLock(this.dataSource, () =>
          this.dataSource.transaction((manager) => new ReadModelWriter(manager).clear(this.checkpointName)),
        );
        this.position = 0;
      });
      this.logger.log('Read models cleared; replaying the log');
      let events = 0;
      let after = 0;
      for (;;) {
        const batch = await this.eventStore.readAll({ after, limit: this.rebuildBatchSize });
        if (batch.length === 0) break;
        const outcome = await this.exclusive(() => this.applyBatch(batch, after, true));
        events += outcome.applied;
        after = this.position ?? 0;
        if (outcome.connected && batch.length < this.rebuildBatchSize) break;
      }
      const seconds = (performance.now() - started) / 1000;
      this.logger.log(`Read models rebuilt: ${events} events in ${seconds.toFixed(2)} s`);
      return { events, seconds };
    } finally {
      this.paused = false;
      if (this.live) this.subscribe();
    }
  }

  /** Runs inside `exclusive`. */
  private async applyBatch(events: readonly StoredEvent[], readAfter: number, replay: boolean): Promise<BatchOutcome> {
    const result = await withConnectionLock(this.dataSource, () =>
      this.dataSource.transaction(async (manager) => {
        const writer = new ReadModelWriter(manager);
        const checkpoint = await writer.checkpoint(this.checkpointName);
        if (checkpoint < readAfter) {
          return { checkpoint, connected: false, fresh: [] as StoredEvent[], entries: [] as readonly TimelineEntry[], incidents: [] as readonly IncidentSummary[] };
        }
        const fresh = events.filter((event) => event.position > checkpoint);
        if (fresh.length === 0) return { checkpoint, connected: true, fresh, entries: [] as readonly TimelineEntry[], incidents: [] as readonly IncidentSummary[] };

        const { incidentIds, apiKeyIds } = affectedIds(fresh);
        const incidents = await writer.loadIncidents(incidentIds);
        const apiKeys = await writer.loadApiKeys(apiKeyIds);
        const changes = projectBatch(fresh, incidents, apiKeys);
        await writer.upsertIncidents(changes.incidents);
        await writer.insertTimelineEntries(changes.entries);
        await writer.upsertApiKeys(changes.apiKeys);
        const last = fresh[fresh.length - 1].position;
        await writer.saveCheckpoint(this.checkpointName, last);
        return { checkpoint: last, connected: true, fresh, entries: changes.entries, incidents: changes.incidents };
      }),
    );
    this.advance(result.checkpoint);
    if (result.fresh.length > 0) {
      this.notify({ events: result.fresh, entries: result.entries, incidents: result.incidents, position: result.checkpoint, replay });
    }
    return { connected: result.connected, applied: result.fresh.length };
  }

  /** Runs inside `exclusive`. */
  private async readCheckpoint(): Promise<number> {
    const position = await withConnectionLock(this.dataSource, () =>
      new ReadModelWriter(this.dataSource.manager).checkpoint(this.checkpointName),
    );
    this.advance(position);
    return position;
  }

  private subscribe(): void {
    if (!this.live || this.paused || this.subscription !== null) return;
    let cursor = this.position ?? 0;
    const subscription = this.eventStore.subscribe({ after: cursor, batchSize: this.batchSize }, async (events) => {
      const outcome = await this.exclusive(() => this.applyBatch(events, cursor, false));
      if (!outcome.connected) throw new CheckpointRewoundError();
      cursor = events[events.length - 1].position;
      this.retryMs = MIN_RETRY_MS;
    });
    this.subscription = subscription;
    subscription.done.then(
      () => this.forget(subscription),
      (error: unknown) => {
        this.forget(subscription);
        if (!this.live || this.paused) return;
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

  private forget(subscription: Subscription): void {
    if (this.subscription === subscription) this.subscription = null;
  }

  private async closeSubscription(): Promise<void> {
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.close();
  }

  private advance(position: number): void {
    this.position = position;
    for (const waiter of this.waiters) {
      if (waiter.position <= position) {
        clearTimeout(waiter.timer);
        this.waiters.delete(waiter);
        waiter.resolve(true);
      }
    }
  }

  private notify(batch: AppliedBatch): void {
    for (const listener of this.listeners) {
      try {
        listener(batch);
      } catch (error) {
        // The batch is committed; a failing listener (an SSE client, a cache) must not undo or stop it.
        this.logger.error(`Projection listener failed: ${describe(error)}`, stackOf(error));
      }
    }
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** A rebuild moved the checkpoint back behind the live subscription: it restarts from the checkpoint. */
class CheckpointRewoundError extends Error {
  constructor() {
    super('the projection checkpoint moved back behind the subscription');
    this.name = 'CheckpointRewoundError';
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function stackOf(error: unknown): string | undefined {
  return error instanceof Error ? error.stack : undefined;
}
