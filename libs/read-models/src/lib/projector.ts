import type { EventStore, StoredEvent, Subscription } from '@causeway/event-store';
import type { DataSource } from 'typeorm';
import type { IncidentSummary } from './projections/incident-summary.projection';
import { affectedIds, projectBatch } from './projections/read-models.projection';
import { toTimelineEntry, type TimelineEntry } from './projections/timeline.projection';
import { prepareBulkLoad } from './storage/bulk-load';
import { isSingleConnection, withConnectionLock } from './storage/connection-lock';
import { checkpointPayload, parseCheckpointPayload, PostgresSession, READ_MODELS_CHANNEL } from './storage/postgres-session';
import { ReadModelWriter } from './storage/read-model.writer';

/** What the projector logs through; Nest's `Logger` fits. */
export interface ProjectorLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, trace?: string): void;
}

/** One committed batch: its rows and the checkpoint are durable when listeners hear of it. */
export interface AppliedBatch {
  /**
   * The events the batch applied (every type, not only projected ones), in position order. Empty
   * in an observed replay (another process rebuilding), which announces only its position.
   */
  readonly events: readonly StoredEvent[];
  /** Timeline entries the batch added, in position order. */
  readonly entries: readonly TimelineEntry[];
  /**
   * Incident summaries the batch changed, one per incident. Applied batches carry them as written;
   * observed batches as read just after the commit, which may already include later events.
   */
  readonly incidents: readonly IncidentSummary[];
  /** The checkpoint after the batch. */
  readonly position: number;
  /** True while `rebuild()` replays the log: these events were seen before. */
  readonly replay: boolean;
  /**
   * `applied`: this process committed the batch. `observed`: another process (the leader) did, and
   * this one, following, loaded the range from the log and the read models after the commit.
   */
  readonly origin: 'applied' | 'observed';
}

export type AppliedListener = (batch: AppliedBatch) => void;

/**
 * `candidate` (default): once started, applies the log while it leads: always on SQLite (one
 * process), on PostgreSQL while it holds the projector's advisory lock (it retries every
 * `electionIntervalMs` otherwise). `follower`: never applies; it follows the checkpoint another
 * process commits (an API replica that needs `waitFor` and `onApplied`).
 */
export type ProjectorRole = 'candidate' | 'follower';

export interface ProjectorOptions {
  /** Row key in `projection_checkpoints`, and the name of the leader lock. Default `read-models`. */
  readonly checkpointName?: string;
  /** Events per transaction when catching up and live. Default 1000. */
  readonly batchSize?: number;
  /** Events per transaction (and per `readAll` page) during `rebuild()`. Default 5000 on SQLite, 10,000 on PostgreSQL. */
  readonly rebuildBatchSize?: number;
  readonly role?: ProjectorRole;
  /** A started non-leader tries for the lock (and re-reads the checkpoint) this often. Default 1000 ms. */
  readonly electionIntervalMs?: number;
  /** While a non-leader has `waitFor` callers, it re-reads the checkpoint this often besides notifications. Default 50 ms. */
  readonly followerPollMs?: number;
}

export interface RebuildResult {
  readonly events: number;
  readonly seconds: number;
}

/** Applying was refused: another process leads (PostgreSQL), or this projector is a follower. */
export class ProjectorNotLeaderError extends Error {
  readonly code = 'PROJECTOR_NOT_LEADER' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ProjectorNotLeaderError';
  }
}

export const DEFAULT_CHECKPOINT_NAME = 'read-models';
const DEFAULT_BATCH_SIZE = 1000;
const DEFAULT_REBUILD_BATCH_SIZE = 5000;
const DEFAULT_POSTGRES_REBUILD_BATCH_SIZE = 10_000;
const DEFAULT_WAIT_MS = 5000;
const DEFAULT_ELECTION_INTERVAL_MS = 1000;
const DEFAULT_FOLLOWER_POLL_MS = 50;
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
 * Each batch is one transaction that re-reads (and on PostgreSQL locks) the checkpoint, applies
 * only events after it and writes rows and the new checkpoint together: a crash loses the whole
 * batch or nothing, and events delivered twice (a restart, `catchUp()` racing the live
 * subscription, two processes that both believed they led) are dropped by position. A batch is
 * applied only if it was read from the current checkpoint, so a reader that fell behind a
 * `rebuild()` can never skip events.
 *
 * On PostgreSQL several processes may run a projector on one database: started candidates elect
 * one leader with an advisory lock on a session of their own; the others follow the checkpoint
 * (LISTEN/NOTIFY, polling as the fallback) so that `waitFor` and `onApplied` work everywhere.
 */
