import { EventEmitter } from 'node:events';
import { BACKWARDS, END, EventStoreDBClient, type RecordedEvent } from '@eventstore/db-client';
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
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandler,
  type VerifyResult,
} from '@causeway/event-store';
import { EventStoreDbAppender, validateAppend } from './eventstoredb-appender';
import { claimOwner } from './eventstoredb-claims';
import { toStoreError } from './eventstoredb-errors';
import { EventStoreDbReader } from './eventstoredb-reader';
import { parseSealLink } from './eventstoredb-seals';
import { EventStoreDbSealer, type SealerStatus } from './eventstoredb-sealer';
import { assertStreamPrefix, claimStreamName, esdbStreamName, streamIdFromEsdb } from './eventstoredb-stream-names';

export type { SealerStatus } from './eventstoredb-sealer';

export interface EventStoreDbEventStoreOptions {
  /** An `esdb://` / `esdb+discover://` connection string. */
  readonly url: string;
  /**
   * Put in front of every stream this store writes, so several logs (one per test, or one per
   * tenant) share one server. Prefixes of different stores must not be prefixes of each other.
   * Without one the store treats every non-system stream of the server as part of its log.
   */
  readonly streamPrefix?: string;
  /** How long an append (or a read of an unsealed event) waits for its seal before giving up. */
  readonly sealTimeoutMs?: number;
  /** How often idle subscriptions re-read the seal stream, besides the sealer's wake-ups. */
  readonly pollIntervalMs?: number;
}

const SEALED = 'sealed';
const DEFAULT_SEAL_TIMEOUT_MS = 15_000;
/** Seal-stream events read per page when a type filter has to be applied on this side. */
const FILTER_SCAN_PAGE = 500;
const VERIFY_PAGE = 500;
const PING_TIMEOUT_MS = 5000;

/**
 * The event log on EventStoreDB (ADR 0007). Caller events live in their own ESDB streams, so ESDB
 * enforces expected versions natively; three kinds of bookkeeping streams supply what ESDB lacks:
 *
 * - `causeway~seal`: one link event per log event, in `$all` order, written by the sealer just
 *   behind the head. Its revision *is* the dense position, and its link metadata carries the hash
 *   chain. `readAll` and subscriptions read it with `resolveLinkTos`.
 * - `causeway~ix~<stream>`: version → position and hashes, so stream reads join without a scan.
 * - `causeway~id~<id>`: one stream per event id, created with `no_stream` before the event is
 *   written: the log-wide uniqueness claim ESDB's per-stream idempotency cannot give.
 *
 * An append returns once its events are sealed, so its answer carries the position, and everything
 * a reader sees is sealed: positions are dense and appear in the order readers receive them.
 */
export class EventStoreDbEventStore extends EventStoreAdapter {
  readonly backend = 'eventstoredb';

  private readonly emitter = new EventEmitter();
  private readonly sealer: EventStoreDbSealer;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly reader: EventStoreDbReader;
  private readonly appender: EventStoreDbAppender;
  private readonly pollIntervalMs: number | undefined;

  private constructor(
    private readonly client: EventStoreDBClient,
    private readonly prefix: string,
    options: EventStoreDbEventStoreOptions,
  ) {
    super();
    this.pollIntervalMs = options.pollIntervalMs;
    // One listener per live subscription (SSE clients, projectors): many are expected.
    this.emitter.setMaxListeners(0);
    this.sealer = new EventStoreDbSealer({ client, prefix, onSealed: () => this.emitter.emit(SEALED) });
    this.reader = new EventStoreDbReader({
      client,
      prefix,
      sealer: this.sealer,
      sealTimeoutMs: options.sealTimeoutMs ?? DEFAULT_SEAL_TIMEOUT_MS,
      ensureReadable: () => this.ensureReadable(),
    });
    this.appender = new EventStoreDbAppender({ client, prefix, sealer: this.sealer, reader: this.reader });
  }

  /**
   * Creates the client. It connects lazily, so an unreachable server surfaces on the first call
   * (`ping()` for readiness) as StoreUnavailableError rather than failing start-up.
   */
  static async connect(options: EventStoreDbEventStoreOptions): Promise<EventStoreDbEventStore> {
    const prefix = options.streamPrefix ?? '';
    assertStreamPrefix(prefix);
    if (typeof options.url !== 'string' || options.url.length === 0) throw new TypeError('EventStoreDB url is required');
    let client: EventStoreDBClient;
    try {
      client = EventStoreDBClient.connectionString(options.url);
    } catch (error) {
      // The connection string may hold a password: name the problem, not the string.
      throw new TypeError(`invalid EventStoreDB connection string: ${messageOf(error)}`, { cause: error });
    }
    return new EventStoreDbEventStore(client, prefix, options);
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const request = validateAppend(this.prefix, streamId, events, options);
    this.ensureOpen();
    const pending = this.appender.append(request);
    this.inflight.add(pending);
    try {
      return await pending;
    } finally {
      this.inflight.delete(pending);
    }
  }

