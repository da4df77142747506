import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { VerifyResult } from './event-store.port';
import type { StoredEvent } from './event-types';

/** The `prevHash` of the event at position 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields an event's hash covers: everything a reader sees except the hash fields themselves. */
export type HashedEventFields = Pick<
  StoredEvent,
  'position' | 'streamId' | 'version' | 'id' | 'type' | 'data' | 'metadata' | 'occurredAt' | 'recordedAt' | 'actor'
>;

/**
 * The hashed fields that do not depend on where the event lands in the log, with `data` and
 * `metadata` already canonicalised: an adapter can prepare them before taking its write lock and
 * store the same canonical text it hashes.
 */
export interface CanonicalEventHeadParts {
  readonly actor: string;
  readonly dataJson: string;
  readonly id: string;
  readonly metadataJson: string;
  readonly occurredAt: string;
}

export interface CanonicalEventParts extends CanonicalEventHeadParts {
  readonly position: number;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly recordedAt: string;
}

/** RFC 8785 JSON of the hashed fields of an event. */
export function canonicalEventJson(event: HashedEventFields): string {
  return canonicalEventJsonFromParts({
    position: event.position,
    streamId: event.streamId,
    version: event.version,
    id: event.id,
    type: event.type,
    dataJson: canonicalJson(event.data),
    metadataJson: canonicalJson(event.metadata),
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    actor: event.actor,
  });
}

/*
 * The envelope's keys are fixed, so instead of sorting them per event they are written in their
 * RFC 8785 order (UTF-16 code units): actor, data, id, metadata, occurredAt | position, recordedAt,
 * streamId, type, version. The first five are known before the append is sequenced (the "head"),
 * the rest once it has a position (the "tail"). Together they equal `canonicalJson` of the envelope.
 */

/** `{"actor":…,"data":…,"id":…,"metadata":…,"occurredAt":…,"position":` */
export function canonicalEventHead(parts: CanonicalEventHeadParts): string {
  return (
    `{"actor":${JSON.stringify(parts.actor)},"data":${parts.dataJson},"id":${JSON.stringify(parts.id)}` +
    `,"metadata":${parts.metadataJson},"occurredAt":${JSON.stringify(parts.occurredAt)},"position":`
  );
}

/**
 * Completes a head. The string arguments are already JSON-quoted (`JSON.stringify`), so a writer
 * quotes the stream id once per append and the time once per commit.
 */
export function canonicalEventJsonFromHead(
  head: string,
  position: number,
  quotedRecordedAt: string,
  quotedStreamId: string,
  quotedType: string,
  version: number,
): string {
  return `${head}${integerJson(position)},"recordedAt":${quotedRecordedAt},"streamId":${quotedStreamId},"type":${quotedType},"version":${integerJson(version)}}`;
}

export function canonicalEventJsonFromParts(parts: CanonicalEventParts): string {
  return canonicalEventJsonFromHead(
    canonicalEventHead(parts),
    parts.position,
    JSON.stringify(parts.recordedAt),
    JSON.stringify(parts.streamId),
    JSON.stringify(parts.type),
    parts.version,
  );
}

function integerJson(n: number): string {
  if (!Number.isSafeInteger(n)) throw new TypeError(`hash chain: ${n} is not a safe integer`);
  return String(n);
}

export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** `sha256hex(prevHash + canonical JSON of the event)`. */
export function chainHash(prevHash: string, event: HashedEventFields): string {
  return sha256Hex(prevHash + canonicalEventJson(event));
}


export interface ChainCheck extends VerifyResult {
  /** Hash of the last event that checked out: the `startPrevHash` of the next page. */
  readonly lastHash: string;
  /** Position the next page must start at. */
  readonly nextPosition: number;
}

/**
 * Checks a run of events in position order against the chain. Pure, so every adapter's `verify()`
 * (and the CLI) runs the same rules page by page, passing `lastHash` / `nextPosition` on.
 *
 * A link is broken when its position is not the next one (a deleted row: the missing position is
 * reported), when its `prevHash` is not the previous hash, or when its own hash does not match its
 * content (an edited row). Truncating the tail cannot be seen from the chain alone.
 */
export function verifyChain(
  events: readonly StoredEvent[],
  startPrevHash: string,
  startPosition: number = events.length > 0 ? events[0].position : 1,
): ChainCheck {
  let prevHash = startPrevHash;
  let expected = startPosition;
  let checked = 0;
  for (const event of events) {
    checked++;
    const broken =
      event.position !== expected
        ? expected
        : event.prevHash !== prevHash || chainHash(prevHash, event) !== event.hash
          ? event.position
          : null;
    if (broken !== null) {
      return { ok: false, checked, firstBrokenPosition: broken, lastHash: prevHash, nextPosition: expected };
    }
    prevHash = event.hash;
    expected = event.position + 1;
  }
  return { ok: true, checked, firstBrokenPosition: null, lastHash: prevHash, nextPosition: expected };
}