export class Projector {
  private readonly checkpointName: string;
  private readonly batchSize: number;
  private readonly rebuildBatchSize: number;
  private readonly role: ProjectorRole;
  private readonly electionIntervalMs: number;
  private readonly followerPollMs: number;
  private readonly multiProcess: boolean;
  /** The committed checkpoint as this process last saw it; null until read. */
  private position: number | null = null;
  /** Batches, checkpoint reads and resets run one at a time, in call order. */
  private queue: Promise<unknown> = Promise.resolve();
  private catchUpRun: Promise<number> | null = null;
  private rebuildRun: Promise<RebuildResult> | null = null;
  private live = false;
  private leading = false;
  /** Moves on every stop() and loss of the lead: runs started before it end at their next batch. */
  private generation = 0;
  private paused = false;
  private subscription: Subscription | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = MIN_RETRY_MS;
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<AppliedListener>();

  private session: PostgresSession | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private leadRun: Promise<void> | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private confirmingRewind = false;
  /** Following: listeners have heard of everything up to here. */
  private announcedTo: number | null = null;
  /** Following: the leader is replaying the log up to here (it rebuilt). */
  private replayUntil = 0;
  private announcing = false;
  private announceAgain = false;

  constructor(
    private readonly eventStore: EventStore,
    private readonly dataSource: DataSource,
    private readonly logger: ProjectorLogger = silent,
    options: ProjectorOptions = {},
  ) {
    this.multiProcess = !isSingleConnection(dataSource);
    this.checkpointName = options.checkpointName ?? DEFAULT_CHECKPOINT_NAME;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.rebuildBatchSize = options.rebuildBatchSize ?? (this.multiProcess ? DEFAULT_POSTGRES_REBUILD_BATCH_SIZE : DEFAULT_REBUILD_BATCH_SIZE);
    this.role = options.role ?? 'candidate';
    this.electionIntervalMs = options.electionIntervalMs ?? DEFAULT_ELECTION_INTERVAL_MS;
    this.followerPollMs = options.followerPollMs ?? DEFAULT_FOLLOWER_POLL_MS;
  }

  /**
   * Catches up to the head, then follows the log live until `stop()`; a batch that fails (on start
   * or later) is logged and retried from the checkpoint with backoff: one bad batch must not stop
   * the process, and every read-your-writes wait recovers once it passes.
   *
   * On PostgreSQL a candidate does so only while it holds the leader lock; otherwise (and as a
   * follower) it follows the checkpoint that the leader commits and retries the lock every
   * `electionIntervalMs`. Resolves once the first election (and, when won, the catch-up) is done.
   */
  async start(): Promise<void> {
    if (this.live) return;
    this.live = true;
    this.retryMs = MIN_RETRY_MS;
    if (this.role === 'candidate' && !this.multiProcess) {
      await this.lead();
      return;
    }
    await this.runTick();
    await this.leadRun;
    this.scheduleTick();
  }

  /**
   * Stops following the log; resolves once no batch is being applied. On PostgreSQL it then ends
   * its session, which hands the leader lock to another projector.
   */
  async stop(): Promise<void> {
    this.live = false;
    this.generation += 1;
    if (this.tickTimer !== null) clearTimeout(this.tickTimer);
    this.tickTimer = null;
    this.stopPolling();
    await this.ticking;
    await this.closeSubscription();
    await this.leadRun;
    await this.exclusive(async () => undefined);
    this.leading = false;
    const session = this.session;
    this.session = null;
    await session?.close();
  }

  /** True while this projector applies the log: started and, on PostgreSQL, holding the leader lock. */
  isLeader(): boolean {
    return this.leading;
  }

