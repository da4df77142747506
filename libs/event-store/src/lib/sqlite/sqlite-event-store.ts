import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import { CatchUpSubscription, openTrackedSubscription } from '../catch-up-subscription';
import { expectedVersionMatches, prepareAppend, type PreparedEvent } from '../prepare-append';
import {
  DuplicateEventIdError,
  StoreUnavailableError,
  WrongExpectedVersionError,
  type AppendOptions,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedVersion,
  type JsonObject,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type EventShape,
  type TypedReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandler,
  type VerifyResult,
} from '../event-store.port';
import type { EventTypes } from '../event-types';
import { GroupCommitQueue, type CommitOutcome } from '../group-commit-queue';
import { GENESIS_HASH, canonicalEventHead, canonicalEventJsonFromHead, sha256Hex } from '../hash-chain';
import { verifyInPages } from '../verify-pages';
import { migrateSqliteEventStore } from './sqlite-event-store.migrations';

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

/** An append whose payload is already validated and canonicalised, waiting for its group. */
interface AppendRequest {
  readonly streamId: string;
  readonly quotedStreamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly PreparedSqliteEvent[];
}

interface PreparedSqliteEvent extends PreparedEvent {
  /** The position-independent start of the canonical JSON that is hashed. */
  readonly canonicalHead: string;
  readonly quotedType: string;
}

interface Head {
  position: number;
  hash: string;
  recordedAt: string;
}

interface EventRow {
  readonly position: number;
  readonly stream_id: string;
  readonly version: number;
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly occurred_at: string;
  readonly recorded_at: string;
  readonly actor: string;
  readonly hash: string;
  readonly prev_hash: string;
}

interface StreamRow {
  readonly streamNo: number;
  readonly version: number;
}

interface StoredIdRow {
  readonly stream_id: string;
  readonly version: number;
  readonly position: number;
}

const COLUMNS = 'position, stream_id, version, id, type, data, metadata, occurred_at, recorded_at, actor, hash, prev_hash';
const INSERT_COLUMNS = 'position, stream_id, stream_no, version, id, type, data, metadata, occurred_at, recorded_at, actor, hash, prev_hash';
const INSERT_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
/**
 * Rows per INSERT statement. One statement per row spends a good part of its time in statement
 * overhead (reset, step); multi-row INSERTs measured about 25% faster on batched appends.
 */
const INSERT_CHUNK = 16;
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
export class SqliteEventStore implements EventStore {
  readonly backend = 'sqlite';

  private readonly emitter = new EventEmitter();
  private readonly queue: GroupCommitQueue<AppendRequest, AppendResult>;
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private readonly clock: () => Date;
  private readonly pollIntervalMs: number | undefined;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | null = null;

  private readonly stmts: ReturnType<SqliteEventStore['prepareStatements']>;
  /** INSERT statements for 1..INSERT_CHUNK rows, prepared on first use. */
  private readonly insertRows: Database.Statement<(string | number)[]>[] = [];
  private readonly commitGroupTxn: Database.Transaction<(group: readonly AppendRequest[]) => CommitOutcome<AppendResult>[]>;
  private readonly insertTxn: Database.Transaction<(request: AppendRequest, stream: StreamRow | undefined, head: Head) => Head>;

