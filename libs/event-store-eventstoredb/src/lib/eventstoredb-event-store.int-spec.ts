import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { EventStoreDBClient, FORWARDS, START } from '@eventstore/db-client';
import { describeEventStoreContract, newTestEvent } from '@causeway/event-store/testing';
import { StoreUnavailableError, type EventStore, type StoredEvent } from '@causeway/event-store';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

/*
 * Runs against a real EventStoreDB / KurrentDB when EVENTSTOREDB_URL is set (docs/eventstoredb.md).
 * No server can run on the build machines and a fake one would prove nothing about the adapter, so
 * without it only the client's failure path is exercised, against a real closed port.
 */
const url = process.env['EVENTSTOREDB_URL'];

/** Every store gets its own prefix, so each test starts from an empty log on a shared server. */
const runId = `causeway-it-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
let stores = 0;
const nextPrefix = (): string => `${runId}-${++stores}/`;

async function readEverything(store: EventStore): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after: all.length > 0 ? all[all.length - 1].position : 0, limit: 100 });
    if (page.length === 0) return all;
    all.push(...page);
  }
}

/** A TCP port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port was assigned');
  return address.port;
}

if (url) {
  describeEventStoreContract('eventstoredb', async () => {
    const store = await EventStoreDbEventStore.connect({ url, streamPrefix: nextPrefix() });
    return { store, cleanup: () => store.close() };
  });

  describe('EventStoreDbEventStore (live server)', () => {
    const open: EventStoreDbEventStore[] = [];
    const connect = async (streamPrefix: string): Promise<EventStoreDbEventStore> => {
      const store = await EventStoreDbEventStore.connect({ url, streamPrefix, pollIntervalMs: 50 });
      open.push(store);
      return store;
    };

    afterEach(async () => {
      await Promise.all(open.splice(0).map((store) => store.close()));
    });

    it('lets two processes on one log seal concurrently into one dense, verifiable chain', async () => {
      const prefix = nextPrefix();
      const [a, b] = [await connect(prefix), await connect(prefix)];

      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).append(`incident-${i % 5}`, [newTestEvent()], { expectedVersion: 'any' })),
      );

      const seenByA = await readEverything(a);
      expect(seenByA.map((e) => e.position)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(await readEverything(b)).toEqual(seenByA);
      for (const result of results) expect(seenByA[result.lastPosition - 1]).toMatchObject({ streamId: result.streamId, version: result.nextVersion });
      expect(await b.verify()).toEqual({ ok: true, checked: 40, firstBrokenPosition: null });
    });

    it('keeps caller events as plain JSON events in naturally named ESDB streams', async () => {
      const prefix = nextPrefix();
      const store = await connect(prefix);
      const event = newTestEvent({ type: 'IncidentDeclared', data: { title: 'Checkout latency' } });
      await store.append('incident-1', [event], { expectedVersion: 'no_stream' });

      const raw = EventStoreDBClient.connectionString(url);
      try {
        const [first] = await collect(raw.readStream(`${prefix}incident-1`, { direction: FORWARDS, fromRevision: START }));
        expect(first.event).toMatchObject({ type: 'IncidentDeclared', isJson: true, data: { title: 'Checkout latency' }, revision: 0n });
        expect(first.event?.metadata).toMatchObject({ causeway: { id: event.id, metadata: event.metadata } });
      } finally {
        await raw.dispose();
      }
    });

    it('reports an event whose stream was deleted at its position', async () => {
      const prefix = nextPrefix();
      const store = await connect(prefix);
      await store.append('incident-1', [newTestEvent(), newTestEvent(), newTestEvent()], { expectedVersion: 'no_stream' });
      await store.append('incident-2', [newTestEvent(), newTestEvent()], { expectedVersion: 'no_stream' });
      await store.append('incident-1', [newTestEvent()], { expectedVersion: 3 });
      expect(await store.verify()).toEqual({ ok: true, checked: 6, firstBrokenPosition: null });

      const raw = EventStoreDBClient.connectionString(url);
      try {
        await raw.tombstoneStream(`${prefix}incident-2`);
      } finally {
        await raw.dispose();
      }

      expect(await store.verify()).toMatchObject({ ok: false, firstBrokenPosition: 4 });
      expect(await store.verify({ from: 1, to: 3 })).toEqual({ ok: true, checked: 3, firstBrokenPosition: null });
    });
  });
} else {
  console.warn('EventStoreDB suite skipped: EVENTSTOREDB_URL is not set; no EventStoreDB server can run on the build machines');

  describe('EventStoreDbEventStore without a server', () => {
    it('loads, and reports an unreachable server as StoreUnavailableError within seconds', async () => {
      expect(typeof EventStoreDbEventStore.connect).toBe('function');
      const port = await closedPort();
      const started = Date.now();
      const store = await EventStoreDbEventStore.connect({ url: `esdb://127.0.0.1:${port}?tls=false`, streamPrefix: nextPrefix() });
      try {
        expect(store.backend).toBe('eventstoredb');
        await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
        // An append fails before anything could be written: the genesis read is its first call.
        await expect(store.append('incident-1', [newTestEvent()], { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(
          StoreUnavailableError,
        );
        await expect(store.readAll({ after: 0, limit: 10 })).rejects.toBeInstanceOf(StoreUnavailableError);
        // A subscription starts the sealer too; both must fail fast and let close() finish.
        const subscription = store.subscribe({ after: 0 }, () => undefined);
        await expect(subscription.done).rejects.toBeInstanceOf(StoreUnavailableError);
        expect(store.sealerStatus()).toMatchObject({ sealedPosition: 0, pending: 0 });
        expect(Date.now() - started).toBeLessThan(5000);
      } finally {
        await store.close();
      }
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await store.ping()).toBe(false);
    });
  });
}

async function collect<T>(read: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of read) out.push(item);
  return out;
}
