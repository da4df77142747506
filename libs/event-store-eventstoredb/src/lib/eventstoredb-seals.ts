import { randomUUID } from 'node:crypto';
import { binaryEvent, jsonEvent, type EventData, type Position, type RecordedEvent } from '@eventstore/db-client';
import { GENESIS_HASH, type HashedEventFields, type StoredEvent } from '@causeway/event-store';
import { FORMAT, type DecodedEvent } from './eventstoredb-events';
import { isRecord } from './eventstoredb-json';
import { versionFromRevision } from './eventstoredb-revisions';

/* Seal records: the link events that give the log its dense positions and its hash chain. */

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

/** The fields an event's hash covers, once the chain has given it a position and a log time. */
export function hashedFieldsOf(event: DecodedEvent, position: number, recordedAt: string): HashedEventFields {
  return {
    position,
    streamId: event.streamId,
    version: event.version,
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    occurredAt: event.metadata.occurredAt,
    recordedAt,
    actor: event.metadata.actor,
  };
}

/** The event a reader sees: the caller event plus the chain fields of its seal. */
export function toStoredEvent(event: DecodedEvent, chain: ChainFields): StoredEvent {
  return { ...hashedFieldsOf(event, chain.position, chain.recordedAt), hash: chain.hash, prevHash: chain.prevHash };
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
