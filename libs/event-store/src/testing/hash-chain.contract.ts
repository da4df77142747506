import { GENESIS_HASH, chainHash, verifyChain, type EventStore, type JsonObject } from '../index';
import { events, newTestEvent, readEverything } from './event-store-contract.fixtures';

/** The hash chain, verify(), business and log times, and JSON fidelity. */
export function describeHashChainContract(currentStore: () => EventStore): void {
  let store: EventStore;

  beforeEach(() => {
    store = currentStore();
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
}
