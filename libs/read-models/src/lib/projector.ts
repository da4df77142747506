import type { EventStore } from '@causeway/event-store';
import type { DataSource } from 'typeorm';
import { isSingleConnection } from './storage/connection-lock';
import { AppliedListeners } from './projector/applied-listeners';
import { BatchWriter } from './projector/batch-writer';
import { Follower } from './projector/follower';
import { Leadership } from './projector/leadership';
import { LiveFeed } from './projector/live-feed';
import { PositionWaiter } from './projector/position-waiter';
import { ProgressAnnouncer } from './projector/progress-announcer';
import { ProjectorState } from './projector/projector-state';
import {
  describe,
  projectorSettings,
  silentLogger,
  stackOf,
  type AppliedListener,
  type ProjectorLogger,
  type ProjectorOptions,
  type ProjectorSettings,
  type RebuildOptions,
  type RebuildResult,
} from './projector/projector.types';
import { projectionNamed, Rebuilder } from './projector/rebuild';
import { SerialQueue } from './projector/serial-queue';

export {
  DEFAULT_CHECKPOINT_NAME,
  ProjectorNotLeaderError,
  UnknownProjectionError,
  type AppliedBatch,
  type AppliedListener,
  type ProjectorLogger,
  type ProjectorOptions,
  type ProjectorRole,
  type RebuildOptions,
  type RebuildResult,
} from './projector/projector.types';

const DEFAULT_WAIT_MS = 5000;

/**
 * Keeps the registered read models (incident summaries, timelines, API keys, action items, …) in
 * step with the log. This class composes the parts and keeps the public API:
 * - the batch writer applies each batch to every projection's rows and the checkpoint in one
 *   transaction, so a crash loses the whole batch or nothing and events delivered twice (a restart,
 *   `catchUp()` racing the live subscription, two processes that both believed they led) are
 *   dropped by position;
 * - the position waiter serves read-your-writes `waitFor`;
 * - leadership: on PostgreSQL several processes may run a projector on one database; started
 *   candidates elect one leader with an advisory lock on a session of their own;
 * - the follower and its announcer: the others follow the checkpoint (LISTEN/NOTIFY, polling as
 *   the fallback) so that `waitFor` and `onApplied` work everywhere;
 * - the rebuilder, which replays the log into all projections or one.
 */
export class Projector {
  private readonly settings: ProjectorSettings;
  private readonly state: ProjectorState;
  private readonly queue = new SerialQueue();
  private readonly positions = new PositionWaiter();
  private readonly listeners: AppliedListeners;
  private readonly batches: BatchWriter;
  private readonly feed: LiveFeed;
  private readonly follower: Follower;
  private readonly announcer: ProgressAnnouncer;
  private readonly leadership: Leadership;
  private readonly rebuilder: Rebuilder;
  private catchUpRun: Promise<number> | null = null;
  private rebuildRun: { readonly target: string | null; readonly run: Promise<RebuildResult> } | null = null;
  private leadRun: Promise<void> | null = null;

  constructor(
    private readonly eventStore: EventStore,
    dataSource: DataSource,
    private readonly logger: ProjectorLogger = silentLogger,
    options: ProjectorOptions = {},
  ) {
    const settings = projectorSettings(options, !isSingleConnection(dataSource));
    this.settings = settings;
    this.state = new ProjectorState(settings.role);
    this.listeners = new AppliedListeners(logger);
    this.batches = new BatchWriter(dataSource, settings.checkpointName, this.positions, this.listeners);
    this.feed = new LiveFeed(eventStore, settings.batchSize, this.state, this.queue, this.batches, this.positions, logger);
    this.announcer = new ProgressAnnouncer(eventStore, dataSource, settings.batchSize, this.state, this.positions, this.listeners, logger);
    this.follower = new Follower(settings.checkpointName, settings.followerPollMs, this.state, this.batches, this.positions, this.announcer, logger);
    this.leadership = new Leadership(
      dataSource,
      settings,
      this.state,
      {
        elected: () => void this.lead(),
        lost: (reason) => this.stepDown(reason),
        notified: (payload) => this.follower.onNotification(payload),
        refresh: () => this.follower.refresh(),
      },
      logger,
    );
    const parts = { state: this.state, queue: this.queue, batches: this.batches, positions: this.positions, feed: this.feed, leadership: this.leadership };
    this.rebuilder = new Rebuilder(eventStore, dataSource, settings.rebuildBatchSize, parts, logger);
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
    if (this.state.live) return;
    this.state.live = true;
    this.feed.resetBackoff();
    if (this.settings.role === 'candidate' && !this.settings.multiProcess) {
      await this.lead();
      return;
    }
    await this.leadership.runTick();
    await this.leadRun;
    this.leadership.scheduleTick();
  }

  /**
   * Stops following the log; resolves once no batch is being applied. On PostgreSQL it then ends
   * its session, which hands the leader lock to another projector.
   */
  async stop(): Promise<void> {
    this.state.live = false;
    this.state.generation += 1;
    const halted = this.leadership.halt();
    this.follower.stopPolling();
    await halted;
    await this.feed.close();
    await this.leadRun;
    await this.queue.drain();
    this.state.leading = false;
    await this.leadership.resign();
  }

