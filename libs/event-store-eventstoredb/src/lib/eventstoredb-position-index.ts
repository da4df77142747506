import { jsonEvent, type EventData, type RecordedEvent } from '@eventstore/db-client';
import { v5 as uuidv5 } from 'uuid';
import { isRecord } from './eventstoredb-json';
import type { ChainFields, SealRecord } from './eventstoredb-seals';

/* The per-stream position index: version → position and hashes, so stream reads need no scan. */

export const INDEX_EVENT_TYPE = 'CausewayPositionsIndexed';

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
