import {
  DuplicateEventIdError,
  GENESIS_HASH,
  WrongExpectedVersionError,
  chainHash,
  verifyChain,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type JsonObject,
  type NewEvent,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
} from '@causeway/event-store';
import { v7 as uuidv7 } from 'uuid';

export interface EventStoreUnderTest {
  readonly store: EventStore;
  /** Closes the store and removes whatever the factory created (files, schemas). */
  cleanup(): Promise<void>;
}

/** Opens an empty store: every test starts from position 0. */
export type EventStoreFactory = () => Promise<EventStoreUnderTest>;

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

function events(count: number, overrides: Partial<NewEvent> = {}): NewEvent[] {
  return Array.from({ length: count }, () => newTestEvent(overrides));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** A promise plus the functions that settle it, for waiting on events instead of on time. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets queued I/O callbacks (a store's group commit, for one) run before the next loop turn. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Collector {
  readonly subscription: Subscription;
  readonly received: StoredEvent[];
  /** Resolves once at least `count` events have been delivered. */
  until(count: number): Promise<StoredEvent[]>;
}

function collect(
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

async function readEverything(store: EventStore, limit = 1000): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after: all.length > 0 ? all[all.length - 1].position : 0, limit });
    if (page.length === 0) return all;
    all.push(...page);
  }
}

