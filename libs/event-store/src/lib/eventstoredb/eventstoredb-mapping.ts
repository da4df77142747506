import { randomUUID } from 'node:crypto';
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  binaryEvent,
  jsonEvent,
  type AppendExpectedRevision,
  type CurrentRevision,
  type EventData,
  type Position,
  type RecordedEvent,
} from '@eventstore/db-client';
import { v5 as uuidv5 } from 'uuid';
import {
  StoreUnavailableError,
  WrongExpectedVersionError,
  type EventMetadata,
  type ExpectedVersion,
  type JsonObject,
  type JsonValue,
  type NewEvent,
  type StoredEvent,
} from '../event-store.port';
import { GENESIS_HASH } from '../hash-chain';

/*
 * Pure translation between the EventStore port and EventStoreDB (ESDB): stream names, expected
 * versions, event payloads, the seal records that give the log its dense positions and hash chain,
 * and client errors. Nothing here talks to a server, so all of it is unit-tested.
 */

// ---------------------------------------------------------------------------------------------
// Stream names

/**
 * Every stream Causeway writes besides the callers' own carries this marker right after the prefix,
 * so one regular expression can tell the log's events from its bookkeeping.
 */
export const INTERNAL_MARKER = 'causeway~';

/** The stream whose link events define the dense, hash-chained order of the log. */
export function sealStreamName(prefix: string): string {
  return `${prefix}${INTERNAL_MARKER}seal`;
}

/** One stream per event id: written with `no_stream`, it is the id's log-wide uniqueness claim. */
export function claimStreamName(prefix: string, eventId: string): string {
  return `${prefix}${INTERNAL_MARKER}id~${eventId}`;
}

/** Per caller stream: version → position and hashes, so stream reads need not scan the seal stream. */
export function indexStreamName(prefix: string, streamId: string): string {
  return `${prefix}${INTERNAL_MARKER}ix~${streamId}`;
}

export function esdbStreamName(prefix: string, streamId: string): string {
  return `${prefix}${streamId}`;
}

/** The caller's stream id for an ESDB stream of this store, or null for any other stream. */
export function streamIdFromEsdb(prefix: string, esdbStream: string): string | null {
  if (esdbStream.startsWith('$') || !esdbStream.startsWith(prefix)) return null;
  const streamId = esdbStream.slice(prefix.length);
  if (streamId.length === 0 || streamId.startsWith(INTERNAL_MARKER)) return null;
  return streamId;
}

/**
 * The server-side filter of the sealer's `$all` subscription: this store's caller streams only. It
 * excludes system streams (`$…`, which also hides the `$>` links of system projections) and the
 * store's own bookkeeping streams. .NET regular expressions support the lookaheads.
 */
export function userStreamRegex(prefix: string): string {
  return `^(?!\\$)${escapeRegex(prefix)}(?!${escapeRegex(INTERNAL_MARKER)})`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function assertStreamPrefix(prefix: string): void {
  if (typeof prefix !== 'string') throw new TypeError('EventStoreDB streamPrefix must be a string');
  // A `$` prefix would make every stream a system stream (admin-only ACLs, filtered out as system).
  if (prefix.startsWith('$')) throw new TypeError(`EventStoreDB streamPrefix must not start with '$': ${prefix}`);
  if (prefix.includes(INTERNAL_MARKER)) throw new TypeError(`EventStoreDB streamPrefix must not contain '${INTERNAL_MARKER}'`);
}

export function assertUserStreamId(streamId: string): void {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new TypeError('append: streamId must be a non-empty string');
  if (streamId.startsWith('$')) throw new TypeError(`streamId must not start with '$' (EventStoreDB system streams): ${streamId}`);
  if (streamId.startsWith(INTERNAL_MARKER)) throw new TypeError(`streamId must not start with '${INTERNAL_MARKER}': ${streamId}`);
}

// ---------------------------------------------------------------------------------------------
// Versions and revisions

/**
 * Our stream versions count events from 1 (a stream at version n holds n events); ESDB revisions
 * number them from 0. The revision an append expects when the stream is at `version`.
 */
export function revisionForVersion(version: number): bigint | typeof NO_STREAM {
  assertVersion(version);
  return version === 0 ? NO_STREAM : BigInt(version - 1);
}

/** The direct ESDB equivalent of an expected version (used when no read is needed first). */
export function toAppendExpectedRevision(expected: ExpectedVersion): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'exists':
      return STREAM_EXISTS;
    default:
      return revisionForVersion(expected);
  }
}

