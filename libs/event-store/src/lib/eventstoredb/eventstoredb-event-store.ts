import { EventEmitter } from 'node:events';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  type AppendExpectedRevision,
  type ReadRevision,
  type RecordedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { CatchUpSubscription, openTrackedSubscription } from '../catch-up-subscription';
import {
  DuplicateEventIdError,
  StoreUnavailableError,
  WrongExpectedVersionError,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
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
import { GENESIS_HASH } from '../hash-chain';
import { checkNewEvent } from '../prepare-append';
import { verifyInPages } from '../verify-pages';
import {
  FORMAT,
  assertExpectedVersion,
  assertSealMatches,
  assertStreamPrefix,
  assertUserStreamId,
  checkRepeat,
  claimEventData,
  claimOwner,
  claimStreamName,
  decodeRecordedEvent,
  esdbStreamName,
  expectedVersionMatches,
  genesisEventData,
  indexStreamName,
  isEsdbWrongExpectedVersion,
  isStreamNotFound,
  mergeIndexEntries,
  messageOf,
  parseGenesis,
  parseSealLink,
  revisionForVersion,
  sealStreamName,
  splitSealRead,
  streamIdFromEsdb,
  toAppendExpectedRevision,
  toEsdbEventData,
  toStoreError,
  toStoredEvent,
  toWrongExpectedVersionError,
  userStreamRegex,
  versionFromRevision,
  type DecodedEvent,
  type IndexEntry,
} from './eventstoredb-mapping';
import { EventStoreDbSealer, readLast, type SealerStatus } from './eventstoredb-sealer';

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
/** How long to wait for the local sealer before also asking the index (sealed by another process?). */
const INDEX_FALLBACK_MS = 500;
/** Seal-stream events read per page when a type filter has to be applied on this side. */
const FILTER_SCAN_PAGE = 500;
const VERIFY_PAGE = 500;
const PING_TIMEOUT_MS = 5000;
/** `any` / `exists` appends retry a lost race this often before reporting the conflict. */
const MAX_APPEND_ATTEMPTS = 20;

interface ValidatedAppend {
  readonly streamId: string;
  readonly esdbStream: string;
  readonly expected: ExpectedVersion;
  readonly events: readonly NewEvent[];
}

/** A stream read in full: every stored Causeway id with its version, and the current version. */
interface StreamIds {
  readonly ids: Map<string, number>;
  readonly version: number;
}

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
export class EventStoreDbEventStore implements EventStore {
  readonly backend = 'eventstoredb';

  private readonly emitter = new EventEmitter();
  private readonly sealer: EventStoreDbSealer;
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly sealStream: string;
  private readonly sealTimeoutMs: number;
  private readonly pollIntervalMs: number | undefined;
  private genesis: Promise<void> | null = null;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly client: EventStoreDBClient,
    private readonly prefix: string,
    options: EventStoreDbEventStoreOptions,
  ) {
    this.sealStream = sealStreamName(prefix);
    this.sealTimeoutMs = options.sealTimeoutMs ?? DEFAULT_SEAL_TIMEOUT_MS;
    this.pollIntervalMs = options.pollIntervalMs;
    // One listener per live subscription (SSE clients, projectors): many are expected.
    this.emitter.setMaxListeners(0);
    this.sealer = new EventStoreDbSealer({ client, prefix, onSealed: () => this.emitter.emit(SEALED) });
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
    const pending = this.appendValidated(request);
    this.inflight.add(pending);
    try {
      return await pending;
    } finally {
      this.inflight.delete(pending);
    }
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
    if (!Number.isSafeInteger(from) || from < 1 || !Number.isSafeInteger(to)) throw new RangeError('readStream: invalid version range');
    const esdbStream = esdbStreamName(this.prefix, streamId);
    if (to < from || streamIdFromEsdb(this.prefix, esdbStream) !== streamId) return [];
    const count = to === Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : to - from + 1;
    const resolved = await this.read(esdbStream, { fromRevision: BigInt(from - 1), maxCount: count });
    const events = resolved.flatMap((r) => (r.event ? [this.decode(r.event as RecordedEvent)] : []));
    return this.withChainFields(streamId, events);
  }

  async streamVersion(streamId: string): Promise<number> {
    this.ensureReadable();
    const esdbStream = esdbStreamName(this.prefix, streamId);
    if (streamIdFromEsdb(this.prefix, esdbStream) !== streamId) return 0;
    const last = await this.readLastOf(esdbStream);
    return last === null ? 0 : versionFromRevision(last.revision);
  }

  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    this.ensureReadable();
    assertNonNegativeInteger('readAll after', options.after);
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new RangeError(`readAll limit must be a positive integer, got ${options.limit}`);
    }
    const types = options.types === undefined ? null : new Set(options.types);
    if (types !== null && types.size === 0) return [];
    if (types === null) return this.readSealed(options.after, options.limit);
    // ESDB filters server-side only on `$all`, not on a stream read, and the dense log is a stream:
    // the type filter runs here, paging the seal stream until the page is full or the head is reached.
    const out: StoredEvent[] = [];
    let after = options.after;
    for (;;) {
      const page = await this.readSealed(after, FILTER_SCAN_PAGE);
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
    const claim = await this.readFirstOf(claimStreamName(this.prefix, id));
    if (claim === null) return null;
    const streamId = claimOwner(claim);
    const esdbStream = esdbStreamName(this.prefix, streamId);
    let version = [...(await this.readIndex(streamId)).values()].find((entry) => entry.id === id)?.version;
    if (version === undefined) {
      // Not indexed yet (or never written: a claim whose append then failed). The stream decides.
      version = (await this.readStreamIds(esdbStream)).ids.get(id);
      if (version === undefined) return null;
    }
    const [resolved] = await this.read(esdbStream, { fromRevision: BigInt(version - 1), maxCount: 1 });
    if (!resolved?.event) return null;
    const [event] = await this.withChainFields(streamId, [this.decode(resolved.event as RecordedEvent)]);
    return event.id === id ? event : null;
  }

  async headPosition(): Promise<number> {
    this.ensureReadable();
    const last = await this.readLastOf(this.sealStream);
    // Seal revision n is position n; revision 0 is the genesis record.
    const head = last === null ? 0 : Number(last.revision);
    this.sealer.noteSealedPosition(head);
    return head;
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
        const [previous] = await this.read(this.sealStream, { fromRevision: BigInt(start - 1), maxCount: 1 });
        try {
          return previous?.event ? parseSealLink(previous.event as RecordedEvent).hash : GENESIS_HASH;
        } catch {
          return GENESIS_HASH;
        }
      },
      readPage: async (next, to) => {
        const raw = await this.read(this.sealStream, {
          fromRevision: BigInt(next),
          maxCount: Math.min(VERIFY_PAGE, to - next + 1),
          resolveLinkTos: true,
        });
        const events: StoredEvent[] = [];
        for (const resolved of raw) {
          // Seal revisions are dense, so the i-th read of this page is position next + i.
          const outcome = this.verifiableFromSealRead(resolved, next + events.length);
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
    if (this.state !== 'open') return false;
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

  /** Lets accepted appends finish (they wait for their seals), stops subscriptions, then disconnects. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.state = 'closing';
    try {
      await Promise.allSettled([...this.inflight]);
      await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
      await this.sealer.close();
    } finally {
      this.state = 'closed';
      await this.client.dispose().catch(() => undefined);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Append

  /**
   * 1. Claim every id (`causeway~id~<id>`, `no_stream`). A claim held for another stream refuses
   *    the append. A claim already held for this stream means the id may be stored here: the
   *    stream is read and the append is a repeat, a conflict, or new (a claim left by a failed
   *    attempt).
   * 2. Write with an exact expected revision, also for `any` / `exists` (from a read), so that the
   *    id check above still holds when the write lands: a concurrent append of the same ids must
   *    lose with wrong-expected-version and then finds them stored.
   * 3. Wait for the seal of the last event: that is the answer's position.
   */
  private async appendValidated(request: ValidatedAppend): Promise<AppendResult> {
    await this.ensureGenesis();
    this.sealer.start();
    const ownClaimsExisted = await this.claimIds(request);

    // A lost race has just read the stream: the retry starts from that read instead of reading again.
    let known: StreamIds | null = null;
    for (let attempt = 1; ; attempt++) {
      if (ownClaimsExisted && known === null) {
        known = await this.readStreamIds(request.esdbStream);
        const repeat = await this.repeatResult(request, known);
        if (repeat) return repeat;
      }
      const current = known?.version ?? (needsCurrentVersion(request.expected) ? await this.streamVersion(request.streamId) : null);
      if (current !== null && !expectedVersionMatches(request.expected, current)) {
        throw new WrongExpectedVersionError(request.streamId, request.expected, current);
      }
      // Known current version (it matched): expect exactly it. Otherwise the expectation is
      // `no_stream` or a number, which ESDB checks exactly by itself.
      const expectedRevision: AppendExpectedRevision =
        current !== null ? revisionForVersion(current) : toAppendExpectedRevision(request.expected);

      let nextRevision: bigint;
      try {
        const result = await this.client.appendToStream(
          request.esdbStream,
          request.events.map((event) => toEsdbEventData(event)),
          { expectedRevision },
        );
        nextRevision = result.nextExpectedRevision;
      } catch (error) {
        if (!isEsdbWrongExpectedVersion(error)) throw toStoreError(error, `append to ${request.streamId}`);
        // Lost a race. If the winner stored these very ids this is a repeat; `any` and `exists`
        // may simply try again at the new version.
        const now = await this.readStreamIds(request.esdbStream);
        const repeat = await this.repeatResult(request, now);
        if (repeat) return repeat;
        const retry = request.expected === 'any' || (request.expected === 'exists' && now.version > 0);
        if (retry && attempt < MAX_APPEND_ATTEMPTS) {
          known = now;
          continue;
        }
        throw toWrongExpectedVersionError(error, request.streamId, request.expected);
      }
      const nextVersion = versionFromRevision(nextRevision);
      const lastPosition = await this.positionOf(request.streamId, nextVersion, false);
      return { streamId: request.streamId, nextVersion, lastPosition, duplicate: false };
    }
  }

  /** Claims every id; true when a claim of this stream already existed (the ids may be stored). */
  private async claimIds(request: ValidatedAppend): Promise<boolean> {
    const owners = await Promise.all(
      request.events.map(async (event): Promise<string | null> => {
        const stream = claimStreamName(this.prefix, event.id);
        try {
          await this.client.appendToStream(stream, claimEventData(request.streamId), { expectedRevision: NO_STREAM });
          return null;
        } catch (error) {
          if (!isEsdbWrongExpectedVersion(error)) throw toStoreError(error, 'id claim');
        }
        const claim = await this.readFirstOf(stream);
        if (claim === null) throw new Error(`id claim ${stream} exists but cannot be read`);
        return claimOwner(claim);
      }),
    );
    const foreign = owners.findIndex((owner) => owner !== null && owner !== request.streamId);
    if (foreign !== -1) {
      const id = request.events[foreign].id;
      throw new DuplicateEventIdError(id, `Event id ${id} is already stored in another stream (${String(owners[foreign])})`);
    }
    return owners.some((owner) => owner !== null);
  }

  /** The original answer when the append repeats stored events; throws when it overlaps them partly. */
  private async repeatResult(request: ValidatedAppend, known: StreamIds): Promise<AppendResult | null> {
    const ids = request.events.map((event) => event.id);
    const check = checkRepeat(known.ids, ids);
    switch (check.kind) {
      case 'none':
        return null;
      case 'conflict': {
        const storedIn = known.ids.get(check.id);
        throw new DuplicateEventIdError(
          check.id,
          `Event id ${check.id} is already stored in stream ${request.streamId} (version ${String(storedIn)}), ` +
            'but this append is not an exact repeat of stored events',
        );
      }
      case 'repeat':
        return {
          streamId: request.streamId,
          nextVersion: known.version,
          lastPosition: await this.positionOf(request.streamId, check.lastVersion, true),
          duplicate: true,
        };
      default: {
        const unknown: never = check;
        throw new Error(`unexpected repeat check ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Writes the seal stream's genesis record once per log, before the first event. */
  private ensureGenesis(): Promise<void> {
    this.genesis ??= this.createGenesis().catch((error: unknown) => {
      this.genesis = null;
      throw error;
    });
    return this.genesis;
  }

  private async createGenesis(): Promise<void> {
    const regex = userStreamRegex(this.prefix);
    const first = await this.readFirstOf(this.sealStream);
    if (first === null) {
      let endOfAll: RecordedEvent | null = null;
      try {
        for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
          endOfAll = (resolved.event as RecordedEvent | undefined) ?? null;
        }
      } catch (error) {
        throw toStoreError(error, 'read of the end of $all');
      }
      try {
        await this.client.appendToStream(this.sealStream, genesisEventData(endOfAll?.position ?? null, regex), {
          expectedRevision: NO_STREAM,
        });
        return;
      } catch (error) {
        // Another process wrote it first; its checkpoint is as good as ours.
        if (!isEsdbWrongExpectedVersion(error)) throw toStoreError(error, 'genesis append');
      }
      return this.createGenesis();
    }
    const genesis = parseGenesis(first);
    if (genesis.format !== FORMAT || genesis.filter !== regex) {
      throw new Error(
        `seal stream ${this.sealStream} was started by format ${genesis.format} with filter ${genesis.filter}; ` +
          `this build writes format ${FORMAT} with filter ${regex}`,
      );
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Positions

  /**
   * The position of a stream's event at `version`, once sealed: from the local sealer if it sees
   * the seal, else from the index (another process sealed it). `indexFirst` for events that are
   * probably sealed long ago (repeats), whose seal the local sealer may never observe.
   */
  private async positionOf(streamId: string, version: number, indexFirst: boolean): Promise<number> {
    const esdbStream = esdbStreamName(this.prefix, streamId);
    const revision = BigInt(version - 1);
    const deadline = Date.now() + this.sealTimeoutMs;
    let wait = INDEX_FALLBACK_MS;
    let askIndex = indexFirst;
    for (;;) {
      if (askIndex) {
        const entry = (await this.readIndex(streamId)).get(version);
        if (entry && (await this.isSealed(entry.position))) return entry.position;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const position = await this.sealer.waitFor(esdbStream, revision, Math.min(wait, remaining));
      if (position !== undefined) return position;
      askIndex = true;
      wait = Math.min(wait * 2, 4000);
    }
    const status = this.sealer.status();
    throw new StoreUnavailableError(
      `event ${streamId}@${version} is stored but not sequenced after ${this.sealTimeoutMs} ms ` +
        `(sealed up to ${status.sealedPosition}${status.lastError ? `; sealer: ${status.lastError}` : ''}); ` +
        'repeating the append with the same event ids returns its result once it is sequenced',
    );
  }

  private async isSealed(position: number): Promise<boolean> {
    if (position <= this.sealer.sealedPosition) return true;
    return position <= (await this.headPosition());
  }

  /** Attaches positions and hashes from the stream's index; waits for events not sealed yet. */
  private async withChainFields(streamId: string, events: readonly DecodedEvent[]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    let index = await this.readIndex(streamId);
    let lastUnsealed = await this.lastUnsealedVersion(events, index);
    if (lastUnsealed !== null) {
      // Seals are written in `$all` order, so once the stream's last unsealed event is sealed, all are.
      await this.positionOf(streamId, lastUnsealed, false);
      index = await this.readIndex(streamId);
      lastUnsealed = await this.lastUnsealedVersion(events, index);
      if (lastUnsealed !== null) throw new Error(`the index of ${streamId} lacks the sealed version ${lastUnsealed}`);
    }
    return events.map((event) => {
      const entry = index.get(event.version) as IndexEntry;
      if (entry.id !== event.id) throw new Error(`the index of ${streamId} names ${entry.id} at version ${event.version}, the stream ${event.id}`);
      return toStoredEvent(event, entry);
    });
  }

  /** The highest version among `events` that has no index entry or one beyond the sealed head. */
  private async lastUnsealedVersion(events: readonly DecodedEvent[], index: ReadonlyMap<number, IndexEntry>): Promise<number | null> {
    const highest = Math.max(0, ...events.map((event) => index.get(event.version)?.position ?? 0));
    // Index entries are written just before their seals, so an entry alone does not make it visible.
    const head = highest <= this.sealer.sealedPosition ? this.sealer.sealedPosition : await this.headPosition();
    let missing: number | null = null;
    for (const event of events) {
      const entry = index.get(event.version);
      if (!entry || entry.position > head) missing = event.version;
    }
    return missing;
  }

  private async readIndex(streamId: string): Promise<Map<number, IndexEntry>> {
    const resolved = await this.read(indexStreamName(this.prefix, streamId), {});
    return mergeIndexEntries(resolved.flatMap((r) => (r.event ? [r.event as RecordedEvent] : [])));
  }

  /** Positions `after + 1 …` of the seal stream, resolved to their events. */
  private async readSealed(after: number, limit: number): Promise<StoredEvent[]> {
    const raw = await this.read(this.sealStream, { fromRevision: BigInt(after + 1), maxCount: limit, resolveLinkTos: true });
    const out: StoredEvent[] = [];
    for (const resolved of raw) {
      const stored = this.tryStoredFromSealRead(resolved);
      if (stored === null) {
        const position = after + out.length + 1;
        throw new Error(`the event at position ${position} cannot be read: its stream was deleted or truncated (see verify())`);
      }
      out.push(stored);
    }
    this.sealer.noteSealedPosition(out.length > 0 ? out[out.length - 1].position : after);
    return out;
  }

  /** A seal-stream read as a stored event, or null when the sealed event is gone. */
  private tryStoredFromSealRead(resolved: ResolvedEvent): StoredEvent | null {
    const split = splitSealRead(resolved);
    if (split === null) throw new Error('the seal stream holds an event that is not a seal');
    const seal = parseSealLink(split.link);
    if (split.target === null) return null;
    const event = this.decode(split.target);
    assertSealMatches(seal, event);
    return toStoredEvent(event, seal);
  }

  /** For verify(): a damaged seal or a vanished event is a finding at its position, not a failure. */
  private verifiableFromSealRead(resolved: ResolvedEvent, expectedPosition: number): StoredEvent | { broken: number } {
    try {
      return this.tryStoredFromSealRead(resolved) ?? { broken: expectedPosition };
    } catch {
      return { broken: expectedPosition };
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  private async readStreamIds(esdbStream: string): Promise<StreamIds> {
    const resolved = await this.read(esdbStream, {});
    const ids = new Map<string, number>();
    let version = 0;
    for (const r of resolved) {
      if (!r.event) continue;
      const event = this.decode(r.event as RecordedEvent);
      ids.set(event.id, event.version);
      version = event.version;
    }
    return { ids, version };
  }

  private decode(recorded: RecordedEvent): DecodedEvent {
    const event = decodeRecordedEvent(recorded, this.prefix);
    if (event === null) throw new Error(`${recorded.streamId} is not a stream of this event store`);
    return event;
  }

  private async readFirstOf(stream: string): Promise<RecordedEvent | null> {
    const [first] = await this.read(stream, { fromRevision: START, maxCount: 1 });
    return (first?.event as RecordedEvent | undefined) ?? null;
  }

  private readLastOf(stream: string): Promise<RecordedEvent | null> {
    return readLast(this.client, stream);
  }

  /** A whole forward read of a stream; [] when it does not exist. */
  private async read(
    stream: string,
    options: { fromRevision?: ReadRevision; maxCount?: number; resolveLinkTos?: boolean },
  ): Promise<ResolvedEvent[]> {
    const out: ResolvedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, { direction: FORWARDS, ...options })) out.push(resolved as ResolvedEvent);
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw toStoreError(error, `read of ${stream}`);
    }
    return out;
  }

  /** Appends and new subscriptions stop as soon as close() starts. */
  private ensureOpen(): void {
    if (this.state !== 'open') throw new StoreUnavailableError('the event store is closed');
  }

  /** Reads go on while close() drains, so subscriptions woken by the last seals can finish. */
  private ensureReadable(): void {
    if (this.state === 'closed') throw new StoreUnavailableError('the event store is closed');
  }
}

function validateAppend(prefix: string, streamId: string, events: readonly NewEvent[], options: AppendOptions): ValidatedAppend {
  assertUserStreamId(streamId);
  if (!Array.isArray(events) || events.length === 0) throw new RangeError('append: at least one event is required');
  const expected: unknown = options?.expectedVersion;
  assertExpectedVersion(expected);
  const seen = new Set<string>();
  for (const event of events) checkNewEvent(event, seen, refuseSystemType);
  return { streamId, esdbStream: esdbStreamName(prefix, streamId), expected, events };
}

/** `$`-types are ESDB system events (links, stream metadata); a caller event must not look like one. */
function refuseSystemType(event: NewEvent): void {
  if (event.type.startsWith('$')) throw new TypeError(`append: event ${event.id} type must not start with '$'`);
}

/** `any` and `exists` are turned into the exact current revision, which needs a read. */
function needsCurrentVersion(expected: ExpectedVersion): boolean {
  return expected === 'any' || expected === 'exists';
}

async function drain(read: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of read) {
    // Only the answer matters, not the event.
  }
}

function assertNonNegativeInteger(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
}
