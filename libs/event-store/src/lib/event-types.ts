/*
 * The shapes of events, as appended and as stored, and the one checked conversion from what the
 * log holds to a domain event union. Nothing here depends on the store itself.
 */

import { CausewayError } from '@causeway/domain';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface EventMetadata {
  /** The API key name (or system component) that caused the event. */
  readonly actor: string;
  /** Business time, ISO-8601 UTC: when it happened (may be in the past). */
  readonly occurredAt: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** Set by `copyLog` when the event was moved from another log: where and when it was first recorded. */
  readonly importedFrom?: { readonly backend: string; readonly position: number; readonly recordedAt: string; readonly hash: string };
}

/** What every event is, whatever its payload: a type name and its data. Domain events fit it. */
export interface EventShape {
  readonly type: string;
  readonly data: unknown;
}

/** An event whose payload type is not known to the reader: the JSON the log holds. */
export interface UntypedEvent {
  readonly type: string;
  readonly data: JsonObject;
}

/** An event to append: the event itself plus its id and metadata. */
export type NewEvent<E extends EventShape = UntypedEvent> = E & {
  /** UUID, unique in the whole log: re-appending an id already stored is a no-op. */
  readonly id: string;
  readonly metadata: EventMetadata;
};

/**
 * An event as the log returns it. `E` is the event union a reader expects (`StoredEvent<IncidentEvent>`
 * narrows on `type` like the domain event); only `EventTypes.narrow` (or `readStream` with
 * `eventTypes`) produces one, after checking the type name.
 */
export type StoredEvent<E extends EventShape = UntypedEvent> = E & StoredEventEnvelope;

/** What the log adds to every event it stores. */
export interface StoredEventEnvelope {
  /** Global position: dense, starting at 1, monotonic in the order readers receive events. */
  readonly position: number;
  readonly streamId: string;
  /** Version inside the stream: the first event is 1. */
  readonly version: number;
  readonly id: string;
  readonly metadata: EventMetadata;
  readonly occurredAt: string;
  /** Log time, assigned by the store when the event is committed. */
  readonly recordedAt: string;
  readonly actor: string;
  /** `sha256(prevHash + canonical JSON of the event)`, hex. */
  readonly hash: string;
  readonly prevHash: string;
}

/** A stored event's type is not one the reader knows: the wrong stream, or a newer writer. */
export class UnknownEventTypeError extends CausewayError<'UNKNOWN_EVENT_TYPE'> {
  readonly code = 'UNKNOWN_EVENT_TYPE' as const;
  constructor(
    readonly eventType: string,
    readonly position: number,
  ) {
    super(`Event at position ${position} has type ${eventType}, which this reader does not handle`);
    this.name = 'UnknownEventTypeError';
  }
}

/**
 * The one checked conversion from what the log holds to a domain event union: the log stores JSON
 * written by the domain's own deciders, so the type name is what tells which event it is.
 */
export class EventTypes<E extends EventShape> {
  private readonly names: ReadonlySet<string>;

  constructor(readonly types: readonly E['type'][]) {
    this.names = new Set<string>(types);
  }

  /** True when the event is one of `E`'s types, and TypeScript then sees it as `StoredEvent<E>`. */
  has(event: StoredEvent<EventShape>): event is StoredEvent<E> {
    return this.names.has(event.type);
  }

  /** The event as `StoredEvent<E>`, or `UnknownEventTypeError`. */
  narrow(event: StoredEvent<EventShape>): StoredEvent<E> {
    if (!this.has(event)) throw new UnknownEventTypeError(event.type, event.position);
    return event;
  }

  /** Every event as `StoredEvent<E>`, or `UnknownEventTypeError` on the first other one. */
  narrowAll(events: readonly StoredEvent<EventShape>[]): StoredEvent<E>[] {
    return events.map((event) => this.narrow(event));
  }
}
