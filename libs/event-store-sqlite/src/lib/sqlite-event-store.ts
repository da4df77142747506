import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import {
  EventStoreAdapter,
  GENESIS_HASH,
  StoreUnavailableError,
  assertNonNegativeInteger,
  assertReadAllOptions,
  messageOf,
  openTrackedSubscription,
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
import { SqliteGroupAppend, prepareSqliteAppend } from './sqlite-group-append';
import { migrateSqliteEventStore } from './sqlite-event-store.migrations';
import { prepareSqliteStatements, toStoredEvent, type SqliteStatements } from './sqlite-statements';

/** The log's file name inside a data directory (`CAUSEWAY_DATA_DIR`). */
export const SQLITE_EVENTS_FILE = 'events.db';

export interface SqliteEventStoreOptions {
  /** The database file; its directory must exist. */
  readonly file: string;
  /** Source of `recordedAt`; real time by default. */
  readonly clock?: () => Date;
  /** How often idle subscriptions re-read to see other processes' commits. */
  readonly pollIntervalMs?: number;
  /** Most appends committed in one transaction. */
  readonly maxGroupSize?: number;
  /** How long a writer waits for another process's write lock before giving up (ms). */
  readonly busyTimeoutMs?: number;
}

const VERIFY_PAGE = 1000;
const APPENDED = 'appended';
const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * The embedded event log: one SQLite file, one writer connection, WAL.
 *
 * Durability: `synchronous = FULL`. In WAL mode FULL fsyncs the WAL at every commit, so an append
 * that has been acknowledged survives a killed process AND a power loss or kernel crash. NORMAL
 * fsyncs only at checkpoints: still safe against a crashed process (the WAL is in the OS cache) but
 * a power loss can drop the last commits, and an audit log may not forget acknowledged events. The
 * price of one fsync per commit is paid once per group, not once per append (group commit below).
 *
 * Ordering and the hash chain: every group runs in `BEGIN IMMEDIATE`, which holds SQLite's single
 * write lock, and reads the head inside it. Positions are therefore dense and assigned in commit
 * order, even with other processes writing the same file, and each event can be chained to its
 * predecessor in the append itself.
 */
export class SqliteEventStore extends EventStoreAdapter {
  readonly backend = 'sqlite';

  private readonly emitter = new EventEmitter();
  private readonly writer: SqliteGroupAppend;
  private readonly pollIntervalMs: number | undefined;

  private readonly stmts: SqliteStatements;

  private constructor(
    private readonly db: Database.Database,
    options: SqliteEventStoreOptions,
  ) {
    super();
    this.pollIntervalMs = options.pollIntervalMs;
    // One listener per live subscription (SSE clients, projectors): many are expected.
    this.emitter.setMaxListeners(0);
    this.stmts = prepareSqliteStatements(db);
    this.writer = new SqliteGroupAppend(db, this.stmts, {
      clock: options.clock ?? (() => new Date()),
      maxGroupSize: options.maxGroupSize,
      onAppended: () => this.emitter.emit(APPENDED),
    });
  }

  static open(options: SqliteEventStoreOptions): SqliteEventStore {
    let db: Database.Database;
    try {
      db = new Database(options.file, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    } catch (error) {
      throw new StoreUnavailableError(`cannot open event store ${options.file}: ${messageOf(error)}`, { cause: error });
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      // Index pages of a large log stay cached: inserts touch the id and (stream, version) B-trees.
      db.pragma('cache_size = -65536');
      migrateSqliteEventStore(db);
      return new SqliteEventStore(db, options);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async append(streamId: string, events: readonly NewEvent<EventShape>[], options: AppendOptions): Promise<AppendResult> {
    // Validation and canonicalisation happen before queueing, so a bad payload fails alone and the
    // group transaction does no serialisation work.
    const request = prepareSqliteAppend(streamId, events, options);
    this.ensureOpen();
    return this.writer.enqueue(request);
  }

  protected async readStoredStream(streamId: string, options: ReadStreamOptions): Promise<StoredEvent[]> {
    this.ensureReadable();
    const from = options.fromVersion ?? 1;
    const to = options.toVersion ?? Number.MAX_SAFE_INTEGER;
    const stream = this.stmts.stream.get(streamId);
    if (!stream) return [];
    return this.stmts.readStream.all(stream.streamNo, from, to).map(toStoredEvent);
  }

  async streamVersion(streamId: string): Promise<number> {
    this.ensureReadable();
    return this.stmts.stream.get(streamId)?.version ?? 0;
  }

  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    this.ensureReadable();
    assertReadAllOptions(options);
    if (options.types === undefined) return this.stmts.readAll.all(options.after, options.limit).map(toStoredEvent);
    if (options.types.length === 0) return [];
    return this.stmts.readAllTyped.all(options.after, JSON.stringify(options.types), options.limit).map(toStoredEvent);
  }

  async findEvent(id: string): Promise<StoredEvent | null> {
    this.ensureReadable();
    const row = this.stmts.findEvent.get(id);
    return row ? toStoredEvent(row) : null;
  }

  async headPosition(): Promise<number> {
    this.ensureReadable();
    return this.stmts.head.get()?.position ?? 0;
  }

  subscribe(options: SubscribeOptions, handler: SubscriptionHandler): Subscription {
    this.ensureOpen();
    return openTrackedSubscription(
      this,
      { ...options, pollIntervalMs: this.pollIntervalMs },
      handler,
      { emitter: this.emitter, event: APPENDED },
      this.subscriptions,
    );
  }

  async verify(options: { from?: number; to?: number } = {}): Promise<VerifyResult> {
    this.ensureReadable();
    const from = options.from ?? 1;
    assertNonNegativeInteger('verify from', from);
    const head = this.stmts.head.get()?.position ?? 0;
    return verifyInPages(from, Math.min(options.to ?? head, head), {
      // The link into the range is checked against the previous row; if that row is gone the
      // range can only be checked from its own first stored link.
      linkInto: (start) => this.stmts.hashAt.get(start - 1) ?? this.stmts.prevHashAt.get(start) ?? GENESIS_HASH,
      readPage: (next, to) => ({ events: this.stmts.readRange.all(next, to, VERIFY_PAGE).map(toStoredEvent) }),
      betweenPages: () => this.ensureReadable(),
    });
  }

  async ping(): Promise<boolean> {
    if (!this.isOpen) return false;
    try {
      return this.stmts.ping.get() === 1;
    } catch {
      return false;
    }
  }

  /** Commits the appends already accepted (close() then stops the subscriptions and closes the file). */
  protected async drain(): Promise<void> {
    await this.writer.flush();
  }

  protected async release(): Promise<void> {
    this.db.close();
  }
}