  /**
   * Projects everything up to the current head; resolves with how many events it applied. A started
   * projector that does not lead applies nothing: it waits (up to 5 s) until the leader has reached
   * the head as it is now, and resolves 0.
   */
  catchUp(): Promise<number> {
    if (this.catchUpRun !== null) return this.catchUpRun;
    const run = (this.mayApply() ? this.runCatchUp() : this.awaitLeader()).finally(() => {
      this.catchUpRun = null;
    });
    this.catchUpRun = run;
    return run;
  }

  /**
   * Resolves true once the checkpoint has reached `position` (read-your-writes after a command),
   * false if `timeoutMs` passes first. A leader is woken by its own batches; a process that does
   * not lead by the leader's notifications, and re-reads the checkpoint every `followerPollMs`
   * while anyone waits. A candidate that was never started catches up itself.
   */
  async waitFor(position: number, timeoutMs = DEFAULT_WAIT_MS): Promise<boolean> {
    if (this.position !== null && this.position >= position) return true;
    const following = this.following();
    // A listening follower's position is as fresh as the last notification; one without a session
    // (never started) reads the checkpoint before it starts waiting.
    const current = following && this.session === null ? await this.refresh() : (this.position ?? (await this.checkpoint()));
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
    // The checkpoint may have moved while this call awaited its read.
    if (this.position !== null && this.position >= position) this.advance(this.position);
    if (following) this.ensurePolling();
    else if (!this.live) void this.catchUpTo(position);
    return reached;
  }

  /** The committed checkpoint: the position of the last applied event, 0 before the first. */
  checkpoint(): Promise<number> {
    return this.exclusive(() => this.readCheckpoint());
  }

  /**
   * Empties the projection tables and the checkpoint in one transaction, then replays the whole log
   * in large batches. Live following pauses meanwhile and resumes after. On PostgreSQL only the
   * leader rebuilds: a started projector must lead, and one that was not started (the CLI) takes
   * the leader lock for the rebuild; either throws `ProjectorNotLeaderError` when another leads.
   */
  rebuild(): Promise<RebuildResult> {
    if (this.rebuildRun !== null) return this.rebuildRun;
    const run = this.runRebuild().finally(() => {
      this.rebuildRun = null;
    });
    this.rebuildRun = run;
    return run;
  }