/** The version of the event stored at an ESDB revision. */
export function versionFromRevision(revision: bigint): number {
  const version = Number(revision) + 1;
  if (!Number.isSafeInteger(version) || version < 1) throw new RangeError(`EventStoreDB revision out of range: ${revision}`);
  return version;
}

/** A stream's version from ESDB's "current revision" (what a wrong-expected-version error reports). */
export function versionFromCurrentRevision(current: CurrentRevision): number {
  return current === NO_STREAM ? 0 : versionFromRevision(current);
}

export { expectedVersionMatches } from '../prepare-append';

export function assertExpectedVersion(expected: unknown): asserts expected is ExpectedVersion {
  if (expected === 'any' || expected === 'no_stream' || expected === 'exists') return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw new TypeError(`append: invalid expectedVersion ${String(expected)}`);
}

function assertVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 0) throw new RangeError(`stream version must be a non-negative integer, got ${version}`);
}

// ---------------------------------------------------------------------------------------------
// Errors

interface EsdbWrongExpectedVersion {
  readonly type: 'wrong-expected-version';
  readonly actualVersion: CurrentRevision;
}

/** Matched by the client's `type` tag rather than `instanceof`: Jest can load two copies of the client. */
export function isEsdbWrongExpectedVersion(error: unknown): error is EsdbWrongExpectedVersion {
  return errorType(error) === 'wrong-expected-version';
}

export function isStreamNotFound(error: unknown): boolean {
  return errorType(error) === 'stream-not-found';
}

/** Our error for ESDB's, with the actual version translated to ours. */
export function toWrongExpectedVersionError(
  error: EsdbWrongExpectedVersion,
  streamId: string,
  expected: ExpectedVersion,
): WrongExpectedVersionError {
  return new WrongExpectedVersionError(streamId, expected, versionFromCurrentRevision(error.actualVersion));
}

const UNAVAILABLE_TYPES = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'cancelled', 'not-leader']);
/** gRPC status codes that mean "no answer", for errors the client passes through unconverted. */
const UNAVAILABLE_GRPC_CODES = new Set([1 /* CANCELLED */, 4 /* DEADLINE_EXCEEDED */, 10 /* ABORTED */, 14 /* UNAVAILABLE */]);
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** True when the error says the server could not be reached or did not answer (HTTP 503 territory). */
export function isUnavailableError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { type, code, message } = error as { type?: unknown; code?: unknown; message?: unknown };
  if (typeof type === 'string' && UNAVAILABLE_TYPES.has(type)) return true;
  // A server-side wrong-expected-version and the like carry their own type; a bare gRPC status
  // (the client leaves some, e.g. from its capability probe, unconverted) carries only a code.
  if (type === undefined && typeof code === 'number' && UNAVAILABLE_GRPC_CODES.has(code)) return true;
  if (typeof code === 'string' && UNAVAILABLE_ERRNOS.has(code)) return true;
  // Cluster discovery gives up with a plain Error.
  return typeof message === 'string' && /Failed to discover after \d+ attempts/.test(message);
}

/** StoreUnavailableError for connectivity failures; every other error is returned unchanged. */
export function toStoreError(error: unknown, action: string): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailableError(error)) return error;
  return new StoreUnavailableError(`EventStoreDB ${action} failed: ${messageOf(error)}`, { cause: error });
}