  private constructor(
    private readonly db: Database.Database,
    options: SqliteEventStoreOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs;
    // One listener per live subscription (SSE clients, projectors): many are expected.
    this.emitter.setMaxListeners(0);
    this.stmts = this.prepareStatements();
    this.commitGroupTxn = db.transaction((group: readonly AppendRequest[]) => this.commitGroupInTransaction(group));
    // Called inside the group transaction, so better-sqlite3 wraps it in a SAVEPOINT: a failing
    // append rolls back only its own rows.
    this.insertTxn = db.transaction((request: AppendRequest, stream: StreamRow | undefined, head: Head) =>
      this.insertEvents(request, stream, head),
    );
    this.queue = new GroupCommitQueue<AppendRequest, AppendResult>({
      commit: (group) => this.commitGroup(group),
      maxGroupSize: options.maxGroupSize,
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

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    // Validation and canonicalisation happen before queueing, so a bad payload fails alone and the
    // group transaction does no serialisation work.
    const request = prepareSqliteAppend(streamId, events, options);
    this.ensureOpen();
    return this.queue.enqueue(request);
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  readStream<E extends EventShape>(streamId: string, options: TypedReadStreamOptions<E>): Promise<StoredEvent<E>[]>;
  async readStream(streamId: string, options: ReadStreamOptions & { eventTypes?: EventTypes<EventShape> } = {}): Promise<StoredEvent<EventShape>[]> {
    const events = await this.readStoredStream(streamId, options);
    return options.eventTypes ? options.eventTypes.narrowAll(events) : events;
  }

  private async readStoredStream(streamId: string, options: ReadStreamOptions): Promise<StoredEvent[]> {
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
    assertNonNegativeInteger('readAll after', options.after);
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new RangeError(`readAll limit must be a positive integer, got ${options.limit}`);
    }
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
    if (this.state !== 'open') return false;
    try {
      return this.stmts.ping.get() === 1;
    } catch {
      return false;
    }
  }

  /** Commits the appends already accepted, stops the subscriptions, then closes the file. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.state = 'closing';
    try {
      await this.queue.flush();
      await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    } finally {
      this.state = 'closed';
      this.db.close();
    }
  }

  /** Appends and new subscriptions stop as soon as close() starts. */
  private ensureOpen(): void {
    if (this.state !== 'open') throw new StoreUnavailableError('the event store is closed');
  }

  /** Reads go on while close() drains, so subscriptions woken by the last commits can finish. */
  private ensureReadable(): void {
    if (this.state === 'closed') throw new StoreUnavailableError('the event store is closed');
  }

  private prepareStatements() {
    const db = this.db;
    return {
      head: db.prepare<[], Head>(
        'SELECT position, hash, recorded_at AS recordedAt FROM events ORDER BY position DESC LIMIT 1',
      ),
      stream: db.prepare<[string], StreamRow>('SELECT stream_no AS streamNo, version FROM streams WHERE stream_id = ?'),
      insertStream: db.prepare<[string, number]>('INSERT INTO streams (stream_id, version) VALUES (?, ?)'),
      updateStreamVersion: db.prepare<[number, number]>('UPDATE streams SET version = ? WHERE stream_no = ?'),
      storedId: db.prepare<[string], StoredIdRow>('SELECT stream_id, version, position FROM events WHERE id = ?'),
      readStream: db.prepare<[number, number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream_no = ? AND version >= ? AND version <= ? ORDER BY version`,
      ),
      readAll: db.prepare<[number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
      ),
      // One statement for any number of types: the list travels as a JSON array.
      readAllTyped: db.prepare<[number, string, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE position > ? AND type IN (SELECT value FROM json_each(?))
         ORDER BY position LIMIT ?`,
      ),
      readRange: db.prepare<[number, number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE position >= ? AND position <= ? ORDER BY position LIMIT ?`,
      ),
      findEvent: db.prepare<[string], EventRow>(`SELECT ${COLUMNS} FROM events WHERE id = ?`),
      hashAt: db.prepare<[number], string>('SELECT hash FROM events WHERE position = ?').pluck(),
      prevHashAt: db.prepare<[number], string>('SELECT prev_hash FROM events WHERE position = ?').pluck(),
      ping: db.prepare<[], number>('SELECT 1').pluck(),
    };
  }

  private commitGroup(group: readonly AppendRequest[]): CommitOutcome<AppendResult>[] {
    let outcomes: CommitOutcome<AppendResult>[];
    try {
      outcomes = this.commitGroupTxn.immediate(group);
    } catch (error) {
      throw new StoreUnavailableError(`event store commit failed: ${messageOf(error)}`, { cause: error });
    }
    if (outcomes.some((outcome) => outcome.ok && !outcome.value.duplicate)) this.emitter.emit(APPENDED);
    return outcomes;
  }

  private commitGroupInTransaction(group: readonly AppendRequest[]): CommitOutcome<AppendResult>[] {
    const stored = this.stmts.head.get();
    const now = this.clock().toISOString();
    const head: Head = {
      position: stored?.position ?? 0,
      hash: stored?.hash ?? GENESIS_HASH,
      // recordedAt never goes backwards in position order, even if the clock does.
      recordedAt: stored && stored.recordedAt > now ? stored.recordedAt : now,
    };
    return group.map((request): CommitOutcome<AppendResult> => {
      try {
        return { ok: true, value: this.appendInTransaction(request, head) };
      } catch (error) {
        // Only an append's own rejection is confined to it; anything else (I/O, a full disk) may
        // have ended the transaction, so the whole group fails rather than half-commit.
        if (error instanceof WrongExpectedVersionError || error instanceof DuplicateEventIdError) {
          return { ok: false, error };
        }
        throw error;
      }
    });
  }

  /** Runs inside the group transaction; on success advances `head`. */
  private appendInTransaction(request: AppendRequest, head: Head): AppendResult {
    const stream = this.stmts.stream.get(request.streamId);
    const current = stream?.version ?? 0;
    if (!expectedVersionMatches(request.expectedVersion, current)) {
      // A retried append whose first attempt committed must get its original answer even though
      // the stream has moved on since.
      const duplicate = this.findDuplicate(request, current);
      if (duplicate) return duplicate;
      throw new WrongExpectedVersionError(request.streamId, request.expectedVersion, current);
    }
    let next: Head;
    try {
      // The common case inserts straight away and lets the UNIQUE(id) index detect a re-append,
      // instead of looking every id up first.
      next = this.insertTxn(request, stream, head);
    } catch (error) {
      if (!isUniqueIdViolation(error)) throw error;
      const duplicate = this.findDuplicate(request, current);
      if (duplicate) return duplicate;
      throw error;
    }
    head.position = next.position;
    head.hash = next.hash;
    return {
      streamId: request.streamId,
      nextVersion: current + request.events.length,
      lastPosition: next.position,
      duplicate: false,
    };
  }

  private insertEvents(request: AppendRequest, stream: StreamRow | undefined, head: Head): Head {
    const current = stream?.version ?? 0;
    const nextVersion = current + request.events.length;
    let streamNo: number;
    if (stream) {
      streamNo = stream.streamNo;
      this.stmts.updateStreamVersion.run(nextVersion, streamNo);
    } else {
      streamNo = Number(this.stmts.insertStream.run(request.streamId, nextVersion).lastInsertRowid);
    }
    let position = head.position;
    let prevHash = head.hash;
    let version = current;
    const recordedAt = head.recordedAt;
    const quotedRecordedAt = JSON.stringify(recordedAt);
    const params: (string | number)[] = [];
    let rows = 0;
    for (const event of request.events) {
      position++;
      version++;
      const hash = sha256Hex(
        prevHash +
          canonicalEventJsonFromHead(event.canonicalHead, position, quotedRecordedAt, request.quotedStreamId, event.quotedType, version),
      );
      params.push(
        position,
        request.streamId,
        streamNo,
        version,
        event.id,
        event.type,
        event.dataJson,
        event.metadataJson,
        event.occurredAt,
        recordedAt,
        event.actor,
        hash,
        prevHash,
      );
      prevHash = hash;
      if (++rows === INSERT_CHUNK) {
        this.insertStatement(rows).run(...params);
        params.length = 0;
        rows = 0;
      }
    }
    if (rows > 0) this.insertStatement(rows).run(...params);
    return { position, hash: prevHash, recordedAt };
  }

  private insertStatement(rows: number): Database.Statement<(string | number)[]> {
    let statement = this.insertRows[rows];
    if (statement === undefined) {
      const values = Array.from({ length: rows }, () => INSERT_PLACEHOLDERS).join(', ');
      statement = this.db.prepare<(string | number)[]>(`INSERT INTO events (${INSERT_COLUMNS}) VALUES ${values}`);
      this.insertRows[rows] = statement;
    }
    return statement;
  }

  /**
   * Null when none of the ids is stored; the original result when all are, in this stream and in
   * this order; otherwise the append conflicts with stored events and is refused.
   */
  private findDuplicate(request: AppendRequest, current: number): AppendResult | null {
    const rows = request.events.map((event) => this.stmts.storedId.get(event.id));
    const firstFound = rows.findIndex((row) => row !== undefined);
    if (firstFound === -1) return null;
    const first = rows[0];
    const sameAppend =
      first !== undefined &&
      rows.every((row, i) => row !== undefined && row.stream_id === request.streamId && row.version === first.version + i);
    if (sameAppend) {
      return {
        streamId: request.streamId,
        nextVersion: current,
        lastPosition: (rows[rows.length - 1] as StoredIdRow).position,
        duplicate: true,
      };
    }
    const row = rows[firstFound] as StoredIdRow;
    const id = request.events[firstFound].id;
    throw new DuplicateEventIdError(
      id,
      row.stream_id === request.streamId
        ? `Event id ${id} is already stored in stream ${row.stream_id}, but this append is not an exact repeat of stored events`
        : `Event id ${id} is already stored in another stream (${row.stream_id})`,
    );
  }
}

/** The shared checks, plus what this adapter precomputes before taking the write lock. */
function prepareSqliteAppend(streamId: string, events: readonly NewEvent[], options: AppendOptions): AppendRequest {
  const request = prepareAppend(streamId, events, options);
  return {
    streamId,
    quotedStreamId: JSON.stringify(streamId),
    expectedVersion: request.expectedVersion,
    events: request.events.map((event) => ({
      ...event,
      canonicalHead: canonicalEventHead({ actor: event.actor, dataJson: event.dataJson, id: event.id, metadataJson: event.metadataJson, occurredAt: event.occurredAt }),
      quotedType: JSON.stringify(event.type),
    })),
  };
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    position: row.position,
    streamId: row.stream_id,
    version: row.version,
    id: row.id,
    type: row.type,
    data: JSON.parse(row.data) as JsonObject,
    metadata: JSON.parse(row.metadata) as EventMetadata,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    actor: row.actor,
    hash: row.hash,
    prevHash: row.prev_hash,
  };
}

/**
 * Matched by shape, not `instanceof`: the native addon keeps the SqliteError class (and realm) of
 * its first load, so under a second copy of the JS module (Jest's per-file registry and sandbox)
 * neither `SqliteError` nor `Error` would match.
 */
function isUniqueIdViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes('events.id');
}

function assertNonNegativeInteger(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