async function expectRejection<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${type.name}, but the call succeeded`);
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}

/**
 * The behaviour every EventStore adapter must show (ARCHITECTURE.md, "Guarantees"). An adapter's
 * integration spec calls this with a factory for an empty store. Adapter-specific properties
 * (tampering with stored rows, crash safety, several processes) live in the adapter's own spec.
 */
export function describeEventStoreContract(name: string, factory: EventStoreFactory): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
    });

    afterEach(async () => {
      await cleanup();
    });

    async function assertNothingWritten(streamId: string, head: number, version: number): Promise<void> {
      expect(await store.headPosition()).toBe(head);
      expect(await store.streamVersion(streamId)).toBe(version);
      expect(await store.readAll({ after: head, limit: 10 })).toEqual([]);
    }

    describe('append and read', () => {
      it('reads back what was appended, with positions, versions, times and hashes', async () => {
        const first = newTestEvent({
          data: { title: 'Checkout latency', nested: { list: [1, 2.5, -3, null, true], emoji: 'ünïcödé 🚨' } },
          metadata: { actor: 'alice', occurredAt: '2026-01-01T00:00:00.000Z', correlationId: 'c-1', causationId: 'k-1' },
        });
        const second = newTestEvent({ type: 'SecondThing' });

        const result = await store.append('incident-1', [first, second], { expectedVersion: 'no_stream' });

        expect(result).toEqual<AppendResult>({ streamId: 'incident-1', nextVersion: 2, lastPosition: 2, duplicate: false });
        const stream = await store.readStream('incident-1');
        expect(stream.map((e) => [e.position, e.version, e.id, e.type])).toEqual([
          [1, 1, first.id, first.type],
          [2, 2, second.id, second.type],
        ]);
        expect(stream[0].streamId).toBe('incident-1');
        expect(stream[0].data).toEqual(first.data);
        expect(stream[0].metadata).toEqual(first.metadata);
        expect(stream[0].occurredAt).toBe('2026-01-01T00:00:00.000Z');
        expect(stream[0].actor).toBe('alice');
        for (const event of stream) {
          expect(new Date(event.recordedAt).toISOString()).toBe(event.recordedAt);
          expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
          expect(event.prevHash).toMatch(/^[0-9a-f]{64}$/);
        }
        expect(await store.streamVersion('incident-1')).toBe(2);
        expect(await store.headPosition()).toBe(2);
        expect(await store.findEvent(second.id)).toEqual(stream[1]);
        expect(await store.readAll({ after: 0, limit: 10 })).toEqual(stream);
      });

      it('answers for unknown streams and ids', async () => {
        expect(await store.readStream('incident-none')).toEqual([]);
        expect(await store.streamVersion('incident-none')).toBe(0);
        expect(await store.findEvent(uuidv7())).toBeNull();
        expect(await store.headPosition()).toBe(0);
        expect(await store.readAll({ after: 0, limit: 10 })).toEqual([]);
      });

      it('reads a version range of a stream', async () => {
        await store.append('incident-1', events(5), { expectedVersion: 'no_stream' });
        const middle = await store.readStream('incident-1', { fromVersion: 2, toVersion: 4 });
        expect(middle.map((e) => e.version)).toEqual([2, 3, 4]);
        expect((await store.readStream('incident-1', { fromVersion: 4 })).map((e) => e.version)).toEqual([4, 5]);
      });

      it('keeps streams apart and numbers versions per stream', async () => {
        await store.append('incident-a', events(2), { expectedVersion: 'no_stream' });
        await store.append('incident-b', events(1), { expectedVersion: 'no_stream' });
        await store.append('incident-a', events(1), { expectedVersion: 2 });
        expect((await store.readStream('incident-a')).map((e) => [e.position, e.version])).toEqual([
          [1, 1],
          [2, 2],
          [4, 3],
        ]);
        expect((await store.readStream('incident-b')).map((e) => [e.position, e.version])).toEqual([[3, 1]]);
      });

      it('refuses an empty append and writes nothing', async () => {
        await expectRejection(store.append('incident-1', [], { expectedVersion: 'any' }), RangeError);
        await assertNothingWritten('incident-1', 0, 0);
      });

      it('answers ping and names its backend', async () => {
        expect(await store.ping()).toBe(true);
        expect(store.backend).toEqual(expect.any(String));
      });
    });

    describe('expected version', () => {
      const cases: readonly { expected: ExpectedVersion; existing: number; ok: boolean }[] = [
        { expected: 'no_stream', existing: 0, ok: true },
        { expected: 'no_stream', existing: 2, ok: false },
        { expected: 'exists', existing: 0, ok: false },
        { expected: 'exists', existing: 2, ok: true },
        { expected: 'any', existing: 0, ok: true },
        { expected: 'any', existing: 2, ok: true },
        { expected: 0, existing: 0, ok: true },
        { expected: 0, existing: 2, ok: false },
        { expected: 2, existing: 2, ok: true },
        { expected: 1, existing: 2, ok: false },
        { expected: 3, existing: 2, ok: false },
        { expected: 1, existing: 0, ok: false },
      ];

      it.each(cases)('expected $expected on a stream at version $existing: ok=$ok', async ({ expected, existing, ok }) => {
        await store.append('incident-other', events(1), { expectedVersion: 'any' });
        if (existing > 0) await store.append('incident-1', events(existing), { expectedVersion: 'no_stream' });
        const head = await store.headPosition();

        const attempt = store.append('incident-1', events(2), { expectedVersion: expected });

        if (ok) {
          expect(await attempt).toMatchObject({ nextVersion: existing + 2, lastPosition: head + 2, duplicate: false });
          expect(await store.streamVersion('incident-1')).toBe(existing + 2);
        } else {
          const error = await expectRejection(attempt, WrongExpectedVersionError);
          expect(error).toMatchObject({ code: 'WRONG_EXPECTED_VERSION', streamId: 'incident-1', expected, actual: existing });
          await assertNothingWritten('incident-1', head, existing);
        }
      });

      it('lets exactly one of 20 concurrent appends with the same expected version win', async () => {
        await store.append('incident-1', events(1), { expectedVersion: 'no_stream' });

        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, () => store.append('incident-1', events(2), { expectedVersion: 1 })),
        );

        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(19);
        for (const loss of lost) expect(loss.reason).toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.streamVersion('incident-1')).toBe(3);
        expect(await store.headPosition()).toBe(3);
      });

      it('lets exactly one of 20 concurrent creators of a stream win', async () => {
        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, () => store.append('incident-new', events(1), { expectedVersion: 'no_stream' })),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(await store.readStream('incident-new')).toHaveLength(1);
      });
    });

    describe('idempotent append', () => {
      it('returns the first result for a repeated append and writes nothing', async () => {
        const batch = events(2);
        const first = await store.append('incident-1', batch, { expectedVersion: 'no_stream' });

        const again = await store.append('incident-1', batch, { expectedVersion: 'no_stream' });

        expect(again).toEqual({ ...first, duplicate: true });
        expect(await store.headPosition()).toBe(2);
      });

      it('recognises a repeat even after the stream moved on and the expected version is stale', async () => {
        const batch = events(2);
        const first = await store.append('incident-1', batch, { expectedVersion: 'no_stream' });
        const later = newTestEvent();
        await store.append('incident-2', events(1), { expectedVersion: 'no_stream' });
        await store.append('incident-1', [later], { expectedVersion: 2 });

        expect(await store.append('incident-1', batch, { expectedVersion: 'no_stream' })).toEqual({
          streamId: 'incident-1',
          nextVersion: 3,
          lastPosition: first.lastPosition,
          duplicate: true,
        });
        expect(await store.append('incident-1', batch, { expectedVersion: 'any' })).toMatchObject({ duplicate: true });
        expect(await store.append('incident-1', [later], { expectedVersion: 2 })).toEqual({
          streamId: 'incident-1',
          nextVersion: 3,
          lastPosition: 4,
          duplicate: true,
        });
        expect(await store.headPosition()).toBe(4);
      });

      it('gives concurrent retries of one append the same answer and stores it once', async () => {
        const batch = events(3);
        const results = await Promise.all(
          Array.from({ length: 5 }, () => store.append('incident-1', batch, { expectedVersion: 'no_stream' })),
        );
        expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
        for (const result of results) expect(result).toMatchObject({ nextVersion: 3, lastPosition: 3 });
        expect(await store.headPosition()).toBe(3);
      });

      it('refuses an append of which only some ids are stored, and writes nothing', async () => {
        const [a, b] = events(2);
        await store.append('incident-1', [a, b], { expectedVersion: 'no_stream' });
        const fresh = newTestEvent();

        const error = await expectRejection(
          store.append('incident-1', [b, fresh], { expectedVersion: 'any' }),
          DuplicateEventIdError,
        );

        expect(error).toMatchObject({ code: 'DUPLICATE_EVENT_ID', eventId: b.id });
        expect(await store.findEvent(fresh.id)).toBeNull();
        await assertNothingWritten('incident-1', 2, 2);

        // The stored id last: the new event ahead of it must not survive either.
        await expectRejection(store.append('incident-1', [fresh, b], { expectedVersion: 2 }), DuplicateEventIdError);
        expect(await store.findEvent(fresh.id)).toBeNull();
        await assertNothingWritten('incident-1', 2, 2);
      });

      it('refuses stored ids in a different order', async () => {
        const [a, b] = events(2);
        await store.append('incident-1', [a, b], { expectedVersion: 'no_stream' });
        await expectRejection(store.append('incident-1', [b, a], { expectedVersion: 'any' }), DuplicateEventIdError);
        await assertNothingWritten('incident-1', 2, 2);
      });

      it('refuses an id that is stored in another stream', async () => {
        const [a] = events(1);
        await store.append('incident-1', [a], { expectedVersion: 'no_stream' });
        const error = await expectRejection(
          store.append('incident-2', [a], { expectedVersion: 'no_stream' }),
          DuplicateEventIdError,
        );
        expect(error.eventId).toBe(a.id);
        await assertNothingWritten('incident-2', 1, 0);
      });

      it('refuses the same id twice in one append', async () => {
        const a = newTestEvent();
        await expectRejection(store.append('incident-1', [a, { ...a }], { expectedVersion: 'any' }), DuplicateEventIdError);
        await assertNothingWritten('incident-1', 0, 0);
      });
    });

    describe('global log', () => {
      it('assigns dense, monotonic positions across concurrent appends to many streams', async () => {
        const results = await Promise.all(
          Array.from({ length: 60 }, (_, i) => store.append(`incident-${i % 10}`, events(1 + (i % 3)), { expectedVersion: 'any' })),
        );
        const total = results.reduce((sum, _, i) => sum + 1 + (i % 3), 0);

        const all = await readEverything(store, 7);

        expect(all.map((e) => e.position)).toEqual(range(1, total));
        for (const result of results) {
          const last = all[result.lastPosition - 1];
          expect([last.streamId, last.version]).toEqual([result.streamId, result.nextVersion]);
        }
        for (let s = 0; s < 10; s++) {
          const versions = all.filter((e) => e.streamId === `incident-${s}`).map((e) => e.version);
          expect(versions).toEqual(range(1, versions.length));
        }
      });

      it('pages with after/limit and filters by type, each event exactly once in position order', async () => {
        const types = ['Alpha', 'Beta', 'Gamma'];
        for (let i = 0; i < 25; i++) {
          await store.append(`incident-${i % 5}`, [newTestEvent({ type: types[i % 3] })], { expectedVersion: 'any' });
        }

        const pages: StoredEvent[][] = [];
        let after = 0;
        for (;;) {
          const page = await store.readAll({ after, limit: 7 });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(7);
          pages.push(page);
          after = page[page.length - 1].position;
        }
        expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 4]);
        expect(pages.flat().map((e) => e.position)).toEqual(range(1, 25));

        const betas: StoredEvent[] = [];
        after = 0;
        for (;;) {
          const page = await store.readAll({ after, limit: 3, types: ['Beta'] });
          if (page.length === 0) break;
          betas.push(...page);
          after = page[page.length - 1].position;
        }
        expect(betas.map((e) => e.position)).toEqual(range(1, 25).filter((p) => (p - 1) % 3 === 1));
        expect(betas.every((e) => e.type === 'Beta')).toBe(true);

        const alphaGamma = await store.readAll({ after: 10, limit: 100, types: ['Alpha', 'Gamma'] });
        expect(alphaGamma.map((e) => e.position)).toEqual(range(11, 25).filter((p) => (p - 1) % 3 !== 1));
        expect(await store.readAll({ after: 0, limit: 100, types: [] })).toEqual([]);
        expect(await store.readAll({ after: 25, limit: 100 })).toEqual([]);
      });

      it('lets a reader paging the log during 16 concurrent writers see every event exactly once', async () => {
        const writers = 16;
        const appendsPerWriter = 15;
        const acknowledged: string[] = [];
        let writing = true;

        const writing$ = Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            let version = 0;
            for (let i = 0; i < appendsPerWriter; i++) {
              const batch = events(1 + ((w + i) % 3));
              const result = await store.append(`incident-w${w}`, batch, { expectedVersion: version });
              version = result.nextVersion;
              acknowledged.push(...batch.map((e) => e.id));
            }
          }),
        ).finally(() => {
          writing = false;
        });

        const seen: StoredEvent[] = [];
        let cursor = 0;
        for (;;) {
          const stillWriting = writing;
          const page = await store.readAll({ after: cursor, limit: 5 });
          seen.push(...page);
          if (page.length > 0) cursor = page[page.length - 1].position;
          else if (!stillWriting) break;
          else await nextTurn();
        }
        await writing$;

        expect(seen.map((e) => e.position)).toEqual(range(1, seen.length));
        expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
        expect(seen.map((e) => e.id).sort()).toEqual([...acknowledged].sort());
      });
    });

    describe('subscriptions', () => {
      it('catches up, then goes live, delivering every event exactly once in order', async () => {
        await store.append('incident-1', events(30), { expectedVersion: 'no_stream' });
        let appendedWhileCatchingUp = false;

        const collector = collect(store, { after: 0, batchSize: 4 }, async () => {
          if (!appendedWhileCatchingUp) {
            appendedWhileCatchingUp = true;
            await store.append('incident-2', events(10), { expectedVersion: 'no_stream' });
          }
        });
        await collector.until(40);
        await store.append('incident-1', events(5), { expectedVersion: 30 });
        await store.append('incident-3', events(5), { expectedVersion: 'no_stream' });
        const received = await collector.until(50);
        await collector.subscription.close();

        expect(received.map((e) => e.position)).toEqual(range(1, 50));
        expect(received).toEqual(await readEverything(store));
        expect(collector.subscription.position).toBe(50);
        await expect(collector.subscription.done).resolves.toBeUndefined();
      });

      it('resumes after a checkpoint', async () => {
        await store.append('incident-1', events(10), { expectedVersion: 'no_stream' });

        const first = collect(store, { after: 6 });
        await first.until(4);
        await store.append('incident-1', events(2), { expectedVersion: 10 });
        const firstRun = await first.until(6);
        await first.subscription.close();
        expect(firstRun.map((e) => e.position)).toEqual(range(7, 12));
        expect(first.subscription.position).toBe(12);

        await store.append('incident-1', events(1), { expectedVersion: 12 });
        const second = collect(store, { after: first.subscription.position });
        const secondRun = await second.until(1);
        await second.subscription.close();
        expect(secondRun.map((e) => e.position)).toEqual([13]);
      });

      it('delivers only the requested types, catch-up and live', async () => {
        await store.append('incident-1', [newTestEvent({ type: 'Keep' }), newTestEvent({ type: 'Skip' })], {
          expectedVersion: 'no_stream',
        });
        const collector = collect(store, { after: 0, types: ['Keep'], batchSize: 2 });
        await collector.until(1);
        await store.append('incident-1', [newTestEvent({ type: 'Skip' }), newTestEvent({ type: 'Skip' })], { expectedVersion: 2 });
        await store.append('incident-1', [newTestEvent({ type: 'Keep' })], { expectedVersion: 4 });
        const received = await collector.until(2);
        await collector.subscription.close();
        expect(received.map((e) => [e.position, e.type])).toEqual([
          [1, 'Keep'],
          [5, 'Keep'],
        ]);
      });

      it('sees every event exactly once while 16 writers append concurrently', async () => {
        const collector = collect(store, { after: 0, batchSize: 8 });
        await Promise.all(
          Array.from({ length: 16 }, async (_, w) => {
            for (let i = 0; i < 10; i++) await store.append(`incident-w${w}`, events(1), { expectedVersion: i });
          }),
        );
        const received = await collector.until(160);
        await collector.subscription.close();
        expect(received.map((e) => e.position)).toEqual(range(1, 160));
      });

      it('stops on a handler error and rejects done with it', async () => {
        await store.append('incident-1', events(3), { expectedVersion: 'no_stream' });
        const failure = new Error('projection exploded');
        const subscription = store.subscribe({ after: 0 }, () => {
          throw failure;
        });
        await expect(subscription.done).rejects.toBe(failure);
        expect(subscription.position).toBe(0);
        await subscription.close();
      });

      it('close() waits for the handler that is running', async () => {
        await store.append('incident-1', events(1), { expectedVersion: 'no_stream' });
        const entered = deferred();
        const release = deferred();
        let handlerFinished = false;
        const subscription = store.subscribe({ after: 0 }, async () => {
          entered.resolve();
          await release.promise;
          handlerFinished = true;
        });
        await entered.promise;

        let closed = false;
        const closing = subscription.close().then(() => {
          closed = true;
        });
        await nextTurn();
        expect(closed).toBe(false);

        release.resolve();
        await closing;
        expect(handlerFinished).toBe(true);
        await expect(subscription.done).resolves.toBeUndefined();
      });
    });

    describe('hash chain and times', () => {
      it('verifies an empty log', async () => {
        expect(await store.verify()).toEqual({ ok: true, checked: 0, firstBrokenPosition: null });
      });

      it('links every event to its predecessor from the genesis hash on', async () => {
        await store.append('incident-1', events(3), { expectedVersion: 'no_stream' });
        await store.append('incident-2', events(2), { expectedVersion: 'no_stream' });
        await store.append('incident-1', events(2), { expectedVersion: 3 });

        const all = await readEverything(store);

        expect(all[0].prevHash).toBe(GENESIS_HASH);
        for (let i = 1; i < all.length; i++) expect(all[i].prevHash).toBe(all[i - 1].hash);
        for (const event of all) expect(chainHash(event.prevHash, event)).toBe(event.hash);
        expect(verifyChain(all, GENESIS_HASH)).toMatchObject({ ok: true, checked: 7, firstBrokenPosition: null });
        expect(await store.verify()).toEqual({ ok: true, checked: 7, firstBrokenPosition: null });
        expect(await store.verify({ from: 3, to: 5 })).toEqual({ ok: true, checked: 3, firstBrokenPosition: null });
      });

      it('keeps business time and records log time, non-decreasing in position order', async () => {
        const past = '2020-02-29T12:00:00.000Z';
        await store.append('incident-1', [newTestEvent({ metadata: { actor: 'bob', occurredAt: past } })], {
          expectedVersion: 'no_stream',
        });
        for (let i = 0; i < 5; i++) await store.append(`incident-${i}`, events(2), { expectedVersion: 'any' });

        const all = await readEverything(store);

        expect(all[0].occurredAt).toBe(past);
        expect(all[0].metadata.occurredAt).toBe(past);
        expect(all[0].recordedAt > past).toBe(true);
        for (let i = 1; i < all.length; i++) expect(all[i].recordedAt >= all[i - 1].recordedAt).toBe(true);
      });

      it('stores data exactly as JSON', async () => {
        const data: JsonObject = { z: 1, a: [{ y: 'é', b: null }], big: 1e21, small: 1e-7, neg: -0.5, text: 'line\nbreak "quoted"' };
        const event = newTestEvent({ data });
        await store.append('incident-1', [event], { expectedVersion: 'no_stream' });
        expect((await store.findEvent(event.id))?.data).toEqual(data);
        expect((await store.verify()).ok).toBe(true);
      });
    });
  });
}
