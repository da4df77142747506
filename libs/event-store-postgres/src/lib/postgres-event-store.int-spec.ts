import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import {
  StoreUnavailableError,
  WrongExpectedVersionError,
  canonicalJson,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type StoredEvent,
} from '@causeway/event-store';
import { describeEventStoreContract, newTestEvent } from '@causeway/event-store/testing';
import { eventually, startPostgres, type PostgresHarness } from '@causeway/testing';
import { PostgresEventStore } from './postgres-event-store';
import type { PostgresEventStoreOptions } from './postgres-event-store.options';
import { POSTGRES_EVENT_STORE_MIGRATIONS } from './postgres-event-store.migrations';

let server: PostgresHarness;

beforeAll(async () => {
  const started = performance.now();
  server = await startPostgres();
  process.stderr.write(`postgres harness ready in ${Math.round(performance.now() - started)} ms (${server.embedded ? 'embedded' : 'DATABASE_URL'})\n`);
});

afterAll(async () => {
  await server?.stop();
});

describeEventStoreContract('postgres', async () => {
  const database = await server.createDatabase();
  const store = await PostgresEventStore.open({ connectionString: database.url });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await database.drop();
    },
  };
});

const event = (data: Record<string, number | string> = {}): NewEvent =>
  newTestEvent({ data, metadata: { actor: 'postgres-spec', occurredAt: '2026-03-04T05:06:07.000Z' } });
const events = (count: number): NewEvent[] => Array.from({ length: count }, (_, i) => event({ i }));
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);


async function readEverything(store: EventStore): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after: all.length > 0 ? all[all.length - 1].position : 0, limit: 500 });
    if (page.length === 0) return all;
    all.push(...page);
  }
}

/** Calls the store's append function inside a transaction the caller controls, as a writer in another process does. */
async function appendInTransaction(client: Client, streamId: string, batch: readonly NewEvent[]): Promise<void> {
  const column = (pick: (e: NewEvent) => string): string => JSON.stringify(batch.map(pick));
  const { rows } = await client.query<{ outcome: string }>(
    'SELECT outcome FROM causeway_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
    [
      [streamId],
      [-1],
      [batch.length],
      column((e) => e.id),
      column((e) => e.type),
      column((e) => canonicalJson(e.data)),
      column((e) => canonicalJson(e.metadata)),
      column((e) => e.metadata.occurredAt),
      column((e) => e.metadata.actor),
      new Date().toISOString(),
      true,
    ],
  );
  expect(rows).toEqual([{ outcome: 'ok' }]);
}

