import { randomUUID } from 'node:crypto';
import { jsonEvent, type EventData, type RecordedEvent } from '@eventstore/db-client';
import type { EventMetadata, JsonObject, JsonValue, NewEvent } from '@causeway/event-store';
import { isJsonObject, isRecord } from './eventstoredb-json';
import { versionFromRevision } from './eventstoredb-revisions';
import { streamIdFromEsdb } from './eventstoredb-stream-names';

/* Caller events as ESDB events and back: the Causeway id and metadata travel in ESDB's metadata. */

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
  if (typeof id !== 'string' || !isEventMetadata(inner)) return null;
  return { id, metadata: inner };
}

/** The metadata append wrote (the port's `EventMetadata`), checked field by field. */
function isEventMetadata(value: unknown): value is EventMetadata {
  if (!isRecord(value) || typeof value['actor'] !== 'string' || typeof value['occurredAt'] !== 'string') return false;
  const { correlationId, causationId, importedFrom } = value;
  return isOptionalString(correlationId) && isOptionalString(causationId) && (importedFrom === undefined || isImportedFrom(importedFrom));
}

function isImportedFrom(value: unknown): value is EventMetadata['importedFrom'] {
  return (
    isRecord(value) &&
    typeof value['backend'] === 'string' &&
    typeof value['position'] === 'number' &&
    typeof value['recordedAt'] === 'string' &&
    typeof value['hash'] === 'string'
  );
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function foreignData(recorded: RecordedEvent): JsonObject {
  if (recorded.isJson) return isJsonObject(recorded.data) ? recorded.data : { value: recorded.data as JsonValue };
  return { base64: Buffer.from(recorded.data as Uint8Array).toString('base64') };
}
