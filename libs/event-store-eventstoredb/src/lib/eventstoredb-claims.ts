import { jsonEvent, type EventData, type RecordedEvent } from '@eventstore/db-client';
import { isRecord } from './eventstoredb-json';

/* Id claims (the log-wide uniqueness of event ids) and how an append's ids meet the stored ones. */

export const CLAIM_EVENT_TYPE = 'CausewayEventIdClaimed';

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