describe('PostgresEventStore', () => {
  const stores: PostgresEventStore[] = [];
  const clients: Client[] = [];
  const databases: { drop(): Promise<void> }[] = [];

  async function database(): Promise<string> {
    const created = await server.createDatabase();
    databases.push(created);
    return created.url;
  }

  async function openStore(url: string, options: Partial<PostgresEventStoreOptions> = {}): Promise<PostgresEventStore> {
    const store = await PostgresEventStore.open({ connectionString: url, ...options });
    stores.push(store);
    return store;
  }

  async function sql(url: string): Promise<Client> {
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  }

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)));
    for (const created of databases.splice(0)) await created.drop();
  });

  describe('global order without skips', () => {
    it('holds back events committed behind an open transaction; a bigserial reader skips the late one', async () => {
      const url = await database();
      const store = await openStore(url);
      const delivered: StoredEvent[] = [];
      let allDelivered!: () => void;
      const sixDelivered = new Promise<void>((resolve) => (allDelivered = resolve));
      const subscription = store.subscribe({ after: 0 }, (batch) => {
        delivered.push(...batch);
        if (delivered.length >= 6) allDelivered();
      });

      // A writer takes its transaction id and a low seq first, then stays open...
      const slow = await sql(url);
      await slow.query('BEGIN');
      const early = event({ writer: 'slow' });
      await appendInTransaction(slow, 'incident-slow', [early]);

      // ...while later writers commit (their appends cannot be acknowledged yet).
      const later = Array.from({ length: 5 }, (_, i) => event({ writer: i }));
      const acknowledged = later.map((e, i) => store.append(`incident-fast-${i}`, [e], { expectedVersion: 'no_stream' }));

      // The counter-example: page by the bigserial, remembering the highest value seen.
      const naive = await sql(url);
      let lastSeenSeq = 0;
      const naiveSeen: string[] = [];
      const naivePage = async (): Promise<number> => {
        const { rows } = await naive.query<{ seq: string; id: string }>('SELECT seq::text, id FROM events WHERE seq > $1 ORDER BY seq', [lastSeenSeq]);
        for (const row of rows) {
          naiveSeen.push(row.id);
          lastSeenSeq = Math.max(lastSeenSeq, Number(row.seq));
        }
        return rows.length;
      };
      await eventually('the five later writers to commit', async () => {
        await naivePage();
        return naiveSeen.length === 5 ? true : undefined;
      });

      expect(naiveSeen.sort()).toEqual(later.map((e) => e.id).sort());
      expect(await store.headPosition()).toBe(0);
      expect(await store.readAll({ after: 0, limit: 100 })).toEqual([]);
      expect(await store.streamVersion('incident-fast-0')).toBe(0);

      await slow.query('COMMIT');
      const results = await Promise.all(acknowledged);

      // The naive reader's checkpoint is already past the late event's seq: it never sees it.
      expect(await naivePage()).toBe(0);
      expect(naiveSeen).not.toContain(early.id);

      const all = await readEverything(store);
      expect(all.map((e) => e.position)).toEqual(range(1, 6));
      expect(all[0].id).toBe(early.id);
      expect(all.slice(1).map((e) => e.id).sort()).toEqual(later.map((e) => e.id).sort());
      expect(results.map((r) => r.lastPosition).sort()).toEqual(range(2, 6));

      await sixDelivered;
      await subscription.close();
      expect(delivered.map((e) => e.id)).toEqual(all.map((e) => e.id));
      expect(await store.verify()).toEqual({ ok: true, checked: 6, firstBrokenPosition: null });
    });

    it('acknowledges an append held back only by an unrelated transaction as soon as that one ends, not at the next poll', async () => {
      const url = await database();
      // A poll an hour long: only the held-back re-read can finish this append in time.
      const store = await openStore(url, { pollIntervalMs: 3_600_000 });
      // Any transaction with an id holds back what commits after it (a projector batch, say).
      const other = await sql(url);
      await other.query('BEGIN');
      await other.query('SELECT pg_current_xact_id()');
      const appended = store.append('incident-held', [event({ writer: 'held' })], { expectedVersion: 'no_stream' });
      const watcher = await sql(url);
      await eventually('the append to commit', async () => {
        const { rows } = await watcher.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
        return rows[0].n === 1 ? true : undefined;
      });
      expect(await store.headPosition()).toBe(0);
      await other.query('COMMIT');
      expect((await appended).lastPosition).toBe(1);
    });

    it('gives a reader paging during 16 writers on separate connections every event exactly once, densely', async () => {
      const url = await database();
      // Group commit off: every append is its own transaction on its own pooled connection.
      const store = await openStore(url, { maxConnections: 20, appendLanes: 16, maxGroupSize: 1 });
      const reader = await openStore(url, { sequencer: false });
      const acknowledged: { ids: string[]; lastPosition: number }[] = [];
      let writing = true;

      const writers = Promise.all(
        Array.from({ length: 16 }, async (_, w) => {
          let version = 0;
          for (let i = 0; i < 25; i++) {
            const batch = events(1 + ((w + i) % 3));
            const result = await store.append(`incident-w${w}`, batch, { expectedVersion: version });
            version = result.nextVersion;
            acknowledged.push({ ids: batch.map((e) => e.id), lastPosition: result.lastPosition });
          }
        }),
      ).finally(() => {
        writing = false;
      });

      const seen: StoredEvent[] = [];
      let pages = 0;
      for (;;) {
        const stillWriting = writing;
        const page = await reader.readAll({ after: seen.length > 0 ? seen[seen.length - 1].position : 0, limit: 7 });
        pages++;
        seen.push(...page);
        if (page.length === 0 && !stillWriting) break;
      }
      await writers;

      const total = acknowledged.reduce((sum, a) => sum + a.ids.length, 0);
      expect(pages).toBeGreaterThan(10);
      expect(seen.map((e) => e.position)).toEqual(range(1, total));
      expect(new Set(seen.map((e) => e.id)).size).toBe(total);
      for (const append of acknowledged) {
        expect(seen[append.lastPosition - 1].id).toBe(append.ids[append.ids.length - 1]);
      }
      for (let w = 0; w < 16; w++) {
        const versions = seen.filter((e) => e.streamId === `incident-w${w}`).map((e) => e.version);
        expect(versions).toEqual(range(1, versions.length));
      }
      expect(await reader.verify()).toEqual({ ok: true, checked: total, firstBrokenPosition: null });
    });
  });

  describe('conflicts under real concurrency', () => {
    it('answers each append of a mixed group (refused ones first) with its own outcome', async () => {
      const store = await openStore(await database(), { appendLanes: 1 });
      await store.append('stream-x', events(1), { expectedVersion: 'no_stream' });
      for (let round = 0; round < 5; round++) {
        // Issued together, they share one group transaction: refused appends before accepted ones.
        const outcomes = await Promise.allSettled([
          store.append('stream-x', events(1), { expectedVersion: 99 }),
          store.append('stream-x', events(1), { expectedVersion: 98 }),
          store.append(`stream-ok-${round}`, events(2), { expectedVersion: 'no_stream' }),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
        expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
        const accepted = (outcomes[2] as PromiseFulfilledResult<AppendResult>).value;
        expect(accepted).toMatchObject({ nextVersion: 2, duplicate: false });
        expect(accepted.lastPosition).toBe(await store.headPosition());
      }
    });

    it('lets exactly one of 20 connections (two store instances) append version n+1', async () => {
      const url = await database();
      const a = await openStore(url, { maxConnections: 12, appendLanes: 10, maxGroupSize: 1 });
      const b = await openStore(url, { maxConnections: 12, appendLanes: 10, maxGroupSize: 1 });
      await a.append('incident-1', events(3), { expectedVersion: 'no_stream' });

      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).append('incident-1', events(2), { expectedVersion: 3 })),
      );

      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(19);
      for (const loss of lost) {
        expect(loss.reason).toBeInstanceOf(WrongExpectedVersionError);
        expect((loss.reason as WrongExpectedVersionError).actual).toBe(5);
      }
      expect((await b.readStream('incident-1')).map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
      expect(await a.headPosition()).toBe(5);
    });
  });

  describe('tamper evidence', () => {
    async function seeded(url: string): Promise<{ store: PostgresEventStore; all: StoredEvent[] }> {
      const store = await openStore(url);
      for (let i = 1; i <= 10; i++) await store.append(`incident-${i % 3}`, [event({ n: i })], { expectedVersion: 'any' });
      return { store, all: await readEverything(store) };
    }

    it('reports an event whose data was edited in place at its position', async () => {
      const url = await database();
      const { store, all } = await seeded(url);
      const admin = await sql(url);
      const edited = await admin.query(`UPDATE events SET data = '{"n":999}' WHERE id = $1`, [all[4].id]);
      expect(edited.rowCount).toBe(1);

      expect(await store.verify()).toEqual({ ok: false, checked: 5, firstBrokenPosition: 5 });
      expect(await store.verify({ from: 6 })).toEqual({ ok: true, checked: 5, firstBrokenPosition: null });
    });

    it('reports a rewritten hash and a deleted log row', async () => {
      const url = await database();
      const { store } = await seeded(url);
      const admin = await sql(url);
      await admin.query(`UPDATE event_log SET hash = repeat('a', 64) WHERE position = 3`);
      expect((await store.verify()).firstBrokenPosition).toBe(3);

      await admin.query('DELETE FROM event_log WHERE position <= 3');
      await admin.query('DELETE FROM event_log WHERE position = 8');
      expect(await store.verify({ from: 4 })).toMatchObject({ ok: false, firstBrokenPosition: 8 });
    });
  });

  describe('database lost mid-run', () => {
    it('fails fast with StoreUnavailableError while the server is down and recovers without reopening', async () => {
      // Never stop a shared server: this test brings its own when DATABASE_URL is set.
      const own = server.embedded ? null : await startPostgres({ embedded: true });
      const cluster = own ?? server;
      try {
        const created = await cluster.createDatabase();
        if (!own) databases.push(created);
        const store = await openStore(created.url, { connectionTimeoutMs: 2000 });
        await store.append('incident-1', events(2), { expectedVersion: 'no_stream' });

        await cluster.stopServer();
        const started = performance.now();
        await expect(store.append('incident-1', events(1), { expectedVersion: 2 })).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.readAll({ after: 0, limit: 10 })).rejects.toBeInstanceOf(StoreUnavailableError);
        expect(await store.ping()).toBe(false);
        expect(performance.now() - started).toBeLessThan(5000);

        await cluster.startServer();
        expect(await store.append('incident-1', events(1), { expectedVersion: 2 })).toMatchObject({ nextVersion: 3, lastPosition: 3 });
        expect(await store.ping()).toBe(true);
        expect((await readEverything(store)).map((e) => e.position)).toEqual([1, 2, 3]);
        expect(await store.verify()).toEqual({ ok: true, checked: 3, firstBrokenPosition: null });
      } finally {
        await Promise.all(stores.splice(0).map((store) => store.close()));
        await own?.stop();
      }
    });
  });

  describe('several processes on one database', () => {
    it('elects one sequencer, shows both the same dense order, and hands over when it closes', async () => {
      const url = await database();
      const first = await openStore(url, { electionIntervalMs: 200 });
      await eventually('the first store to become sequencer', () => (first.sequencing ? true : undefined));
      const second = await openStore(url, { electionIntervalMs: 200 });

      await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? first : second).append(`incident-${i % 5}`, events(1 + (i % 2)), { expectedVersion: 'any' })),
      );
      expect(first.sequencing).toBe(true);
      expect(second.sequencing).toBe(false);
      const seenByFirst = await readEverything(first);
      expect(seenByFirst.map((e) => e.position)).toEqual(range(1, 60));
      expect(await readEverything(second)).toEqual(seenByFirst);

      await first.close();
      const closedAt = performance.now();
      await eventually('the second store to take over', () => (second.sequencing ? true : undefined), 5000);
      const takeoverMs = performance.now() - closedAt;
      process.stderr.write(`sequencer takeover after close: ${Math.round(takeoverMs)} ms\n`);

      expect(await second.append('incident-9', events(2), { expectedVersion: 'no_stream' })).toMatchObject({ lastPosition: 62 });
      expect((await readEverything(second)).map((e) => e.position)).toEqual(range(1, 62));
      expect(await second.verify()).toEqual({ ok: true, checked: 62, firstBrokenPosition: null });
    });

    it('migrates once when two processes start on an empty database together', async () => {
      const url = await database();
      const [a, b] = await Promise.all([openStore(url), openStore(url)]);
      await a.append('incident-1', events(1), { expectedVersion: 'no_stream' });
      expect(await b.readStream('incident-1')).toHaveLength(1);
      const admin = await sql(url);
      const { rows } = await admin.query<{ version: number }>("SELECT version FROM schema_migrations WHERE component = 'event-store'");
      expect(rows.map((r) => r.version)).toEqual(POSTGRES_EVENT_STORE_MIGRATIONS.map((m) => m.version));
    });

    it('refuses a database migrated by a newer build', async () => {
      const url = await database();
      await (await openStore(url)).close();
      const admin = await sql(url);
      await admin.query("INSERT INTO schema_migrations (component, version, name) VALUES ('event-store', 999, 'from the future')");
      await expect(PostgresEventStore.open({ connectionString: url })).rejects.toThrow(/newer than this build/);
    });
  });
});
