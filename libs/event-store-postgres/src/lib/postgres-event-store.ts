import { EventEmitter } from 'node:events';
import { Pool, type PoolConfig } from 'pg';
import {
  EventStoreAdapter,
  GENESIS_HASH,
  StoreUnavailableError,
  assertNonNegativeInteger,
  assertReadAllOptions,
  openTrackedSubscription,
  prepareAppend,
  verifyInPages,
  type AppendOptions,
  type AppendResult,
  type EventShape,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandler,
  type VerifyResult,
} from '@causeway/event-store';
import { NotificationListener } from './notification-listener';
import { PositionWaiters } from './position-waiters';
import { toStoreError } from './postgres-errors';
import { toStoredEvent, type EventRow } from './postgres-event-rows';
import { APPENDED_CHANNEL, SEQUENCED_CHANNEL, migratePostgresEventStore } from './postgres-event-store.migrations';
import {
  FIND_EVENT_SQL,
  HASH_AT_SQL,
  HEAD_SQL,
  POSITIONS_SQL,
  PREV_HASH_AT_SQL,
  READ_ALL_SQL,
  READ_ALL_TYPED_SQL,
  READ_STREAM_SQL,
  STREAM_VERSION_SQL,
  VERIFY_PAGE_SQL,
} from './postgres-event-store.sql';
import { PostgresGroupAppend } from './postgres-group-append';
import type { PostgresEventStoreOptions } from './postgres-event-store.options';
import { PostgresSequencer, type SequencedBatch } from './postgres-sequencer';

const SEQUENCED = 'sequenced';
const VERIFY_PAGE = 1000;
const MAX_GROUP_EVENTS = 400;
const MAX_VERSION = 0x7fffffff;

/**
 * The production event log on PostgreSQL (ADR 0006).
 *
 * Appenders write `events` rows stamped with their transaction id, in short transactions grouped
 * per process (one transaction for the appends that queue up while others commit). Readers never
 * read `events` alone: they read `event_log`, where a single sequencer per database gives
 * committed rows a dense position, once no transaction that could commit in front of them is still
 * running, and chains their hashes. An append returns once its events have positions, so everything
 * it acknowledged is visible to every reader; readAll, readStream, streamVersion, findEvent,
 * headPosition and subscriptions all show exactly the sequenced log.
 */
export class PostgresEventStore extends EventStoreAdapter {
  readonly backend = 'postgres';

  private readonly emitter = new EventEmitter();
  private readonly appending = new Set<Promise<unknown>>();
  private readonly groupAppend: PostgresGroupAppend;
  private readonly waiters: PositionWaiters;
  private readonly sequencer: PostgresSequencer | null;
  private readonly listener: NotificationListener;
  private readonly subscriptionPollMs: number;
  private lastKnownHead = 0;

  private constructor(
    private readonly pool: Pool,
    options: PostgresEventStoreOptions,
  ) {
    super();
    this.subscriptionPollMs = options.subscriptionPollMs ?? 250;
    const pollIntervalMs = options.pollIntervalMs ?? 50;
    const connectionTimeoutMs = options.connectionTimeoutMs ?? 5000;
    // One listener per live subscription (SSE clients, projectors): many are expected.
    this.emitter.setMaxListeners(0);
    const maxConnections = options.maxConnections ?? 10;
    this.waiters = new PositionWaiters({
      lookup: (keys) => this.lookUpPositions(keys),
      timeoutMs: options.sequenceTimeoutMs ?? 10_000,
      pollIntervalMs,
    });
    this.groupAppend = new PostgresGroupAppend({
      pool,
      clock: options.clock ?? (() => new Date()),
      waiters: this.waiters,
      sequencer: () => this.sequencer,
      lanes: options.appendLanes ?? Math.max(1, maxConnections - 2),
      maxGroupSize: options.maxGroupSize ?? 64,
      maxGroupEvents: options.maxGroupEvents ?? MAX_GROUP_EVENTS,
      onSealLag: options.onSealLag,
    });
    this.sequencer =
      options.sequencer === false
        ? null
        : new PostgresSequencer({
            connectionString: options.connectionString,
            pollIntervalMs,
            electionIntervalMs: options.electionIntervalMs ?? 500,
            batchSize: options.sequencerBatchSize ?? 400,
            connectionTimeoutMs,
            knownHead: (seq) => this.groupAppend.knownHead(seq),
            ownListenerPid: () => this.listener.backendPid,
            onBatch: (batch) => this.onSequenced(batch),
            onError: options.onBackgroundError,
          });
    this.listener = new NotificationListener({
      connectionString: options.connectionString,
      channels: [APPENDED_CHANNEL, SEQUENCED_CHANNEL],
      connectionTimeoutMs,
      onNotification: (channel, payload) => this.onNotification(channel, payload),
      onConnected: () => {
        this.sequencer?.wake();
        this.emitter.emit(SEQUENCED);
        this.waiters.check();
      },
    });
  }

