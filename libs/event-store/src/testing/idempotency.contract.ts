import { DuplicateEventIdError, type EventStore } from '../index';
import { assertNothingWritten, events, expectRejection, newTestEvent } from './event-store-contract.fixtures';

/** Repeated appends: the first answer again, or a refusal when they only partly repeat. */
export function describeIdempotencyContract(currentStore: () => EventStore): void {
  let store: EventStore;

  beforeEach(() => {
    store = currentStore();
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
      await assertNothingWritten(store, 'incident-1', 2, 2);

      // The stored id last: the new event ahead of it must not survive either.
      await expectRejection(store.append('incident-1', [fresh, b], { expectedVersion: 2 }), DuplicateEventIdError);
      expect(await store.findEvent(fresh.id)).toBeNull();
      await assertNothingWritten(store, 'incident-1', 2, 2);
    });

    it('refuses stored ids in a different order', async () => {
      const [a, b] = events(2);
      await store.append('incident-1', [a, b], { expectedVersion: 'no_stream' });
      await expectRejection(store.append('incident-1', [b, a], { expectedVersion: 'any' }), DuplicateEventIdError);
      await assertNothingWritten(store, 'incident-1', 2, 2);
    });

    it('refuses an id that is stored in another stream', async () => {
      const [a] = events(1);
      await store.append('incident-1', [a], { expectedVersion: 'no_stream' });
      const error = await expectRejection(
        store.append('incident-2', [a], { expectedVersion: 'no_stream' }),
        DuplicateEventIdError,
      );
      expect(error.eventId).toBe(a.id);
      await assertNothingWritten(store, 'incident-2', 1, 0);
    });

    it('refuses the same id twice in one append', async () => {
      const a = newTestEvent();
      await expectRejection(store.append('incident-1', [a, { ...a }], { expectedVersion: 'any' }), DuplicateEventIdError);
      await assertNothingWritten(store, 'incident-1', 0, 0);
    });
  });
}
