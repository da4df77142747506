import type { IdempotencyRecord } from '@causeway/application';
import { seededRandom, startPostgres, type PostgresHarness } from '@causeway/testing';
import { SEVERITIES } from '@causeway/domain';
import type { IncidentSummary } from '../projections/incident-summary/incident-summary.projection';
import type { Projector } from '../projector';
import { READ_MODEL_BACKENDS, ReadModelFixture } from '../testing/read-model.fixture';
import { ApiKeyQueries } from '../projections/api-keys/api-key.queries';
import { encodeCursor, InvalidCursorError } from './cursor';
import { IncidentQueries, type ListIncidentsFilter } from '../projections/incident-summary/incident.queries';
import { TimelineQueries } from '../projections/timeline/timeline.queries';
import { TypeormIdempotencyStore } from './typeorm-idempotency.store';

let server: PostgresHarness;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

describe.each(READ_MODEL_BACKENDS)('read-model queries (%s)', (backend) => {
  let fx: ReadModelFixture;
  let projector: Projector;

  beforeEach(async () => {
    fx = await ReadModelFixture.open(backend, server);
    projector = fx.projector();
  });

  afterEach(async () => {
    await fx.close();
  });

  describe('IncidentQueries.list', () => {
    const services = ['checkout', 'search', 'auth'] as const;
    const teams = ['payments', 'core'] as const;
    let all: IncidentSummary[];
    let queries: IncidentQueries;

    beforeEach(async () => {
      const random = seededRandom(42);
      for (let i = 0; i < 230; i++) {
        // Every third declaration shares its second with the previous one: the id breaks the tie.
        if (i % 3 !== 0) fx.clock.advance(1000);
        await fx.commands.declare(
          {
            title: i % 10 === 0 ? `Ünïcode DB Outage ${i}` : i % 10 === 5 ? `Incident ${i} 50 xoff` : `Incident ${i} 50%_off`,
            severity: SEVERITIES[i % 4],
            service: services[i % 3],
            team: teams[i % 2],
            vendorSite: i % 5 === 0 ? 'eu-west' : undefined,
            summary: i % 7 === 0 ? 'Replica LAG in Frankfurt' : undefined,
          },
          { actor: 'alice' },
        );
        if (random() < 0.2) fx.clock.advance(-500);
      }
      await projector.catchUp();
      queries = new IncidentQueries(fx.dataSource);
      all = await collect(queries, { limit: 200 });
    });

    async function collect(source: IncidentQueries, filter: ListIncidentsFilter): Promise<IncidentSummary[]> {
      const items: IncidentSummary[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 1000; pages++) {
        const page = await source.list({ ...filter, cursor });
        items.push(...page.items);
        if (page.nextCursor === null) return items;
        expect(page.items).toHaveLength(filter.limit ?? 50);
        cursor = page.nextCursor;
      }
      throw new Error('pagination did not end');
    }

    const newestFirst = (a: IncidentSummary, b: IncidentSummary) =>
      a.declaredAt === b.declaredAt ? (a.id < b.id ? 1 : -1) : a.declaredAt < b.declaredAt ? 1 : -1;

    it('pages newest first over more than 200 rows with no duplicates or gaps', async () => {
      expect(all).toHaveLength(230);
      expect(new Set(all.map((incident) => incident.id)).size).toBe(230);
      expect(all).toEqual([...all].sort(newestFirst));
      expect(all.filter((incident, i) => i > 0 && incident.declaredAt === all[i - 1].declaredAt).length).toBeGreaterThan(50);
      for (const limit of [1, 7, 50]) {
        expect((await collect(queries, { limit })).map((incident) => incident.id)).toEqual(all.map((incident) => incident.id));
      }
    });

    it('defaults to 50 per page and caps at 200', async () => {
      const first = await queries.list();
      expect(first.items).toHaveLength(50);
      expect(first.nextCursor).not.toBeNull();
      expect((await queries.list({ limit: 1000 })).items).toHaveLength(200);
    });

    it.each<[string, ListIncidentsFilter, (incident: IncidentSummary) => boolean]>([
      ['status', { status: 'declared' }, (incident) => incident.status === 'declared'],
      ['severity', { severity: 'SEV1' }, (incident) => incident.severity === 'SEV1'],
      ['service', { service: 'search' }, (incident) => incident.service === 'search'],
      ['team', { team: 'core' }, (incident) => incident.team === 'core'],
      ['vendorSite', { vendorSite: 'eu-west' }, (incident) => incident.vendorSite === 'eu-west'],
      ['several filters', { service: 'auth', severity: 'SEV2', team: 'core' }, (incident) => incident.service === 'auth' && incident.severity === 'SEV2' && incident.team === 'core'],
      ['q in the title, any case', { q: 'ünïcode db' }, (incident) => incident.title.startsWith('Ünïcode')],
      ['q in the summary', { q: 'replica lag' }, (incident) => incident.summary === 'Replica LAG in Frankfurt'],
      ['q with LIKE wildcards taken literally', { q: '50%_OFF' }, (incident) => incident.title.endsWith('50%_off')],
      ['q and a filter', { q: 'outage', service: 'checkout' }, (incident) => incident.title.includes('Outage') && incident.service === 'checkout'],
    ])('filters by %s across pages', async (_name, filter, matches) => {
      const expected = all.filter(matches);
      expect(expected.length).toBeGreaterThan(0);
      expect(await collect(queries, { ...filter, limit: 9 })).toEqual(expected);
    });

    it('finds nothing for a term in neither title nor summary', async () => {
      expect(await queries.list({ q: 'frankfurt outage' })).toEqual({ items: [], nextCursor: null });
    });

    it('refuses cursors it did not issue', async () => {
      const timelineCursor = encodeCursor('timeline', ['x', '2026-01-01T00:00:00.000Z', 1]);
      for (const cursor of ['garbage!', 'e30', Buffer.from('[1]').toString('base64url'), timelineCursor, encodeCursor('incidents', [1, 2])]) {
        await expect(queries.list({ cursor })).rejects.toBeInstanceOf(InvalidCursorError);
      }
      const error = await queries.list({ cursor: 'bad' }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ field: 'cursor', code: 'VALIDATION_FAILED' });
    });

    it('gets one incident by id, or null', async () => {
      expect(await queries.get(all[3].id)).toEqual(all[3]);
      expect(await queries.get('00000000-0000-7000-8000-000000000000')).toBeNull();
    });
  });

  describe('TimelineQueries.list', () => {
    it('orders by business time, so a back-dated note sits before the declaration, and pages by cursor', async () => {
      const { incidentId: id } = await fx.commands.declare({ title: 'DB down', severity: 'SEV1', service: 'db' }, { actor: 'alice' });
      fx.clock.advance(120_000);
      await fx.commands.execute(id, { type: 'AddIncidentNote', data: { text: 'now' } }, { actor: 'bob' });
      fx.clock.advance(60_000);
      // Recorded last, happened first (and given with an offset: stored in UTC).
      await fx.commands.execute(id, { type: 'AddIncidentNote', data: { text: 'alerts fired', occurredAt: '2026-11-21T10:55:00+01:00' } }, { actor: 'bob' });
      await fx.commands.execute(id, { type: 'AddIncidentNote', data: { text: 'same minute as the declaration', occurredAt: '2026-11-21T10:00:00Z' } }, { actor: 'bob' });
      const { incidentId: other } = await fx.commands.declare({ title: 'Other', severity: 'SEV4', service: 'web' }, { actor: 'alice' });
      await projector.catchUp();

      const timeline = new TimelineQueries(fx.dataSource);
      const page = await timeline.list(id);
      expect(page.nextCursor).toBeNull();
      expect(page.items.map((entry) => [entry.occurredAt, entry.position, entry.summary])).toEqual([
        ['2026-11-21T09:55:00.000Z', 3, 'Note by bob: alerts fired'],
        ['2026-11-21T10:00:00.000Z', 1, 'Incident declared (SEV1) on db by alice: DB down'],
        ['2026-11-21T10:00:00.000Z', 4, 'Note by bob: same minute as the declaration'],
        ['2026-11-21T10:02:00.000Z', 2, 'Note by bob: now'],
      ]);
      expect(page.items[0]).toMatchObject({ incidentId: id, recordedAt: expect.any(String), actor: 'bob', type: 'IncidentNoteAdded' });

      const oneByOne: number[] = [];
      let cursor: string | null = null;
      do {
        const next = await timeline.list(id, { limit: 1, cursor });
        oneByOne.push(...next.items.map((entry) => entry.position));
        cursor = next.nextCursor;
      } while (cursor !== null);
      expect(oneByOne).toEqual([3, 1, 4, 2]);

      // Log order after a position: what an SSE client resuming from Last-Event-ID needs.
      const resumed = await timeline.list(id, { order: 'position', afterPosition: 1, limit: 2 });
      expect(resumed.items.map((entry) => entry.position)).toEqual([2, 3]);
      const rest = await timeline.list(id, { order: 'position', afterPosition: 1, limit: 2, cursor: resumed.nextCursor });
      expect(rest.items.map((entry) => entry.position)).toEqual([4]);

      await expect(timeline.list(other, { limit: 1, cursor: resumed.nextCursor })).rejects.toBeInstanceOf(InvalidCursorError);
      const byTime = (await timeline.list(id, { limit: 1 })).nextCursor;
      await expect(timeline.list(other, { cursor: byTime })).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(timeline.list(id, { cursor: byTime, order: 'position' })).rejects.toBeInstanceOf(InvalidCursorError);
      expect((await timeline.list('00000000-0000-7000-8000-000000000000')).items).toEqual([]);
    });
  });

  describe('ApiKeyQueries', () => {
    it('finds keys by hash, lists and counts them, and sees revocations', async () => {
      const ci = await fx.apiKeyCommands.create({ name: 'ci', role: 'responder' }, { actor: 'root' });
      fx.clock.advance(1000);
      const ops = await fx.apiKeyCommands.create({ name: 'ops', role: 'admin' }, { actor: 'root' });
      await fx.apiKeyCommands.revoke(ci.id, { actor: 'root' });
      await projector.catchUp();

      const keys = new ApiKeyQueries(fx.dataSource);
      const listed = await keys.list();
      expect(listed.map((key) => key.name)).toEqual(['ci', 'ops']);
      const ciRow = listed[0];
      expect(ciRow.revokedAt).toBe('2026-11-21T10:00:01.000Z');
      expect(ciRow.keyHash).toMatch(/^[0-9a-f]{64}$/);
      expect(ciRow.keyPrefix).toBe(ci.key.slice(0, 10));
      expect(JSON.stringify(listed)).not.toContain(ci.key);

      expect(await keys.findByHash(ciRow.keyHash)).toEqual(ciRow);
      expect(await keys.findActiveByHash(ciRow.keyHash)).toBeNull();
      expect(await keys.findActiveByHash(listed[1].keyHash)).toMatchObject({ id: ops.id, role: 'admin' });
      expect(await keys.get(ops.id)).toEqual(listed[1]);
      expect(await keys.get('missing')).toBeNull();
      expect(await keys.count()).toBe(2);
      expect(await keys.count({ activeOnly: true })).toBe(1);
    });
  });

  describe('TypeormIdempotencyStore', () => {
    const record = (overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
      scope: 'key-1',
      key: 'abc',
      requestHash: 'a'.repeat(64),
      status: 201,
      body: { id: 'x', nested: [1, 'two', null] },
      headers: { location: '/api/v1/incidents/x', etag: '"1"' },
      createdAt: '2026-11-21T10:00:00.000Z',
      ...overrides,
    });

    it('stores a record once per (scope, key) and returns the first one', async () => {
      const store = new TypeormIdempotencyStore(fx.dataSource);
      expect(await store.find('key-1', 'abc')).toBeNull();
      expect(await store.save(record())).toEqual(record());
      const [racedA, racedB] = await Promise.all([store.save(record({ status: 500 })), store.save(record({ requestHash: 'b'.repeat(64) }))]);
      expect(racedA).toEqual(record());
      expect(racedB).toEqual(record());
      expect(await store.find('key-1', 'abc')).toEqual(record());
      expect(await store.save(record({ scope: 'key-2', body: null }))).toEqual(record({ scope: 'key-2', body: null }));
    });

    it('stores bodies with any text, U+0000 included', async () => {
      const store = new TypeormIdempotencyStore(fx.dataSource);
      const saved = await store.save(record({ body: { title: 'a\u0000b' }, headers: { 'x-note': 'c\u0000d' } }));
      const stored = backend === 'postgres' ? '\uFFFD' : '\u0000';
      expect(saved).toMatchObject({ body: { title: `a${stored}b` }, headers: { 'x-note': `c${stored}d` } });
      expect(await store.find('key-1', 'abc')).toEqual(saved);
    });

    it('purges records created before the cutoff', async () => {
      const store = new TypeormIdempotencyStore(fx.dataSource);
      await store.save(record({ key: 'old', createdAt: '2026-11-19T09:00:00.000Z' }));
      await store.save(record({ key: 'older', createdAt: '2026-11-18T09:00:00+02:00' }));
      await store.save(record({ key: 'new' }));
      expect(await store.purgeBefore('2026-11-20T10:00:00.000Z')).toBe(2);
      expect(await store.find('key-1', 'old')).toBeNull();
      expect(await store.find('key-1', 'new')).not.toBeNull();
    });

    it('does not join a projector transaction that fails', async () => {
      const store = new TypeormIdempotencyStore(fx.dataSource);
      const { incidentId } = await fx.commands.declare({ title: 'x', severity: 'SEV3', service: 's' }, { actor: 'a' });
      await fx.commands.execute(incidentId, { type: 'AddIncidentNote', data: { text: 'boom' } }, { actor: 'a' });
      await fx.failTimelineInsertsContaining('boom');
      const [projected, saved] = await Promise.allSettled([projector.catchUp(), store.save(record({ key: 'during' }))]);
      expect(projected.status).toBe('rejected');
      expect(saved.status).toBe('fulfilled');
      expect(await store.find('key-1', 'during')).not.toBeNull();
    });
  });
});