  protected async readStoredStream(streamId: string, options: ReadStreamOptions): Promise<StoredEvent[]> {
    this.ensureReadable();
    const from = options.fromVersion ?? 1;
    const to = options.toVersion ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(from) || from < 1 || !Number.isSafeInteger(to)) throw new RangeError('readStream: invalid version range');
    const esdbStream = esdbStreamName(this.prefix, streamId);
    if (to < from || streamIdFromEsdb(this.prefix, esdbStream) !== streamId) return [];
    const count = to === Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : to - from + 1;
    const resolved = await this.reader.read(esdbStream, { fromRevision: BigInt(from - 1), maxCount: count });
    const events = resolved.flatMap((r) => (r.event ? [this.reader.decode(r.event as RecordedEvent)] : []));
    return this.reader.withChainFields(streamId, events);
  }

  streamVersion(streamId: string): Promise<number> {
    return this.reader.streamVersion(streamId);
  }

  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    this.ensureReadable();
    assertReadAllOptions(options);
    const types = options.types === undefined ? null : new Set(options.types);
    if (types !== null && types.size === 0) return [];
    if (types === null) return this.reader.readSealed(options.after, options.limit);
    // ESDB filters server-side only on `$all`, not on a stream read, and the dense log is a stream:
    // the type filter runs here, paging the seal stream until the page is full or the head is reached.
    const out: StoredEvent[] = [];
    let after = options.after;
    for (;;) {
      const page = await this.reader.readSealed(after, FILTER_SCAN_PAGE);
      for (const event of page) {
        if (types.has(event.type)) out.push(event);
        if (out.length === options.limit) return out;
      }
      if (page.length < FILTER_SCAN_PAGE) return out;
      after = page[page.length - 1].position;
    }
  }

  async findEvent(id: string): Promise<StoredEvent | null> {
    this.ensureReadable();
    if (typeof id !== 'string' || id.length === 0) return null;
    const claim = await this.reader.readFirstOf(claimStreamName(this.prefix, id));
    if (claim === null) return null;
    const streamId = claimOwner(claim);
    const esdbStream = esdbStreamName(this.prefix, streamId);
    let version = [...(await this.reader.readIndex(streamId)).values()].find((entry) => entry.id === id)?.version;
    if (version === undefined) {
      // Not indexed yet (or never written: a claim whose append then failed). The stream decides.
      version = (await this.reader.readStreamIds(esdbStream)).ids.get(id);
      if (version === undefined) return null;
    }
    const [resolved] = await this.reader.read(esdbStream, { fromRevision: BigInt(version - 1), maxCount: 1 });
    if (!resolved?.event) return null;
    const [event] = await this.reader.withChainFields(streamId, [this.reader.decode(resolved.event as RecordedEvent)]);
    return event.id === id ? event : null;
  }

  headPosition(): Promise<number> {
    return this.reader.headPosition();
  }

  subscribe(options: SubscribeOptions, handler: SubscriptionHandler): Subscription {
    this.ensureOpen();
    // A process that only subscribes (a projector) still seals, so events written by a writer that
    // died before sealing become visible.
    this.sealer.start();
    return openTrackedSubscription(
      this,
      { ...options, pollIntervalMs: this.pollIntervalMs },
      handler,
      { emitter: this.emitter, event: SEALED },
      this.subscriptions,
    );
  }

  /**
   * Checks the sealed range (everything readers see): each seal's hash against its event as stored
   * in its own stream, and each link against its predecessor. An event whose stream was deleted or
   * truncated cannot be resolved and is reported at its position. Events written but not yet sealed
   * are outside the range until the sealer reaches them.
   */
  async verify(options: { from?: number; to?: number } = {}): Promise<VerifyResult> {
    this.ensureReadable();
    const from = options.from ?? 1;
    assertNonNegativeInteger('verify from', from);
    const head = await this.headPosition();
    return verifyInPages(from, Math.min(options.to ?? head, head), {
      // The link into the range is checked against the previous seal; if that seal is unreadable the
      // range's first link is reported instead.
      linkInto: async (start) => {
        const [previous] = await this.reader.read(this.reader.sealStream, { fromRevision: BigInt(start - 1), maxCount: 1 });
        try {
          return previous?.event ? parseSealLink(previous.event as RecordedEvent).hash : GENESIS_HASH;
        } catch {
          return GENESIS_HASH;
        }
      },
      readPage: async (next, to) => {
        const raw = await this.reader.read(this.reader.sealStream, {
          fromRevision: BigInt(next),
          maxCount: Math.min(VERIFY_PAGE, to - next + 1),
          resolveLinkTos: true,
        });
        const events: StoredEvent[] = [];
        for (const resolved of raw) {
          // Seal revisions are dense, so the i-th read of this page is position next + i.
          const outcome = this.reader.verifiableFromSealRead(resolved, next + events.length);
          if ('broken' in outcome) return { events, unreadableAt: outcome.broken };
          events.push(outcome);
        }
        return { events };
      },
      betweenPages: () => this.ensureReadable(),
    });
  }

  /**
   * Reads the end of `$all`. Resolves true when the server answers, false once the store is closed,
   * and rejects with StoreUnavailableError (with the client's reason) when the server cannot be
   * reached, so the readiness probe can log why.
   */
  async ping(): Promise<boolean> {
    if (!this.isOpen) return false;
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void read.cancel().catch(() => undefined);
        reject(new StoreUnavailableError(`EventStoreDB did not answer within ${PING_TIMEOUT_MS} ms`));
      }, PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([drain(read), timeout]);
      return true;
    } catch (error) {
      throw toStoreError(error, 'ping');
    } finally {
      clearTimeout(timer);
    }
  }

  /** The sealer's progress: how far the log is sealed and how many events wait (its lag). */
  sealerStatus(): SealerStatus {
    return this.sealer.status();
  }

  /** Lets accepted appends finish (they wait for their seals). */
  protected async drain(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  /** Stops the sealer, then disconnects. */
  protected async release(): Promise<void> {
    try {
      await this.sealer.close();
    } finally {
      await this.client.dispose().catch(() => undefined);
    }
  }
}

async function drain(read: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of read) {
    // Only the answer matters, not the event.
  }
}
