import { canonicalJson } from '../canonical-json';
import { DuplicateEventIdError, type AppendOptions, type EventMetadata, type ExpectedVersion, type NewEvent } from '../event-store.port';

/** An append validated and canonicalised before it reaches the database. */
export interface PreparedAppend {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  /** `expectedVersion` as `causeway_append` takes it: n >= 0, -1 any, -2 no_stream, -3 exists. */
  readonly expectedCode: number;
  readonly events: readonly PreparedEvent[];
  readonly ids: readonly string[];
}

export interface PreparedEvent {
  readonly id: string;
  readonly type: string;
  /** RFC 8785 text: stored as is, and hashed as is by the sequencer. */
  readonly dataJson: string;
  readonly metadataJson: string;
  readonly occurredAt: string;
  readonly actor: string;
}

/**
 * The same checks, in the same order, as the SQLite adapter: a bad payload fails alone, before it
 * could join a group transaction.
 */
export function prepareAppend(streamId: string, events: readonly NewEvent[], options: AppendOptions): PreparedAppend {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new TypeError('append: streamId must be a non-empty string');
  if (!Array.isArray(events) || events.length === 0) throw new RangeError('append: at least one event is required');
  const expected = options?.expectedVersion;
  let expectedCode: number;
  if (expected === 'any') expectedCode = -1;
  else if (expected === 'no_stream') expectedCode = -2;
  else if (expected === 'exists') expectedCode = -3;
  else if (typeof expected === 'number' && Number.isInteger(expected) && expected >= 0) expectedCode = expected;
  else throw new TypeError(`append: invalid expectedVersion ${String(expected)}`);

  const seen = new Set<string>();
  const prepared = events.map((event): PreparedEvent => {
    if (typeof event.id !== 'string' || event.id.length === 0) throw new TypeError('append: every event needs a non-empty id');
    if (seen.has(event.id)) {
      throw new DuplicateEventIdError(event.id, `Event id ${event.id} appears more than once in one append`);
    }
    seen.add(event.id);
    if (typeof event.type !== 'string' || event.type.length === 0) throw new TypeError(`append: event ${event.id} needs a type`);
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
    return {
      id: event.id,
      type: event.type,
      dataJson: canonicalJson(event.data),
      metadataJson: canonicalJson(metadata),
      occurredAt: metadata.occurredAt,
      actor: metadata.actor,
    };
  });
  return { streamId, expectedVersion: expected, expectedCode, events: prepared, ids: [...seen] };
}
