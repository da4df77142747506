import { FORWARDS, START, type EventStoreDBClient, type ReadRevision, type RecordedEvent, type ResolvedEvent } from '@eventstore/db-client';
import { StoreUnavailableError, type StoredEvent } from '@causeway/event-store';
import { isStreamNotFound, toStoreError } from './eventstoredb-errors';
import { decodeRecordedEvent, type DecodedEvent } from './eventstoredb-events';
import { mergeIndexEntries, type IndexEntry } from './eventstoredb-position-index';
import { versionFromRevision } from './eventstoredb-revisions';
import { assertSealMatches, parseSealLink, splitSealRead, toStoredEvent } from './eventstoredb-seals';
import { readLast, type EventStoreDbSealer } from './eventstoredb-sealer';
import { esdbStreamName, indexStreamName, sealStreamName, streamIdFromEsdb } from './eventstoredb-stream-names';

export interface EventStoreDbReaderOptions {
  readonly client: EventStoreDBClient;
  readonly prefix: string;
  readonly sealer: EventStoreDbSealer;
  /** How long a read of an unsealed event (or an append) waits for its seal before giving up. */
  readonly sealTimeoutMs: number;
  /** Throws once the store is closed: every read that reaches the server checks it first. */
  readonly ensureReadable: () => void;
}

/** A stream read in full: every stored Causeway id with its version, and the current version. */
export interface StreamIds {
  readonly ids: Map<string, number>;
  readonly version: number;
}

/** How long to wait for the local sealer before also asking the index (sealed by another process?). */
const INDEX_FALLBACK_MS = 500;

/**
 * The reads behind both reading and appending: the sealed head, each event's position (from the
 * local sealer or the per-stream index), the seal stream resolved to events, and plain stream reads.
 */
export class EventStoreDbReader {
  readonly sealStream: string;
  private readonly client: EventStoreDBClient;
  private readonly prefix: string;
  private readonly sealer: EventStoreDbSealer;
  private readonly sealTimeoutMs: number;
  private readonly ensureReadable: () => void;

  constructor(options: EventStoreDbReaderOptions) {
    this.client = options.client;
    this.prefix = options.prefix;
    this.sealer = options.sealer;
    this.sealTimeoutMs = options.sealTimeoutMs;
    this.ensureReadable = options.ensureReadable;
    this.sealStream = sealStreamName(options.prefix);
  }

  async headPosition(): Promise<number> {
    this.ensureReadable();
    const last = await this.readLastOf(this.sealStream);
    // Seal revision n is position n; revision 0 is the genesis record.
    const head = last === null ? 0 : Number(last.revision);
    this.sealer.noteSealedPosition(head);
    return head;
  }

  async streamVersion(streamId: string): Promise<number> {
    this.ensureReadable();
    const esdbStream = esdbStreamName(this.prefix, streamId);
    if (streamIdFromEsdb(this.prefix, esdbStream) !== streamId) return 0;
    const last = await this.readLastOf(esdbStream);
    return last === null ? 0 : versionFromRevision(last.revision);
  }

  // ---------------------------------------------------------------------------------------------
  // Positions

  /**
   * The position of a stream's event at `version`, once sealed: from the local sealer if it sees
   * the seal, else from the index (another process sealed it). `indexFirst` for events that are
   * probably sealed long ago (repeats), whose seal the local sealer may never observe.
   */
  async positionOf(streamId: string, version: number, indexFirst: boolean): Promise<number> {
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
  async withChainFields(streamId: string, events: readonly DecodedEvent[]): Promise<StoredEvent[]> {
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

  async readIndex(streamId: string): Promise<Map<number, IndexEntry>> {
    const resolved = await this.read(indexStreamName(this.prefix, streamId), {});
    return mergeIndexEntries(resolved.flatMap((r) => (r.event ? [r.event as RecordedEvent] : [])));
  }

  // ---------------------------------------------------------------------------------------------
  // Seals

  /** Positions `after + 1 …` of the seal stream, resolved to their events. */
  async readSealed(after: number, limit: number): Promise<StoredEvent[]> {
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
  verifiableFromSealRead(resolved: ResolvedEvent, expectedPosition: number): StoredEvent | { broken: number } {
    try {
      return this.tryStoredFromSealRead(resolved) ?? { broken: expectedPosition };
    } catch {
      return { broken: expectedPosition };
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  async readStreamIds(esdbStream: string): Promise<StreamIds> {
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

  decode(recorded: RecordedEvent): DecodedEvent {
    const event = decodeRecordedEvent(recorded, this.prefix);
    if (event === null) throw new Error(`${recorded.streamId} is not a stream of this event store`);
    return event;
  }

  async readFirstOf(stream: string): Promise<RecordedEvent | null> {
    const [first] = await this.read(stream, { fromRevision: START, maxCount: 1 });
    return (first?.event as RecordedEvent | undefined) ?? null;
  }

  private readLastOf(stream: string): Promise<RecordedEvent | null> {
    return readLast(this.client, stream);
  }

  /** A whole forward read of a stream; [] when it does not exist. */
  async read(
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
}
