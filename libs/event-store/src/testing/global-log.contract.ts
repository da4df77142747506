import type { EventStore, StoredEvent } from '../index';
import { events, newTestEvent, nextTurn, range, readEverything } from './event-store-contract.fixtures';

/** The global log: dense positions, paging and type filters, under concurrent writers. */
export function describeGlobalLogContract(currentStore: () => EventStore): void {
  let store: EventStore;

  beforeEach(() => {
    store = currentStore();
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
}