function errorType(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------
// Caller events

/** Bumped if the layout of what this adapter writes ever changes. */
export const FORMAT = 1;

/** What a caller event carries in its ESDB metadata. */
export interface EventEnvelopeMetadata {
  readonly causeway: { readonly format: number; readonly id: string; readonly metadata: EventMetadata };
  /** ESDB's own correlation keys, so its `$bc-` projection and UI can follow Causeway's ids. */
  readonly $correlationId?: string;
  readonly $causationId?: string;
}

/**
 * The ESDB event for a caller event. Its ESDB event id is fresh per write attempt, and the Causeway
 * id travels in the metadata: so ESDB's own id-based idempotency (best effort, and blind to other
 * streams) never turns a concurrent repeat into a silent success, and this adapter's claim protocol
 * alone decides what a repeated id means.
 */
export function toEsdbEventData(event: NewEvent, esdbEventId: string = randomUUID()): EventData {
  const metadata: EventEnvelopeMetadata = {
    causeway: { format: FORMAT, id: event.id, metadata: event.metadata },
    ...(event.metadata.correlationId !== undefined ? { $correlationId: event.metadata.correlationId } : {}),
    ...(event.metadata.causationId !== undefined ? { $causationId: event.metadata.causationId } : {}),
  };
  return jsonEvent({ id: esdbEventId, type: event.type, data: event.data, metadata: { ...metadata } });
}

/** A caller event as read back from its ESDB stream. */
export interface DecodedEvent {
  readonly streamId: string;
  readonly version: number;
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
  /** ESDB's `created`, ISO-8601. */
  readonly created: string;
  readonly esdbStream: string;
  readonly revision: bigint;
}

/** The actor of events found in this store's streams that Causeway did not write. */
export const FOREIGN_ACTOR = 'eventstoredb';

/**
 * Decodes an event of one of this store's caller streams (null for any other stream). An event
 * written there by another tool is still part of the log (ESDB cannot refuse it), so it decodes
 * deterministically: its ESDB id, its `created` time, and its payload wrapped into an object.
 */
export function decodeRecordedEvent(recorded: RecordedEvent, prefix: string): DecodedEvent | null {
  const streamId = streamIdFromEsdb(prefix, recorded.streamId);
  if (streamId === null) return null;
  const created = recorded.created.toISOString();
  const envelope = envelopeOf(recorded.metadata);
  const base = { streamId, version: versionFromRevision(recorded.revision), type: recorded.type, created, esdbStream: recorded.streamId, revision: recorded.revision };
  if (envelope !== null && isJsonObject(recorded.data)) {
    return { ...base, id: envelope.id, data: recorded.data, metadata: envelope.metadata };
  }
  return { ...base, id: recorded.id, data: foreignData(recorded), metadata: { actor: FOREIGN_ACTOR, occurredAt: created } };
}

function envelopeOf(metadata: unknown): { id: string; metadata: EventMetadata } | null {
  if (!isRecord(metadata) || !isRecord(metadata['causeway'])) return null;
  const { id, metadata: inner } = metadata['causeway'];
  if (typeof id !== 'string' || !isRecord(inner)) return null;
  if (typeof inner['actor'] !== 'string' || typeof inner['occurredAt'] !== 'string') return null;
  return { id, metadata: inner as unknown as EventMetadata };
}

function foreignData(recorded: RecordedEvent): JsonObject {
  if (recorded.isJson) return isJsonObject(recorded.data) ? recorded.data : { value: recorded.data as JsonValue };
  return { base64: Buffer.from(recorded.data as Uint8Array).toString('base64') };
}

// ---------------------------------------------------------------------------------------------
// Seal records: dense positions and the hash chain

/** The chain fields of one sealed event. */
export interface ChainFields {
  readonly position: number;
  readonly hash: string;
  readonly prevHash: string;
  readonly recordedAt: string;
}

/** One sealed event: where it sits in the log, its chain fields, and what it points at in ESDB. */
export interface SealRecord extends ChainFields {
  readonly streamId: string;
  readonly version: number;
  readonly id: string;
  readonly esdbStream: string;
  readonly revision: bigint;
  /** The event's `$all` position: where a sealer resumes its subscription. */
  readonly checkpoint: Position;
}

/** The newest sealed event (or the genesis record of an empty log). */
export interface SealHead {
  readonly position: number;
  readonly hash: string;
  /** `''` before the first event, so the first `created` always wins the non-decreasing clamp. */
  readonly recordedAt: string;
  /** `$all` position after which the next event to seal lies; null to start at the beginning of `$all`. */
  readonly checkpoint: Position | null;
}

export const GENESIS_EVENT_TYPE = 'CausewaySealGenesis';
export const LINK_EVENT_TYPE = '$>';
export const CLAIM_EVENT_TYPE = 'CausewayEventIdClaimed';
export const INDEX_EVENT_TYPE = 'CausewayPositionsIndexed';

/**
 * Revision 0 of the seal stream. Its checkpoint is the end of `$all` before any event of this store
 * was written, so a sealer never scans the history of a shared server; the filter is recorded so a
 * build with a different notion of "this store's events" refuses to continue the chain.
 */
export function genesisEventData(checkpoint: Position | null, filterRegex: string): EventData {
  return jsonEvent({
    type: GENESIS_EVENT_TYPE,
    data: { format: FORMAT, filter: filterRegex, checkpoint: checkpoint === null ? null : positionToJson(checkpoint) },
  });
}

export function parseGenesis(event: RecordedEvent): { format: number; filter: string; checkpoint: Position | null } {
  if (event.type !== GENESIS_EVENT_TYPE || !isRecord(event.data)) {
    throw new Error(`EventStoreDB seal stream ${event.streamId} does not start with a ${GENESIS_EVENT_TYPE} event`);
  }
  const { format, filter, checkpoint } = event.data;
  if (typeof format !== 'number' || typeof filter !== 'string') throw new Error(`malformed ${GENESIS_EVENT_TYPE} in ${event.streamId}`);
  return { format, filter, checkpoint: checkpoint === null || checkpoint === undefined ? null : positionFromJson(checkpoint) };
}

/**
 * A seal is an ESDB link event (`$>`, data `revision@stream`) to the sealed event, carrying the
 * chain fields in its metadata. Reading the seal stream with `resolveLinkTos` returns the original
 * event and its seal together, without copying any payload. Seal ids are random: a second sealer
 * racing for the same revisions must get a wrong-expected-version, never ESDB's idempotent success.
 */
export function sealLinkEventData(record: SealRecord, linkId: string = randomUUID()): EventData {
  return binaryEvent({
    id: linkId,
    type: LINK_EVENT_TYPE,
    data: Buffer.from(`${record.revision}@${record.esdbStream}`, 'utf8'),
    metadata: {
      causewaySeal: FORMAT,
      position: record.position,
      hash: record.hash,
      prevHash: record.prevHash,
      recordedAt: record.recordedAt,
      streamId: record.streamId,
      version: record.version,
      id: record.id,
      checkpoint: positionToJson(record.checkpoint),
    },
  });
}

/** The seal carried by a link event of the seal stream. */
export function parseSealLink(link: RecordedEvent): SealRecord {
  const target = parseLinkData(link);
  const meta = link.metadata;
  const fail = (what: string): never => {
    throw new Error(`malformed seal at revision ${link.revision} of ${link.streamId}: ${what}`);
  };
  if (!isRecord(meta) || meta['causewaySeal'] !== FORMAT) return fail('not a Causeway seal');
  const { position, hash, prevHash, recordedAt, streamId, version, id, checkpoint } = meta;
  if (typeof position !== 'number' || !Number.isSafeInteger(position)) return fail('position');
  if (BigInt(position) !== link.revision) return fail(`position ${position} is not its revision`);
  if (typeof hash !== 'string' || typeof prevHash !== 'string' || typeof recordedAt !== 'string') return fail('chain fields');
  if (typeof streamId !== 'string' || typeof version !== 'number' || typeof id !== 'string') return fail('event fields');
  if (versionFromRevision(target.revision) !== version) return fail('version does not match the link');
  return {
    position,
    hash,
    prevHash,
    recordedAt,
    streamId,
    version,
    id,
    esdbStream: target.esdbStream,
    revision: target.revision,
    checkpoint: positionFromJson(checkpoint),
  };
}

/** `revision@stream`, the body ESDB resolves a link by. */
export function parseLinkData(link: RecordedEvent): { revision: bigint; esdbStream: string } {
  const text = link.data instanceof Uint8Array ? Buffer.from(link.data).toString('utf8') : String(link.data);
  const at = text.indexOf('@');
  const revision = text.slice(0, at);
  if (at <= 0 || !/^\d+$/.test(revision)) throw new Error(`malformed link at revision ${link.revision} of ${link.streamId}: ${text}`);
  return { revision: BigInt(revision), esdbStream: text.slice(at + 1) };
}

/** The head a sealer continues from, read from the last event of the seal stream. */
export function parseSealHead(last: RecordedEvent): SealHead {
  if (last.type === GENESIS_EVENT_TYPE) {
    return { position: 0, hash: GENESIS_HASH, recordedAt: '', checkpoint: parseGenesis(last).checkpoint };
  }
  const seal = parseSealLink(last);
  return { position: seal.position, hash: seal.hash, recordedAt: seal.recordedAt, checkpoint: seal.checkpoint };
}

/** The part of the client's ResolvedEvent a seal read uses. */
export interface SealRead {
  readonly event?: RecordedEvent;
  readonly link?: RecordedEvent;
}

/**
 * One read of the seal stream with `resolveLinkTos`: the seal and the event it seals, or null for
 * that event when ESDB could not resolve the link (its stream was deleted or truncated).
 */
export function splitSealRead(resolved: SealRead): { link: RecordedEvent; target: RecordedEvent | null } | null {
  if (resolved.link) return { link: resolved.link, target: resolved.event ?? null };
  // Depending on the server version an unresolvable link arrives as the event itself.
  if (resolved.event?.type === LINK_EVENT_TYPE) return { link: resolved.event, target: null };
  return null;
}

/** The event a reader sees: the caller event plus the chain fields of its seal. */
export function toStoredEvent(event: DecodedEvent, chain: ChainFields): StoredEvent {
  return {
    position: chain.position,
    streamId: event.streamId,
    version: event.version,
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    occurredAt: event.metadata.occurredAt,
    recordedAt: chain.recordedAt,
    actor: event.metadata.actor,
    hash: chain.hash,
    prevHash: chain.prevHash,
  };
}

/** Refuses a seal whose target is not the event it claims to seal (a forged or misrouted link). */
export function assertSealMatches(seal: SealRecord, event: DecodedEvent): void {
  if (seal.esdbStream !== event.esdbStream || seal.revision !== event.revision || seal.id !== event.id || seal.streamId !== event.streamId) {
    throw new Error(`seal at position ${seal.position} does not match event ${event.id} at ${event.esdbStream}@${event.revision}`);
  }
}

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

function positionToJson(position: Position): { commit: string; prepare: string } {
  return { commit: position.commit.toString(10), prepare: position.prepare.toString(10) };
}

function positionFromJson(value: unknown): Position {
  if (!isRecord(value) || typeof value['commit'] !== 'string' || typeof value['prepare'] !== 'string') {
    throw new Error(`malformed $all position: ${JSON.stringify(value)}`);
  }
  return { commit: BigInt(value['commit']), prepare: BigInt(value['prepare']) };
}

// ---------------------------------------------------------------------------------------------
// Per-stream position index

export interface IndexEntry extends ChainFields {
  readonly version: number;
  readonly id: string;
}

/** A fixed namespace for the index events' deterministic ids. */
const INDEX_ID_NAMESPACE = 'a4f3c1e2-5b6d-4e7f-8a9b-0c1d2e3f4a5b';

/**
 * The index event for one stream's share of a seal batch. Its id is derived from its content's
 * first position, so a second sealer writing the same batch is usually deduplicated by ESDB; when
 * it is not (ESDB dedups `any` appends only on a best-effort basis) readers merge the copies.
 */
export function indexEventData(indexStream: string, entries: readonly IndexEntry[]): EventData {
  if (entries.length === 0) throw new RangeError('indexEventData: no entries');
  return jsonEvent({
    id: uuidv5(`${indexStream}#${entries[0].position}#${entries.length}`, INDEX_ID_NAMESPACE),
    type: INDEX_EVENT_TYPE,
    data: { entries: entries.map((entry) => ({ ...entry })) },
  });
}

export function indexEntryOf(record: SealRecord): IndexEntry {
  return {
    version: record.version,
    id: record.id,
    position: record.position,
    hash: record.hash,
    prevHash: record.prevHash,
    recordedAt: record.recordedAt,
  };
}

/** Every entry of an index stream by version; repeated entries must agree (they are deterministic). */
export function mergeIndexEntries(events: readonly RecordedEvent[]): Map<number, IndexEntry> {
  const byVersion = new Map<number, IndexEntry>();
  for (const event of events) {
    if (event.type !== INDEX_EVENT_TYPE || !isRecord(event.data) || !Array.isArray(event.data['entries'])) continue;
    for (const raw of event.data['entries']) {
      const entry = parseIndexEntry(raw);
      const known = byVersion.get(entry.version);
      if (known && (known.position !== entry.position || known.hash !== entry.hash || known.id !== entry.id)) {
        throw new Error(`conflicting index entries for version ${entry.version} in ${event.streamId}`);
      }
      byVersion.set(entry.version, entry);
    }
  }
  return byVersion;
}

function parseIndexEntry(raw: unknown): IndexEntry {
  if (!isRecord(raw)) throw new Error('malformed index entry');
  const { version, id, position, hash, prevHash, recordedAt } = raw;
  if (
    typeof version !== 'number' ||
    typeof id !== 'string' ||
    typeof position !== 'number' ||
    typeof hash !== 'string' ||
    typeof prevHash !== 'string' ||
    typeof recordedAt !== 'string'
  ) {
    throw new Error(`malformed index entry: ${JSON.stringify(raw)}`);
  }
  return { version, id, position, hash, prevHash, recordedAt };
}

// ---------------------------------------------------------------------------------------------
// Id claims and repeats

export function claimEventData(streamId: string): EventData {
  return jsonEvent({ type: CLAIM_EVENT_TYPE, data: { streamId } });
}

export function claimOwner(event: RecordedEvent): string {
  if (event.type !== CLAIM_EVENT_TYPE || !isRecord(event.data) || typeof event.data['streamId'] !== 'string') {
    throw new Error(`malformed id claim in ${event.streamId}`);
  }
  return event.data['streamId'];
}

export type RepeatCheck =
  | { readonly kind: 'none' }
  /** Every id is stored, in this order, as consecutive versions ending at `lastVersion`. */
  | { readonly kind: 'repeat'; readonly lastVersion: number }
  | { readonly kind: 'conflict'; readonly id: string };

/**
 * How an append's ids relate to the ids already in its stream (`stored`: id → version): a repeat of
 * one earlier append (answered with its original result), untouched, or a partial / reordered
 * overlap, which is refused.
 */
export function checkRepeat(stored: ReadonlyMap<string, number>, ids: readonly string[]): RepeatCheck {
  const versions = ids.map((id) => stored.get(id));
  const firstFound = versions.findIndex((version) => version !== undefined);
  if (firstFound === -1) return { kind: 'none' };
  const first = versions[0];
  if (first !== undefined && versions.every((version, i) => version === first + i)) {
    return { kind: 'repeat', lastVersion: first + ids.length - 1 };
  }
  return { kind: 'conflict', id: ids[firstFound] };
}

// ---------------------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function isJsonObject(value: unknown): value is JsonObject {
  return isRecord(value);
}