  /** True while this projector applies the log: started and, on PostgreSQL, holding the leader lock. */
  isLeader(): boolean {
    return this.state.leading;
  }

  /**
   * Projects everything up to the current head; resolves with how many events it applied. A started
   * projector that does not lead applies nothing: it waits (up to 5 s) until the leader has reached
   * the head as it is now, and resolves 0.
   */
  catchUp(): Promise<number> {
    if (this.catchUpRun !== null) return this.catchUpRun;
    const run = (this.state.mayApply() ? this.runCatchUp() : this.awaitLeader()).finally(() => {
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
    if (this.positions.reached(position)) return true;
    const following = this.state.following();
    // A listening follower's position is as fresh as the last notification; one without a session
    // (never started) reads the checkpoint before it starts waiting.
    const current = following && !this.leadership.listening ? await this.follower.refresh() : (this.positions.position ?? (await this.checkpoint()));
    if (current >= position) return true;
    const reached = this.positions.wait(position, timeoutMs);
    if (following) this.follower.ensurePolling();
    else if (!this.state.live) void this.catchUpTo(position);
    return reached;
  }

  /** The committed checkpoint: the position of the last applied event, 0 before the first. */
  checkpoint(): Promise<number> {
    return this.queue.run(async () => {
      const position = await this.batches.readCheckpoint();
      if (this.state.following()) this.follower.observe(position);
      else this.positions.advance(position);
      return position;
    });
  }

  /**
   * Without a projection: empties the projection tables and the checkpoint in one transaction, then
   * replays the whole log in large batches. With `{ projection: name }`: replaces that projection's
   * rows, in one transaction, with what the log up to the checkpoint makes of them, leaving the
   * other projections and the checkpoint alone (an unknown name rejects with
   * `UnknownProjectionError`). Live following pauses meanwhile and resumes after. On PostgreSQL
   * only the leader rebuilds: a started projector must lead, and one that was not started (the CLI)
   * takes the leader lock for the rebuild; either throws `ProjectorNotLeaderError` when another leads.
   */
  rebuild(options: RebuildOptions = {}): Promise<RebuildResult> {
    const target = options.projection ?? null;
    if (this.rebuildRun !== null && this.rebuildRun.target === target) return this.rebuildRun.run;
    let start: () => Promise<RebuildResult>;
    try {
      const projection = target === null ? null : projectionNamed(target);
      start = () => (projection === null ? this.rebuilder.rebuildAll() : this.rebuilder.rebuildOne(projection));
    } catch (error) {
      return Promise.reject(error);
    }
    // A different rebuild under way finishes first: rebuilds never interleave.
    const run = (this.rebuildRun === null ? start() : this.rebuildRun.run.catch(() => undefined).then(start)).finally(() => {
      if (this.rebuildRun?.run === run) this.rebuildRun = null;
    });
    this.rebuildRun = { target, run };
    return run;
  }

  /** `rebuild({ projection: name })`. */
  rebuildProjection(name: string): Promise<RebuildResult> {
    return this.rebuild({ projection: name });
  }

  /**
   * Called after each committed batch; returns the function that unregisters the listener. A
   * process that does not lead hears the batches another process commits (`origin: 'observed'`).
   */
  onApplied(listener: AppliedListener): () => void {
    return this.listeners.add(listener);
  }

  private async runCatchUp(): Promise<number> {
    const generation = this.state.generation;
    let applied = 0;
    let after = this.positions.position ?? (await this.checkpoint());
    for (;;) {
      if (this.state.generation !== generation) return applied;
      const batch = await this.eventStore.readAll({ after, limit: this.settings.batchSize });
      if (batch.length === 0) return applied;
      const outcome = await this.queue.run(() => this.batches.apply(batch, after, false));
      applied += outcome.applied;
      after = this.positions.position ?? 0;
      if (outcome.connected && batch.length < this.settings.batchSize) return applied;
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
      for (let attempt = 0; attempt < 2 && (this.positions.position ?? 0) < position; attempt++) {
        await this.catchUp();
      }
    } catch (error) {
      this.logger.error(`Projection catch-up failed: ${describe(error)}`, stackOf(error));
    }
  }

  /** Takes over applying: catches up from the committed checkpoint, then follows the log live. */
  private lead(): Promise<void> {
    this.state.leading = true;
    this.follower.stopPolling();
    const run = (async () => {
      try {
        await this.checkpoint();
        await this.catchUp();
      } catch (error) {
        this.logger.error(`Projection catch-up failed; following the log from the checkpoint: ${describe(error)}`, stackOf(error));
      }
      this.feed.subscribe();
    })().finally(() => {
      if (this.leadRun === run) this.leadRun = null;
    });
    this.leadRun = run;
    return run;
  }

  private async stepDown(reason: unknown): Promise<void> {
    if (!this.state.leading) return;
    this.state.leading = false;
    this.state.generation += 1;
    this.logger.warn(`The projector lost its leader lock; following until it can lead again: ${describe(reason)}`);
    await this.feed.close();
    await this.queue.drain();
    this.announcer.resetTo(this.positions.position);
    if (this.positions.waiting) this.follower.ensurePolling();
  }
}
