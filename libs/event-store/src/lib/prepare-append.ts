import { canonicalJson } from './canonical-json';
import { DuplicateEventIdError, type AppendOptions, type ExpectedVersion } from './event-store.port';
import type { EventMetadata, EventShape, NewEvent } from './event-types';

/** An append validated and canonicalised before it reaches any store's write path. */
export interface PreparedAppend {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly PreparedEvent[];
  /** The event ids, in order. */
  readonly ids: readonly string[];
}

export interface PreparedEvent {
  readonly id: string;
  readonly type: string;
  /** RFC 8785 text: stored as is and hashed as is, so every backend hashes the same bytes. */
  readonly dataJson: string;
  readonly metadataJson: string;
  readonly occurredAt: string;
  readonly actor: string;
}

/**
 * The checks every adapter makes, in the same order, before an append may join a group commit: a
 * bad payload fails alone, and all backends refuse the same inputs with the same errors.
 */
export function prepareAppend(streamId: string, events: readonly NewEvent<EventShape>[], options: AppendOptions): PreparedAppend {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new TypeError('append: streamId must be a non-empty string');
  if (!Array.isArray(events) || events.length === 0) throw new RangeError('append: at least one event is required');
  const expected = options?.expectedVersion;
  if (
    expected !== 'any' &&
    expected !== 'no_stream' &&
    expected !== 'exists' &&
    !(typeof expected === 'number' && Number.isInteger(expected) && expected >= 0)
  ) {
    throw new TypeError(`append: invalid expectedVersion ${String(expected)}`);
  }

  const seen = new Set<string>();
  const prepared = events.map((event): PreparedEvent => {
    const metadata = checkNewEvent(event, seen);
    return {
      id: event.id,
      type: event.type,
      dataJson: canonicalJson(event.data),
      metadataJson: canonicalJson(metadata),
      occurredAt: metadata.occurredAt,
      actor: metadata.actor,
    };
  });
  return { streamId, expectedVersion: expected, events: prepared, ids: [...seen] };
}

/**
 * The checks one event of an append must pass, in the order every adapter makes them; adds its id
 * to `seen` (an id repeated within the append is refused). `typeRule` is a backend's own rule on
 * top (EventStoreDB refuses `$`-types), checked right after the type. Returns the metadata checked.
 */
export function checkNewEvent<E extends NewEvent<EventShape>>(event: E, seen: Set<string>, typeRule?: (event: E) => void): EventMetadata {
  if (typeof event.id !== 'string' || event.id.length === 0) throw new TypeError('append: every event needs a non-empty id');
  if (seen.has(event.id)) {
    throw new DuplicateEventIdError(event.id, `Event id ${event.id} appears more than once in one append`);
  }
  seen.add(event.id);
  if (typeof event.type !== 'string' || event.type.length === 0) throw new TypeError(`append: event ${event.id} needs a type`);
  typeRule?.(event);
  if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
    throw new TypeError(`append: event ${event.id} data must be a JSON object`);
  }
  const metadata: EventMetadata | undefined = event.metadata;
  if (!metadata || typeof metadata.actor !== 'string' || typeof metadata.occurredAt !== 'string') {
    throw new TypeError(`append: event ${event.id} metadata needs actor and occurredAt strings`);
  }
  if (Number.isNaN(Date.parse(metadata.occurredAt))) {
    throw new TypeError(`append: event ${event.id} occurredAt is not an ISO-8601 time: ${metadata.occurredAt}`);
  }
  return metadata;
}

/** Whether a stream at `current` (0 = no events) satisfies the expected version. */
export function expectedVersionMatches(expected: ExpectedVersion, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === 0;
    case 'exists':
      return current > 0;
    default:
      return expected === current;
  }
}
