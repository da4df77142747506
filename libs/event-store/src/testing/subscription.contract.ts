import type { EventStore } from '../index';
import { collect, deferred, events, newTestEvent, nextTurn, range, readEverything } from './event-store-contract.fixtures';

/** Catch-up-then-live subscriptions: every event once, in order, and a clean stop. */
export function describeSubscriptionContract(currentStore: () => EventStore): void {
  let store: EventStore;

  beforeEach(() => {
    store = currentStore();
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
}