  /**
   * Called after each committed batch; returns the function that unregisters the listener. A
   * process that does not lead hears the batches another process commits (`origin: 'observed'`).
   */
  onApplied(listener: AppliedListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private mayApply(): boolean {
    return this.role === 'candidate' && (!this.live || this.leading);
  }

  /** Someone else applies the log: this process learns the checkpoint from the database. */
  private following(): boolean {
    return this.role === 'follower' || (this.live && !this.leading);
  }

  private async runCatchUp(): Promise<number> {
    const generation = this.generation;
    let applied = 0;
    let after = this.position ?? (await this.checkpoint());
    for (;;) {
      if (this.generation !== generation) return applied;
      const batch = await this.eventStore.readAll({ after, limit: this.batchSize });
      if (batch.length === 0) return applied;
      const outcome = await this.exclusive(() => this.applyBatch(batch, after, false));
      applied += outcome.applied;
      after = this.position ?? 0;
      if (outcome.connected && batch.length < this.batchSize) return applied;
    }
  }

  private async awaitLeader(): Promise<number> {
    const head = await this.eventStore.headPosition();
    if (!(await this.waitFor(head, DEFAULT_WAIT_MS))) {
      this.logger.warn(`The leading projector has not reached position ${head} within ${DEFAULT_WAIT_MS} ms; reading what it has applied`);
    }
    return 0;
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
    const lock = await this.rebuildLock();
    const generation = this.generation;
    const started = performance.now();
    this.paused = true;
    await this.closeSubscription();
    let endBulkLoad = async (): Promise<void> => undefined;
    try {
      endBulkLoad = await this.exclusive(() => prepareBulkLoad(this.dataSource));
      await this.exclusive(async () => {
        await withConnectionLock(this.dataSource, () =>
          this.dataSource.transaction(async (manager) => {
            const writer = new ReadModelWriter(manager);
            await writer.clear(this.checkpointName);
            await writer.notify(READ_MODELS_CHANNEL, checkpointPayload(this.checkpointName, DEFAULT_CHECKPOINT_NAME, 0));
          }),
        );
        this.position = 0;
      });
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
      await this.exclusive(endBulkLoad).catch((error: unknown) => this.logger.warn(`Restoring the WAL checkpoint interval failed: ${describe(error)}`));
      this.paused = false;
      if (this.live) this.subscribe();
      await lock?.close();
    }
  }

  /**
   * Applies the log from the checkpoint in rebuild-sized batches, reading the next page while the
   * current one is written: on PostgreSQL the log's server work overlaps the read models'.
   */
  private async replay(generation: number): Promise<number> {
    const read = (after: number) => {
      const page = this.eventStore.readAll({ after, limit: this.rebuildBatchSize });
      page.catch(() => undefined); // awaited below, or dropped after a rewind
      return { after, page };
    };
    let events = 0;
    let next = read(this.position ?? 0);
    for (;;) {
      if (this.generation !== generation) throw new ProjectorNotLeaderError('the projector stopped or lost the lead during the rebuild');
      const { after, page } = next;
      const batch = await page;
      if (batch.length === 0) return events;
      const full = batch.length === this.rebuildBatchSize;
      if (full) next = read(batch[batch.length - 1].position);
      const outcome = await this.exclusive(() => this.applyBatch(batch, after, true));
      events += outcome.applied;
      if (!outcome.connected) {
        // Someone moved the checkpoint back (another rebuild): read again from where it is now.
        next = read(this.position ?? 0);
        continue;
      }
      if (!full) return events;
      if (next.after !== this.position) next = read(this.position ?? 0);
    }
  }

  private async restoreIndexes(): Promise<void> {
    const built = await this.exclusive(() =>
      withConnectionLock(this.dataSource, () => this.dataSource.transaction((manager) => new ReadModelWriter(manager).restoreIndexes())),
    );
    if (built > 0) this.logger.log(`Built ${built} read-model indexes`);
  }

  /** On PostgreSQL, the session that holds the leader lock for a rebuild by a projector that was not started. */
  private async rebuildLock(): Promise<PostgresSession | null> {
    if (this.role === 'follower') throw new ProjectorNotLeaderError('a follower projector does not rebuild');
    if (!this.multiProcess || this.leading) return null;
    if (this.live) throw new ProjectorNotLeaderError('another projector leads this database: rebuild there');
    const session = await PostgresSession.open(this.dataSource, { onLost: () => undefined, applicationName: 'causeway-rebuild' });
    if (await session.tryLock(this.checkpointName)) return session;
    await session.close();
    throw new ProjectorNotLeaderError('another projector leads this database: stop it, or rebuild in that process');
  }

  /** Runs inside `exclusive`. */
  private async applyBatch(events: readonly StoredEvent[], readAfter: number, replay: boolean): Promise<BatchOutcome> {
    const result = await withConnectionLock(this.dataSource, () =>
      this.dataSource.transaction(async (manager) => {
        const writer = new ReadModelWriter(manager);
        const checkpoint = await writer.lockCheckpoint(this.checkpointName);
        const none = { checkpoint, fresh: [] as StoredEvent[], entries: [] as readonly TimelineEntry[], incidents: [] as readonly IncidentSummary[] };
        if (checkpoint < readAfter) return { ...none, connected: false };
        const fresh = events.filter((event) => event.position > checkpoint);
        if (fresh.length === 0) return { ...none, connected: true };

        await writer.relaxDurability();
        const { incidentIds, apiKeyIds, actionItemIds } = affectedIds(fresh);
        const changes = projectBatch(fresh, {
          incidents: await writer.loadIncidents(incidentIds),
          apiKeys: await writer.loadApiKeys(apiKeyIds),
          actionItems: await writer.loadActionItems(actionItemIds),
        });
        await writer.upsertIncidents(changes.incidents);
        await writer.insertTimelineEntries(changes.entries);
        await writer.upsertApiKeys(changes.apiKeys);
        await writer.upsertActionItems(changes.actionItems);
        await writer.upsertActionItemVersions(changes.actionItemVersions);
        const last = fresh[fresh.length - 1].position;
        await writer.saveCheckpoint(this.checkpointName, last);
        await writer.notify(READ_MODELS_CHANNEL, checkpointPayload(this.checkpointName, DEFAULT_CHECKPOINT_NAME, last));
        return { checkpoint: last, connected: true, fresh, entries: changes.entries, incidents: changes.incidents };
      }),
    );
    this.advance(result.checkpoint);
    if (result.fresh.length > 0) {
      this.notify({ events: result.fresh, entries: result.entries, incidents: result.incidents, position: result.checkpoint, replay, origin: 'applied' });
    }
    return { connected: result.connected, applied: result.fresh.length };
  }

  /** Runs inside `exclusive`. */
  private async readCheckpoint(): Promise<number> {
    const position = await this.queryCheckpoint();
    if (this.following()) this.observe(position);
    else this.advance(position);
    return position;
  }

  private queryCheckpoint(): Promise<number> {
    return withConnectionLock(this.dataSource, () => new ReadModelWriter(this.dataSource.manager).checkpoint(this.checkpointName));
  }

  private subscribe(): void {
    if (!this.live || !this.leading || this.paused || this.subscription !== null) return;
    let cursor = this.position ?? 0;
    const subscription = this.eventStore.subscribe({ after: cursor, batchSize: this.batchSize }, async (events) => {
      if (!this.leading) throw new ProjectorNotLeaderError('the projector lost the lead');
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
        if (!this.live || !this.leading || this.paused) return;
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

  // ── Leading and following (PostgreSQL) ────────────────────────────────────────────────────────

  /** Takes over applying: catches up from the committed checkpoint, then follows the log live. */
  private lead(): Promise<void> {
    this.leading = true;
    this.stopPolling();
    const run = (async () => {
      try {
        await this.checkpoint();
        await this.catchUp();
      } catch (error) {
        this.logger.error(`Projection catch-up failed; following the log from the checkpoint: ${describe(error)}`, stackOf(error));
      }
      this.subscribe();
    })().finally(() => {
      if (this.leadRun === run) this.leadRun = null;
    });
    this.leadRun = run;
    return run;
  }

  private async stepDown(reason: unknown): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    this.generation += 1;
    this.logger.warn(`The projector lost its leader lock; following until it can lead again: ${describe(reason)}`);
    await this.closeSubscription();
    await this.exclusive(async () => undefined);
    this.announcedTo = this.position;
    if (this.waiters.size > 0) this.ensurePolling();
  }

  private scheduleTick(): void {
    if (!this.live || this.tickTimer !== null) return;
    this.tickTimer = setTimeout(() => {
      this.tickTimer = null;
      void this.runTick().then(() => this.scheduleTick());
    }, this.electionIntervalMs);
    this.tickTimer.unref();
  }

  private runTick(): Promise<void> {
    const run = this.tick().finally(() => {
      if (this.ticking === run) this.ticking = null;
    });
    this.ticking = run;
    return run;
  }

  /** Keeps the session open, holds or tries for the lead, and re-reads the checkpoint when following. */
  private async tick(): Promise<void> {
    if (!this.live) return;
    try {
      if (this.multiProcess) {
        const session = this.session ?? (await this.openSession());
        if (this.leading) {
          await session.ping().catch((error: unknown) => this.dropSession(session, error));
          return;
        }
        if (this.role === 'candidate' && (await session.tryLock(this.checkpointName))) {
          if (!this.live) return;
          this.logger.log('This projector leads: it applies the log');
          void this.lead();
          return;
        }
      }
      // Also what a lost connection kept this process from hearing.
      await this.refresh();
    } catch (error) {
      this.logger.warn(`Projector election or checkpoint read failed; retrying in ${this.electionIntervalMs} ms: ${describe(error)}`);
    }
  }

  private async openSession(): Promise<PostgresSession> {
    const session = await PostgresSession.open(this.dataSource, {
      onNotification: (payload) => this.onNotification(payload),
      onLost: (error) => {
        if (this.session !== session) return;
        this.session = null;
        void this.stepDown(error);
      },
    });
    if (!this.live) {
      await session.close();
      throw new Error('the projector stopped');
    }
    this.session = session;
    return session;
  }

  private async dropSession(session: PostgresSession, error: unknown): Promise<void> {
    if (this.session === session) this.session = null;
    await session.close();
    await this.stepDown(error);
  }

  private onNotification(payload: string): void {
    const position = parseCheckpointPayload(payload, this.checkpointName, DEFAULT_CHECKPOINT_NAME);
    if (position !== null && this.following()) this.observe(position);
  }

  /** Following: reads the committed checkpoint and takes note of it. */
  private async refresh(): Promise<number> {
    const position = await this.queryCheckpoint();
    if (this.following()) this.observe(position);
    return position;
  }

  /**
   * Following: the leader has committed up to `position`. A position behind the one known is taken
   * only when a fresh read confirms it (the leader rebuilt): a slow read that started before a
   * notification arrived would otherwise move the checkpoint back.
   */
  private observe(position: number, confirmed = false): void {
    const known = this.position ?? 0;
    if (position < known && !confirmed) {
      void this.confirmRewind();
      return;
    }
    if (position < known) {
      this.replayUntil = Math.max(this.replayUntil, this.announcedTo ?? known);
      this.announcedTo = position;
    }
    this.advance(position);
    if (this.announcedTo === null || this.listeners.size === 0) {
      // Nobody listens: only what commits from now on is news.
      this.announcedTo = position;
      return;
    }
    this.announce();
  }

  private async confirmRewind(): Promise<void> {
    if (this.confirmingRewind) return;
    this.confirmingRewind = true;
    try {
      const position = await this.queryCheckpoint();
      if (this.following()) this.observe(position, position < (this.position ?? 0));
    } catch (error) {
      this.logger.warn(`Reading the projection checkpoint failed: ${describe(error)}`);
    } finally {
      this.confirmingRewind = false;
    }
  }

  /** Following: tells listeners about the range the leader committed, one batch-sized page at a time. */
  private announce(): void {
    if (this.announcing) {
      this.announceAgain = true;
      return;
    }
    this.announcing = true;
    void (async () => {
      try {
        do {
          this.announceAgain = false;
          while (this.following() && this.listeners.size > 0 && (this.announcedTo ?? 0) < (this.position ?? 0)) {
            await this.announceNext();
          }
        } while (this.announceAgain);
      } catch (error) {
        // Retried with the next notification or tick; the checkpoint itself is already known.
        this.logger.warn(`Loading the batches another projector applied failed: ${describe(error)}`);
      } finally {
        this.announcing = false;
      }
    })();
  }

  private async announceNext(): Promise<void> {
    const from = this.announcedTo ?? 0;
    const to = this.position ?? 0;
    if (from < this.replayUntil) {
      // The leader is rebuilding: every listener has seen these events; the position is the news.
      const position = Math.min(to, this.replayUntil);
      this.announcedTo = position;
      this.notify({ events: [], entries: [], incidents: [], position, replay: true, origin: 'observed' });
      return;
    }
    const events = (await this.eventStore.readAll({ after: from, limit: this.batchSize })).filter((event) => event.position <= to);
    if (this.announcedTo !== from) return;
    const position = events.at(-1)?.position ?? to;
    const { incidentIds } = affectedIds(events);
    const incidents = await withConnectionLock(this.dataSource, () => new ReadModelWriter(this.dataSource.manager).loadIncidents(incidentIds));
    if (this.announcedTo !== from) return;
    this.announcedTo = position;
    const entries = events.map(toTimelineEntry).filter((entry): entry is TimelineEntry => entry !== null);
    this.notify({ events, entries, incidents: [...incidents.values()], position, replay: false, origin: 'observed' });
  }

  private ensurePolling(): void {
    if (this.pollTimer !== null || this.waiters.size === 0 || !this.following()) return;
    this.pollTimer = setTimeout(() => {
      void this.refresh()
        .catch((error: unknown) => this.logger.warn(`Reading the projection checkpoint failed: ${describe(error)}`))
        .finally(() => {
          this.pollTimer = null;
          this.ensurePolling();
        });
    }, this.followerPollMs);
    this.pollTimer.unref();
  }

  private stopPolling(): void {
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  // ── Waiters and listeners ─────────────────────────────────────────────────────────────────────

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
