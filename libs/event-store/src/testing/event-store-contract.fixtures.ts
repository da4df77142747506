import type { EventStore, NewEvent, StoredEvent, SubscribeOptions, Subscription } from '../index';
import { v7 as uuidv7 } from 'uuid';

/* What the parts of the contract suite share: test events, waiting helpers and checks. */

const OCCURRED_AT = '2026-01-02T03:04:05.678Z';

export function newTestEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    id: uuidv7(),
    type: 'TestEventHappened',
    data: { note: 'something happened' },
    metadata: { actor: 'contract-suite', occurredAt: OCCURRED_AT },
    ...overrides,
  };
}

export function events(count: number, overrides: Partial<NewEvent> = {}): NewEvent[] {
  return Array.from({ length: count }, () => newTestEvent(overrides));
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** A promise plus the functions that settle it, for waiting on events instead of on time. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets queued I/O callbacks (a store's group commit, for one) run before the next loop turn. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface Collector {
  readonly subscription: Subscription;
  readonly received: StoredEvent[];
  /** Resolves once at least `count` events have been delivered. */
  until(count: number): Promise<StoredEvent[]>;
}

export function collect(
  store: EventStore,
  options: SubscribeOptions,
  onBatch?: (batch: readonly StoredEvent[]) => Promise<void> | void,
): Collector {
  const received: StoredEvent[] = [];
  const waiters: { count: number; resolve: (events: StoredEvent[]) => void }[] = [];
  const subscription = store.subscribe(options, async (batch) => {
    received.push(...batch);
    await onBatch?.(batch);
    for (const waiter of [...waiters]) {
      if (received.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(received);
      }
    }
  });
  return {
    subscription,
    received,
    until(count) {
      if (received.length >= count) return Promise.resolve(received);
      const waiter = deferred<StoredEvent[]>();
      waiters.push({ count, resolve: waiter.resolve });
      return waiter.promise;
    },
  };
}

export async function readEverything(store: EventStore, limit = 1000): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after: all.length > 0 ? all[all.length - 1].position : 0, limit });
    if (page.length === 0) return all;
    all.push(...page);
  }
}

export async function expectRejection<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${type.name}, but the call succeeded`);
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}

/** Nothing was written: the head, the stream's version and the log past the head are unchanged. */
export async function assertNothingWritten(store: EventStore, streamId: string, head: number, version: number): Promise<void> {
  expect(await store.headPosition()).toBe(head);
  expect(await store.streamVersion(streamId)).toBe(version);
  expect(await store.readAll({ after: head, limit: 10 })).toEqual([]);
}
