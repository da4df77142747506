import { CausewayError } from '@causeway/domain';
import type { EventShape, EventTypes, NewEvent, StoredEvent } from './event-types';

/**
 * The event log port. Every backend (SQLite, PostgreSQL, EventStoreDB) implements it and passes the
 * one contract suite in `@causeway/event-store/testing`. Callers depend on this lib only, which loads
 * no database driver (the adapters are libs of their own).
 */

/** `any`: no check; `no_stream`: the stream must be empty; `exists`: it must have events; a number: its current version. */
export type ExpectedVersion = 'any' | 'no_stream' | 'exists' | number;

export interface AppendOptions {
  readonly expectedVersion: ExpectedVersion;
}

export interface AppendResult {
  readonly streamId: string;
  /** The stream's version after the append (unchanged on a duplicate). */
  readonly nextVersion: number;
  /** Position of the last event of this append (of the original append on a duplicate). */
  readonly lastPosition: number;
  /** True when every event id was already stored: nothing was written. */
  readonly duplicate: boolean;
}

export interface ReadStreamOptions {
  /** First version to return (inclusive), default 1. */
  readonly fromVersion?: number;
  /** Last version to return (inclusive). */
  readonly toVersion?: number;
}

/** Reads a stream as the domain's own event type: every event is checked against `eventTypes`. */
export interface TypedReadStreamOptions<E extends EventShape> extends ReadStreamOptions {
  readonly eventTypes: EventTypes<E>;
}

export interface ReadAllOptions {
  /** Return events with position strictly greater than this; 0 for the start. */
  readonly after: number;
  readonly limit: number;
  /** Only these event types (the store filters server-side where it can). */
  readonly types?: readonly string[];
}

export interface SubscribeOptions {
  /** Deliver events with position strictly greater than this (catch-up first, then live). */
  readonly after: number;
  readonly types?: readonly string[];
  /** Read batch size while catching up. */
  readonly batchSize?: number;
}

/** Called with events in position order; the subscription awaits it before delivering more. */
export type SubscriptionHandler = (events: readonly StoredEvent[]) => Promise<void> | void;

export interface Subscription {
  /** Stops delivery; resolves once the handler is no longer running. */
  close(): Promise<void>;
  /** Position of the last event handed to the handler and completed. */
  readonly position: number;
  /** Settles when the subscription stops: resolves after close(), rejects with the handler's error. */
  readonly done: Promise<void>;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly checked: number;
  readonly firstBrokenPosition: number | null;
}

export interface EventStore {
  readonly backend: string;
  /** Stores the events' `data` as JSON: any event whose data is JSON-representable may be appended. */
  append(streamId: string, events: readonly NewEvent<EventShape>[], options: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** The stream as `E`; an event of another type is an `UnknownEventTypeError` (a stream mixed up). */
  readStream<E extends EventShape>(streamId: string, options: TypedReadStreamOptions<E>): Promise<StoredEvent<E>[]>;
  /** The stream's current version, 0 when it has no events. */
  streamVersion(streamId: string): Promise<number>;
  readAll(options: ReadAllOptions): Promise<StoredEvent[]>;
  /** The event with this id, or null. */
  findEvent(id: string): Promise<StoredEvent | null>;
  /** Position of the newest event visible to readers, 0 when empty. */
  headPosition(): Promise<number>;
  subscribe(options: SubscribeOptions, handler: SubscriptionHandler): Subscription;
  /** Recomputes the hash chain from position 1 (or `from`) and reports the first broken link. */
  verify(options?: { from?: number; to?: number }): Promise<VerifyResult>;
  /** True when the store answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** The expected version did not match: nothing was written. */
export class WrongExpectedVersionError extends CausewayError<'WRONG_EXPECTED_VERSION'> {
  readonly code = 'WRONG_EXPECTED_VERSION' as const;
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`Stream ${streamId}: expected version ${String(expected)}, actual ${actual}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** Some, but not all, of an append's event ids were already stored (or in another stream). */
export class DuplicateEventIdError extends CausewayError<'DUPLICATE_EVENT_ID'> {
  readonly code = 'DUPLICATE_EVENT_ID' as const;
  constructor(
    readonly eventId: string,
    message: string,
  ) {
    super(message);
    this.name = 'DuplicateEventIdError';
  }
}

/** The store cannot be reached (HTTP 503). */
export class StoreUnavailableError extends CausewayError<'STORE_UNAVAILABLE'> {
  readonly code = 'STORE_UNAVAILABLE' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
