import { CommandHandler, ActionItemCommands, OverdueScheduler, type ActionItemCommandInput } from '@causeway/application';
import type { ActionItemKind, ActionItemPriority, Severity } from '@causeway/domain';
import { startPostgres, type PostgresHarness } from '@causeway/testing';
import type { Projector } from '../../projector';
import { READ_MODEL_BACKENDS, ReadModelFixture } from '../../testing/read-model.fixture';
import { ActionItemQueries, type OverdueBoardItem } from './action-item.queries';
import { IncidentQueries } from '../incident-summary/incident.queries';

let server: PostgresHarness;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

const HOUR = 3_600_000;
const alice = { actor: 'alice' };

describe.each(READ_MODEL_BACKENDS)('action items: lists, the overdue board and the scheduler (%s)', (backend) => {
  let fx: ReadModelFixture;
  let projector: Projector;
  let queries: ActionItemQueries;

  beforeEach(async () => {
    fx = await ReadModelFixture.open(backend, server, { recordWithClock: true });
    projector = fx.projector();
    await projector.start();
    queries = new ActionItemQueries(fx.dataSource);
  });

  afterEach(async () => {
    await fx.close();
  });

  async function declare(severity: Severity, service: string): Promise<string> {
    return (await fx.commands.declare({ title: `${service} down`, severity, service }, alice)).incidentId;
  }

  interface ItemSpec {
    readonly owner: string;
    readonly dueInHours: number;
    readonly priority?: ActionItemPriority;
    readonly kind?: ActionItemKind;
    readonly team?: string;
  }

  async function create(incidentId: string, spec: ItemSpec): Promise<string> {
    const { actionItemId } = await fx.actionItemCommands.create(
      incidentId,
      {
        title: `${spec.owner} follow-up`,
        owner: spec.owner,
        dueAt: fx.clock.iso(spec.dueInHours * HOUR),
        priority: spec.priority ?? 'P2',
        kind: spec.kind ?? 'corrective',
        ...(spec.team ? { team: spec.team } : {}),
      },
      alice,
    );
    return actionItemId;
  }

  const run = (id: string, input: ActionItemCommandInput) => fx.actionItemCommands.execute(id, input, alice);

  async function caughtUp(): Promise<void> {
    expect(await projector.waitFor(await fx.store.headPosition(), 10_000)).toBe(true);
  }

  const now = () => fx.clock.iso();
  const ids = (items: readonly { id: string }[]) => items.map((item) => item.id);

  describe('the live board, lists and counts', () => {
    let checkout: string;
    let search: string;
    let item: Record<string, string>;

    beforeEach(async () => {
      checkout = await declare('SEV1', 'checkout');
      search = await declare('SEV3', 'search');
      item = {
        oldest: await create(checkout, { owner: 'bob', dueInHours: -30, team: 'payments', priority: 'P1' }),
        middle: await create(search, { owner: 'carol', dueInHours: -20, team: 'search' }),
        recent: await create(checkout, { owner: 'bob', dueInHours: -1, team: 'payments' }),
        started: await create(search, { owner: 'bob', dueInHours: -5 }),
        future: await create(checkout, { owner: 'bob', dueInHours: 48, team: 'payments' }),
        done: await create(checkout, { owner: 'bob', dueInHours: -40 }),
        cancelled: await create(search, { owner: 'carol', dueInHours: -50 }),
      };
      await run(item['started'], { type: 'StartActionItem', data: {} });
      await run(item['done'], { type: 'CompleteActionItem', data: {} });
      await run(item['cancelled'], { type: 'CancelActionItem', data: { reason: 'superseded' } });
      await caughtUp();
    });

    it('lists what is overdue now, most overdue first, with overdueBy in seconds; finished and future items are not on it', async () => {
      const board = await queries.overdue({}, now());
      expect(ids(board.items)).toEqual([item['oldest'], item['middle'], item['started'], item['recent']]);
      expect(board.items.map((entry) => entry.overdueBy)).toEqual([30 * 3600, 20 * 3600, 5 * 3600, 3600]);
      expect(board.items[0]).toMatchObject<Partial<OverdueBoardItem>>({
        incidentId: checkout,
        owner: 'bob',
        team: 'payments',
        priority: 'P1',
        status: 'open',
        incident: { title: 'checkout down', service: 'checkout', severity: 'SEV1' },
      });
      expect(board.items[2].status).toBe('in_progress');
      expect(board.nextCursor).toBeNull();
    });

    it('filters the board by owner, team, service and severity, and pages it with a cursor', async () => {
      expect(ids((await queries.overdue({ owner: 'bob' }, now())).items)).toEqual([item['oldest'], item['started'], item['recent']]);
      expect(ids((await queries.overdue({ team: 'payments' }, now())).items)).toEqual([item['oldest'], item['recent']]);
      expect(ids((await queries.overdue({ service: 'search' }, now())).items)).toEqual([item['middle'], item['started']]);
      expect(ids((await queries.overdue({ severity: 'SEV1' }, now())).items)).toEqual([item['oldest'], item['recent']]);
      expect(ids((await queries.overdue({ severity: 'SEV1', owner: 'carol' }, now())).items)).toEqual([]);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<ActionItemQueries['overdue']>> = await queries.overdue({ limit: 1, cursor }, now());
        seen.push(...ids(page.items));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual([item['oldest'], item['middle'], item['started'], item['recent']]);
    });

    it('follows the incident severity as it changes', async () => {
      await fx.commands.execute(search, { type: 'ChangeIncidentSeverity', data: { severity: 'SEV1', reason: 'widened' } }, alice);
      await caughtUp();
      expect(ids((await queries.overdue({ severity: 'SEV1' }, now())).items)).toEqual([item['oldest'], item['middle'], item['started'], item['recent']]);
    });

    it('takes an item off the board when it is rescheduled into the future, completed or cancelled, and puts it back on reopen', async () => {
      await run(item['oldest'], { type: 'RescheduleActionItem', data: { dueAt: fx.clock.iso(2 * HOUR), reason: 'vendor fix next week' } });
      await run(item['middle'], { type: 'CompleteActionItem', data: {} });
      await caughtUp();
      expect(ids((await queries.overdue({}, now())).items)).toEqual([item['started'], item['recent']]);
      await run(item['middle'], { type: 'ReopenActionItem', data: { reason: 'regressed' } });
      await caughtUp();
      expect(ids((await queries.overdue({}, now())).items)).toEqual([item['middle'], item['started'], item['recent']]);
      // Time alone moves an item onto the board: no event is needed.
      fx.clock.advance(3 * HOUR);
      expect(ids((await queries.overdue({}, now())).items)).toEqual([item['middle'], item['started'], item['recent'], item['oldest']]);
    });

    it('lists action items with every filter, soonest due first', async () => {
      const list = async (filter: Parameters<ActionItemQueries['list']>[0]) => ids((await queries.list(filter, now())).items);
      expect(await list({})).toEqual([item['cancelled'], item['done'], item['oldest'], item['middle'], item['started'], item['recent'], item['future']]);
      expect(await list({ owner: 'carol' })).toEqual([item['cancelled'], item['middle']]);
      expect(await list({ team: 'payments' })).toEqual([item['oldest'], item['recent'], item['future']]);
      expect(await list({ incidentId: search })).toEqual([item['cancelled'], item['middle'], item['started']]);
      expect(await list({ status: 'done' })).toEqual([item['done']]);
      expect(await list({ status: 'in_progress' })).toEqual([item['started']]);
      expect(await list({ priority: 'P1' })).toEqual([item['oldest']]);
      expect(await list({ dueBefore: fx.clock.iso(-10 * HOUR) })).toEqual([item['cancelled'], item['done'], item['oldest'], item['middle']]);
      expect(await list({ overdue: true })).toEqual([item['oldest'], item['middle'], item['started'], item['recent']]);
      expect(await list({ overdue: false })).toEqual([item['cancelled'], item['done'], item['future']]);
      expect(await list({ overdue: true, owner: 'bob', limit: 2 })).toEqual([item['oldest'], item['started']]);
    });

    it('counts open and overdue items per incident at the time of the read', async () => {
      const counts = await queries.countsFor([checkout, search, 'no-such-incident'], now());
      expect(counts.get(checkout)).toEqual({ open: 3, overdue: 2 });
      expect(counts.get(search)).toEqual({ open: 2, overdue: 2 });
      expect(counts.has('no-such-incident')).toBe(false);
      fx.clock.advance(49 * HOUR);
      expect((await queries.countsFor([checkout], now())).get(checkout)).toEqual({ open: 3, overdue: 3 });
    });

    it('serves the board and the scheduler from the partial indexes of active items', async () => {
      const plan = async (sql: string) => {
        const rows: Record<string, unknown>[] = await fx.dataSource.query(backend === 'postgres' ? `EXPLAIN ${sql}` : `EXPLAIN QUERY PLAN ${sql}`);
        return JSON.stringify(rows);
      };
      if (backend === 'postgres') {
        // A tiny table is read sequentially whatever the indexes; plan as if it were large.
        await fx.dataSource.query('SET enable_seqscan = off');
      }
      const t = `'2026-11-21T10:00:00.000Z'`;
      expect(await plan(`SELECT id FROM action_items a WHERE a.status IN ('open', 'in_progress') AND a.due_at < ${t} ORDER BY a.due_at, a.id LIMIT 51`)).toContain(
        'idx_action_items_active_due_at_id',
      );
      expect(
        await plan(`SELECT id FROM action_items a WHERE a.status IN ('open', 'in_progress') AND a.due_at < ${t} AND a.owner = 'bob' ORDER BY a.due_at, a.id LIMIT 51`),
      ).toContain('idx_action_items_active_owner_due_at_id');
      expect(
        await plan(
          `SELECT id FROM action_items a WHERE a.status IN ('open', 'in_progress') AND a.overdue_recorded = false AND a.due_at <= ${t} ORDER BY a.due_at, a.id LIMIT 100`,
        ),
      ).toContain('idx_action_items_unflagged_due_at_id');
    });
  });

  describe('asOf: the board as the log stood then', () => {
    it('shows owners, due dates and statuses as they were, not as they are', async () => {
      const t0 = fx.clock.now().getTime();
      const at = (hours: number) => new Date(t0 + hours * HOUR).toISOString();
      const incident = await declare('SEV2', 'checkout');
      const a = await create(incident, { owner: 'bob', dueInHours: 1 }); // due t0+1h
      const b = await create(incident, { owner: 'carol', dueInHours: 2 }); // due t0+2h
      fx.clock.advance(3 * HOUR); // t0+3h: both overdue
      await run(a, { type: 'AssignActionItem', data: { owner: 'dave', reason: 'rota' } });
      fx.clock.advance(HOUR); // t0+4h
      await run(b, { type: 'RescheduleActionItem', data: { dueAt: at(10), reason: 'waiting on vendor' } });
      fx.clock.advance(HOUR); // t0+5h
      await run(a, { type: 'CompleteActionItem', data: {} });
      fx.clock.advance(HOUR); // t0+6h
      await fx.commands.execute(incident, { type: 'ChangeIncidentSeverity', data: { severity: 'SEV1', reason: 'worse' } }, alice);
      await caughtUp();

      const board = async (asOf: string, filter: Parameters<ActionItemQueries['overdueAsOf']>[0] = {}) =>
        (await queries.overdueAsOf(filter, asOf)).items.map((entry) => [entry.id === a ? 'a' : 'b', entry.owner, entry.dueAt, entry.overdueBy]);

      expect(await board(at(0.5))).toEqual([]);
      expect(await board(at(2.5))).toEqual([
        ['a', 'bob', at(1), 1.5 * 3600],
        ['b', 'carol', at(2), 0.5 * 3600],
      ]);
      expect(await board(at(3.5))).toEqual([
        ['a', 'dave', at(1), 2.5 * 3600],
        ['b', 'carol', at(2), 1.5 * 3600],
      ]);
      expect(await board(at(4.5))).toEqual([['a', 'dave', at(1), 3.5 * 3600]]);
      expect(await board(at(5.5))).toEqual([]);
      expect(await board(at(11))).toEqual([['b', 'carol', at(10), 3600]]);
      expect(await board(at(3.5), { owner: 'bob' })).toEqual([]);
      expect(await board(at(2.5), { owner: 'bob' })).toEqual([['a', 'bob', at(1), 1.5 * 3600]]);
      // Severity as it was then: SEV2 until t0+6h.
      expect(await board(at(3.5), { severity: 'SEV1' })).toEqual([]);
      expect(await board(at(3.5), { severity: 'SEV2' })).toHaveLength(2);
      expect(await board(at(11), { severity: 'SEV1' })).toHaveLength(1);
      // Each line carries its incident with the severity it had at that moment.
      expect((await queries.overdueAsOf({}, at(3.5))).items.map((entry) => entry.incident?.severity)).toEqual(['SEV2', 'SEV2']);
      expect((await queries.overdueAsOf({}, at(11))).items.map((entry) => entry.incident)).toEqual([{ title: 'checkout down', service: 'checkout', severity: 'SEV1' }]);
      expect(await board(at(3.5), { service: 'search' })).toEqual([]);

      // Counts on the incident as of a time come from the same history.
      expect(await queries.countsAsOf(incident, at(3.5))).toEqual({ open: 2, overdue: 2 });
      expect(await queries.countsAsOf(incident, at(4.5))).toEqual({ open: 2, overdue: 1 });
      expect(await queries.countsAsOf(incident, at(5.5))).toEqual({ open: 1, overdue: 0 });
    });

    it('gives the same as-of board after a rebuild from the log', async () => {
      const incident = await declare('SEV2', 'checkout');
      const a = await create(incident, { owner: 'bob', dueInHours: 1 });
      fx.clock.advance(2 * HOUR);
      await run(a, { type: 'AssignActionItem', data: { owner: 'dave' } });
      fx.clock.advance(HOUR);
      await caughtUp();
      const before = await queries.overdueAsOf({}, fx.clock.iso(-1.5 * HOUR));
      const dump = await fx.dump();
      await projector.rebuild();
      expect(await fx.dump()).toEqual(dump);
      expect(await queries.overdueAsOf({}, fx.clock.iso(-1.5 * HOUR))).toEqual(before);
      expect(before.items.map((entry) => entry.owner)).toEqual(['bob']);
    });
  });

  describe('the overdue scheduler', () => {
    const schedulerFor = (commands: ActionItemCommands) =>
      new OverdueScheduler(queries, commands, fx.clock, { intervalMs: 60_000, batchSize: 50, concurrency: 8, waitForProjection: (position) => projector.waitFor(position, 10_000) });

    async function overdueEvents(): Promise<{ streamId: string; data: Record<string, unknown>; actor: string }[]> {
      const head = await fx.store.headPosition();
      return (await fx.store.readAll({ after: 0, limit: head })).filter((event) => event.type === 'ActionItemBecameOverdue');
    }

    it('records one ActionItemBecameOverdue per item and due date; a reschedule re-arms it, completion disarms it', async () => {
      const incident = await declare('SEV2', 'checkout');
      const pastAtCreation = await create(incident, { owner: 'bob', dueInHours: -2 });
      const soon = await create(incident, { owner: 'bob', dueInHours: 1 });
      const finished = await create(incident, { owner: 'bob', dueInHours: 1 });
      await caughtUp();
      const scheduler = schedulerFor(fx.actionItemCommands);
      expect(await scheduler.tick()).toMatchObject({ marked: 1, failed: 0 });
      expect((await overdueEvents()).map((event) => event.streamId)).toEqual([`action-item-${pastAtCreation}`]);

      await run(finished, { type: 'CompleteActionItem', data: {} });
      fx.clock.advance(2 * HOUR);
      await caughtUp();
      expect(await scheduler.tick()).toMatchObject({ marked: 1 });
      expect(await scheduler.tick()).toMatchObject({ checked: 0, marked: 0 });
      const events = await overdueEvents();
      expect(events.map((event) => event.streamId)).toEqual([`action-item-${pastAtCreation}`, `action-item-${soon}`]);
      expect(events[1].data).toMatchObject({ dueAt: fx.clock.iso(-1 * HOUR), detectedAt: fx.clock.iso() });
      expect(events[1].actor).toBe('system:overdue-scheduler');

      // A new due date is a new deadline to watch.
      await run(soon, { type: 'RescheduleActionItem', data: { dueAt: fx.clock.iso(HOUR), reason: 'more time' } });
      fx.clock.advance(2 * HOUR);
      await caughtUp();
      expect(await scheduler.tick()).toMatchObject({ marked: 1 });
      expect((await overdueEvents()).filter((event) => event.streamId === `action-item-${soon}`).map((event) => event.data['dueAt'])).toEqual([
        fx.clock.iso(-3 * HOUR),
        fx.clock.iso(-1 * HOUR),
      ]);
      const board = await queries.overdue({}, now());
      expect(ids(board.items)).toEqual([pastAtCreation, soon]);
    });

    it('two schedulers racing (separate command handlers, as in two processes) record each item exactly once', async () => {
      const incident = await declare('SEV2', 'checkout');
      const created: string[] = [];
      for (let i = 0; i < 120; i++) created.push(await create(incident, { owner: `owner${i % 7}`, dueInHours: -1 - (i % 5) }));
      await caughtUp();
      const other = new ActionItemCommands(new CommandHandler(fx.store, fx.clock), fx.store);
      const [first, second] = await Promise.all([schedulerFor(fx.actionItemCommands).tick(), schedulerFor(other).tick()]);
      expect(first.failed + second.failed).toBe(0);
      expect(first.marked + second.marked).toBe(120);
      const events = await overdueEvents();
      expect(events).toHaveLength(120);
      expect(new Set(events.map((event) => event.streamId))).toEqual(new Set(created.map((id) => `action-item-${id}`)));
      await caughtUp();
      expect(await queries.dueForOverdue(now(), 1000)).toEqual([]);
    });

    it('knows when the next unmarked item falls due, and finds its candidates after a rebuild re-created the indexes', async () => {
      const incident = await declare('SEV2', 'checkout');
      await create(incident, { owner: 'bob', dueInHours: -1 });
      const next = await create(incident, { owner: 'bob', dueInHours: 2 });
      await create(incident, { owner: 'bob', dueInHours: 5 });
      await run(next, { type: 'StartActionItem', data: {} });
      await caughtUp();
      expect(await queries.nextDueAfter(now())).toBe(fx.clock.iso(2 * HOUR));
      await projector.rebuild();
      expect(await queries.nextDueAfter(now())).toBe(fx.clock.iso(2 * HOUR));
      expect((await queries.dueForOverdue(now(), 10)).map((candidate) => candidate.dueAt)).toEqual([fx.clock.iso(-HOUR)]);
      // (On SQLite the candidate query names its index: `INDEXED BY` fails outright if it cannot be used.)
    });

    it('a scheduler that starts after the due date passed (a restart between due date and tick) still marks it, once', async () => {
      const incident = await declare('SEV2', 'checkout');
      const item = await create(incident, { owner: 'bob', dueInHours: 1 });
      await caughtUp();
      const before = schedulerFor(fx.actionItemCommands);
      expect(await before.tick()).toMatchObject({ checked: 0, marked: 0 });
      await before.stop();

      // Down while the due date passes; a new process (fresh command handler, no memory) comes up.
      fx.clock.advance(5 * HOUR);
      const restarted = new ActionItemCommands(new CommandHandler(fx.store, fx.clock), fx.store);
      const after = schedulerFor(restarted);
      const marked = new Promise<void>((resolve) => {
        const off = projector.onApplied((batch) => {
          if (batch.events.some((event) => event.type === 'ActionItemBecameOverdue')) {
            off();
            resolve();
          }
        });
      });
      after.start();
      await marked;
      await after.stop();
      const events = await overdueEvents();
      expect(events.map((event) => [event.streamId, event.data['dueAt'], event.data['detectedAt']])).toEqual([
        [`action-item-${item}`, fx.clock.iso(-4 * HOUR), fx.clock.iso()],
      ]);
      // Yet another restart finds nothing left to mark.
      const again = schedulerFor(new ActionItemCommands(new CommandHandler(fx.store, fx.clock), fx.store));
      expect(await again.tick()).toMatchObject({ marked: 0 });
      expect(await overdueEvents()).toHaveLength(1);
    });

    it('decides on the projected item without reading the stream, and falls back to the stream when the projection is stale', async () => {
      const incident = await declare('SEV2', 'checkout');
      const current = await create(incident, { owner: 'bob', dueInHours: -1 });
      const moved = await create(incident, { owner: 'bob', dueInHours: -2 });
      await caughtUp();
      const candidates = await queries.dueForOverdue(now(), 10);
      expect(candidates.map((candidate) => [candidate.id, candidate.seen?.version, candidate.seen?.state.status])).toEqual([
        [moved, 1, 'open'],
        [current, 1, 'open'],
      ]);
      // After the candidates were read, one item gets a new due date the scheduler has not seen.
      await run(moved, { type: 'RescheduleActionItem', data: { dueAt: fx.clock.iso(5 * HOUR), reason: 'later' } });
      const fresh = new ActionItemCommands(new CommandHandler(fx.store, fx.clock), fx.store);
      const results = await Promise.all(candidates.map((candidate) => fresh.markOverdue(candidate.id, candidate.dueAt, candidate.seen)));
      expect(results.map((result) => result.events.length)).toEqual([0, 1]);
      expect((await overdueEvents()).map((event) => event.streamId)).toEqual([`action-item-${current}`]);
      expect(await fx.store.streamVersion(`action-item-${moved}`)).toBe(2);
    });

    it('a mark replayed from a stale read model is a no-op: the same event id is never appended twice', async () => {
      const incident = await declare('SEV2', 'checkout');
      const item = await create(incident, { owner: 'bob', dueInHours: -1 });
      const first = await fx.actionItemCommands.markOverdue(item, fx.clock.iso(-HOUR));
      const repeat = await new ActionItemCommands(new CommandHandler(fx.store, fx.clock), fx.store).markOverdue(item, fx.clock.iso(-HOUR));
      expect(first.events).toHaveLength(1);
      expect(repeat.replayed || repeat.events.length === 0).toBe(true);
      expect(await overdueEvents()).toHaveLength(1);
      // A due date the item no longer has is stale too.
      const stale = await fx.actionItemCommands.markOverdue(item, fx.clock.iso(-2 * HOUR));
      expect(stale.events).toHaveLength(0);
      expect(await overdueEvents()).toHaveLength(1);
    });
  });

  it('shows open and overdue counts on incidents through IncidentQueries callers', async () => {
    // The counts are not stored on the incident row: they depend on the time of the read.
    const incident = await declare('SEV2', 'checkout');
    await create(incident, { owner: 'bob', dueInHours: 1 });
    await caughtUp();
    const row = await new IncidentQueries(fx.dataSource).get(incident);
    expect(row).not.toHaveProperty('openActionItems');
    expect((await queries.countsFor([incident], now())).get(incident)).toEqual({ open: 1, overdue: 0 });
    fx.clock.advance(2 * HOUR);
    expect((await queries.countsFor([incident], now())).get(incident)).toEqual({ open: 1, overdue: 1 });
  });
});