  /** Connects, brings the schema up to date and joins the sequencer election. */
  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const config: PoolConfig = {
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      application_name: 'causeway-event-store',
      // Plan reads for the tables as they are now: a generic plan cached while the log was small
      // (hash join, full scan) would stay in use as it grows. Planning costs ~0.1 ms per read.
      options: '-c plan_cache_mode=force_custom_plan',
    };
    const pool = new Pool(config);
    // Idle pooled connections that die (server restart) are dropped by the pool; the error event
    // must still be handled or it would end the process.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        await migratePostgresEventStore(client);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw toStoreError(error, 'opening the event store');
    }
    const store = new PostgresEventStore(pool, options);
    store.listener.start();
    store.sequencer?.start();
    return store;
  }

  /** True while this instance is the database's sequencer. */
  get sequencing(): boolean {
    return this.sequencer?.leader ?? false;
  }

  async append(streamId: string, events: readonly NewEvent<EventShape>[], options: AppendOptions): Promise<AppendResult> {
    const request = prepareAppend(streamId, events, options);
    this.ensureOpen();
    const appending = this.groupAppend.append(request);
    this.appending.add(appending);
    try {
      return await appending;
    } finally {
      this.appending.delete(appending);
    }
  }

  protected async readStoredStream(streamId: string, options: ReadStreamOptions): Promise<StoredEvent[]> {
    // Versions are `integer`: a bound beyond its range would be a type error, not an empty range.
    const from = Math.max(Math.min(options.fromVersion ?? 1, MAX_VERSION), -MAX_VERSION);
    const to = Math.max(Math.min(options.toVersion ?? MAX_VERSION, MAX_VERSION), -MAX_VERSION);
    const rows = await this.queryRows<EventRow>(
      'reading a stream',
      'causeway_read_stream',
      READ_STREAM_SQL,
      [streamId, from, to],
    );
    return rows.map(toStoredEvent);
  }

  async streamVersion(streamId: string): Promise<number> {
    const rows = await this.queryRows<[number]>(
      'reading a stream version',
      'causeway_stream_version',
      STREAM_VERSION_SQL,
      [streamId],
    );
    return rows.length > 0 ? rows[0][0] : 0;
  }

  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    assertReadAllOptions(options);
    if (options.types !== undefined && options.types.length === 0) {
      this.ensureReadable();
      return [];
    }
    const rows =
      options.types === undefined
        ? await this.queryRows<EventRow>(
            'reading the log',
            'causeway_read_all',
            READ_ALL_SQL,
            [options.after, options.limit],
          )
        : await this.queryRows<EventRow>(
            'reading the log',
            'causeway_read_all_typed',
            READ_ALL_TYPED_SQL,
            [options.after, options.limit, options.types],
          );
    return rows.map(toStoredEvent);
  }

  async findEvent(id: string): Promise<StoredEvent | null> {
    const rows = await this.queryRows<EventRow>('finding an event', 'causeway_find_event', FIND_EVENT_SQL, [id]);
    return rows.length > 0 ? toStoredEvent(rows[0]) : null;
  }

  async headPosition(): Promise<number> {
    const rows = await this.queryRows<[string]>('reading the head', 'causeway_head', HEAD_SQL, []);
    return Number(rows[0][0]);
  }

  subscribe(options: SubscribeOptions, handler: SubscriptionHandler): Subscription {
    this.ensureOpen();
    return openTrackedSubscription(
      this,
      { ...options, pollIntervalMs: this.subscriptionPollMs },
      handler,
      { emitter: this.emitter, event: SEQUENCED },
      this.subscriptions,
    );
  }

  async verify(options: { from?: number; to?: number } = {}): Promise<VerifyResult> {
    const from = options.from ?? 1;
    assertNonNegativeInteger('verify from', from);
    const head = await this.headPosition();
    return verifyInPages(from, Math.min(options.to ?? head, head), {
      // The link into the range is checked against the previous row; if that row is gone the
      // range can only be checked from its own first stored link.
      linkInto: async (start) => {
        const [before] = await this.queryRows<[string]>('verifying', 'causeway_hash_at', HASH_AT_SQL, [start - 1]);
        const [own] = before
          ? [before]
          : await this.queryRows<[string]>('verifying', 'causeway_prev_hash_at', PREV_HASH_AT_SQL, [start]);
        return own?.[0] ?? GENESIS_HASH;
      },
      readPage: async (next, to) => {
        const rows = await this.queryRows<EventRow>(
          'verifying',
          'causeway_verify_page',
          VERIFY_PAGE_SQL,
          [next, to, VERIFY_PAGE],
        );
        return { events: rows.map(toStoredEvent) };
      },
    });
  }

  async ping(): Promise<boolean> {
    if (!this.isOpen) return false;
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /** Finishes the appends already accepted (commit and position); the sequencer keeps running meanwhile, as they may be waiting for it. */
  protected async drain(): Promise<void> {
    await Promise.allSettled([...this.appending]);
  }

  /** Stops the sequencer and the listener, fails whoever still waits for a position, ends the pool. */
  protected async release(): Promise<void> {
    await this.sequencer?.stop();
    await this.listener.stop();
    this.waiters.failAll(new StoreUnavailableError('the event store is closed'));
    await this.pool.end().catch(() => undefined);
  }

  private async lookUpPositions(keys: readonly (readonly [transactionId: string, seq: string])[]): Promise<ReadonlyMap<string, number>> {
    const rows = await this.queryRows<[string, string]>(
      'waiting for positions',
      'causeway_positions',
      POSITIONS_SQL,
      [keys.map(([transactionId]) => transactionId), keys.map(([, seq]) => seq)],
    );
    return new Map(rows.map(([seq, position]) => [seq, Number(position)]));
  }

  private onSequenced(batch: SequencedBatch): void {
    this.waiters.resolveBatch(batch.seqs, batch.positions);
    if (batch.head.position > this.lastKnownHead) this.lastKnownHead = batch.head.position;
    this.emitter.emit(SEQUENCED);
  }

  private onNotification(channel: string, payload: string): void {
    if (channel === APPENDED_CHANNEL) {
      if (this.sequencer?.leader) this.sequencer.wake();
      return;
    }
    const position = Number(payload);
    // Our own sequencer's notifications come back to us too: those batches are handled already.
    if (Number.isFinite(position) && position <= this.lastKnownHead) return;
    if (Number.isFinite(position)) this.lastKnownHead = position;
    this.emitter.emit(SEQUENCED);
    if (this.waiters.size > 0) this.waiters.check();
  }

  private async queryRows<R extends unknown[]>(doing: string, name: string, text: string, values: unknown[]): Promise<R[]> {
    this.ensureReadable();
    try {
      const result = await this.pool.query<R>({ name, text, values, rowMode: 'array' });
      return result.rows;
    } catch (error) {
      if (this.isClosed) throw new StoreUnavailableError('the event store is closed', { cause: error });
      throw toStoreError(error, doing);
    }
  }
}
