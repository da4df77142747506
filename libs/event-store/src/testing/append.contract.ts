import { WrongExpectedVersionError, type AppendResult, type EventStore, type ExpectedVersion } from '../index';
import { v7 as uuidv7 } from 'uuid';
import { assertNothingWritten, events, expectRejection, newTestEvent } from './event-store-contract.fixtures';

/** Appends, reads and the expected-version check. */
export function describeAppendContract(currentStore: () => EventStore): void {
  let store: EventStore;

  beforeEach(() => {
    store = currentStore();
  });

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
      await assertNothingWritten(store, 'incident-1', 0, 0);
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
        await assertNothingWritten(store, 'incident-1', head, existing);
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
}
