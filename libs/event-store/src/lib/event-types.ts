import { CausewayError } from '@causeway/domain';
import type { EventShape, StoredEvent } from './event-store.port';

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
