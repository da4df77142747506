import type { CommandContext } from '@causeway/application';
import { eventually, startPostgres, type PostgresHarness } from '@causeway/testing';
import type { DataSource } from 'typeorm';
import { ProjectorNotLeaderError, type AppliedBatch, type Projector, type ProjectorOptions } from './projector';
import { READ_MODEL_LOCK_CLASS } from './storage/postgres-session';
import { ReadModelFixture } from './testing/read-model.fixture';

const alice: CommandContext = { actor: 'alice' };

/** Short enough to keep the suite fast; production keeps the default 1 s. */
const ELECTION: ProjectorOptions = { electionIntervalMs: 100 };

let server: PostgresHarness;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

describe('Projectors of several processes on one PostgreSQL database', () => {
  let fx: ReadModelFixture;
  /** Positions each process applied itself (`origin: 'applied'`), across all projectors. */
  let applied: number[];

  beforeEach(async () => {
    fx = await ReadModelFixture.open('postgres', server);
    applied = [];
  });

  afterEach(async () => {
    await fx.close();
  });

  /** A projector as a separate process would have it: its own pool, its own leader session. */
  async function replica(options: ProjectorOptions = {}): Promise<{ projector: Projector; dataSource: DataSource; heard: AppliedBatch[] }> {
    const dataSource = await fx.openDataSource();
    const projector = fx.projector({ ...ELECTION, ...options }, dataSource);
    const heard: AppliedBatch[] = [];
    projector.onApplied((batch) => {
      heard.push(batch);
      if (batch.origin === 'applied') applied.push(...batch.events.map((event) => event.position));
    });
    return { projector, dataSource, heard };
  }

  async function declare(title: string): Promise<string> {
    return (await fx.commands.declare({ title, severity: 'SEV2', service: 'checkout' }, alice)).incidentId;
  }

  async function note(id: string, count: number): Promise<number> {
    let position = 0;
    for (let i = 0; i < count; i++) position = (await fx.commands.execute(id, { type: 'AddIncidentNote', data: { text: `note ${i}` } }, alice)).position;
    return position;
  }

  /** The server process holding the projector's leader lock. */
  async function leaderSessionPid(): Promise<number | null> {
    const rows: { pid: number }[] = await fx.dataSource.query(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1 AND objsubid = 2`,
      [READ_MODEL_LOCK_CLASS],
    );
    return rows[0]?.pid ?? null;
  }

  /** Waits for a condition that a background election brings about, with a deadline. */
  async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    await eventually('the election to settle', () => (condition() ? true : undefined), timeoutMs);
  }

  function expectEachAppliedOnce(head: number): void {
    expect([...applied].sort((a, b) => a - b)).toEqual(Array.from({ length: head }, (_, index) => index + 1));
  }

  it('elects exactly one leader; the other follows, and both see the same checkpoint', async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    await Promise.all([a.projector.start(), b.projector.start()]);
    expect([a.projector.isLeader(), b.projector.isLeader()].filter(Boolean)).toHaveLength(1);
    const [leader, follower] = a.projector.isLeader() ? [a, b] : [b, a];

    const id = await declare('Checkout down');
    const head = await note(id, 30);
    expect(await follower.projector.waitFor(head, 10_000)).toBe(true);
    expect(await leader.projector.waitFor(head, 10_000)).toBe(true);
    expect(await follower.projector.checkpoint()).toBe(head);
    expect(follower.projector.isLeader()).toBe(false);
    expectEachAppliedOnce(head);
    expect(leader.heard.every((batch) => batch.origin === 'applied')).toBe(true);
    expect(await fx.dump(follower.dataSource)).toEqual(await fx.dump(leader.dataSource));
  });

  it('hands over when the leader stops: the follower takes over and applies every later event once', async () => {
    const a = await replica();
    await a.projector.start();
    const b = await replica();
    await b.projector.start();
    expect(a.projector.isLeader()).toBe(true);
    expect(b.projector.isLeader()).toBe(false);

    const id = await declare('Search errors');
    const first = await note(id, 20);
    expect(await b.projector.waitFor(first, 10_000)).toBe(true);

    await a.projector.stop();
    const second = await note(id, 20);
    // Only a leader applies, and `a` has stopped: `b` took over.
    expect(await b.projector.waitFor(second, 10_000)).toBe(true);
    expect(b.projector.isLeader()).toBe(true);
    expectEachAppliedOnce(second);

    const live = await fx.dump();
    await b.projector.rebuild();
    expect(await fx.dump()).toEqual(live);
  });

  it('survives the leader session being killed: the leader steps down, one leads again, nothing is skipped or applied twice', async () => {
    const a = await replica();
    await a.projector.start();
    const b = await replica();
    await b.projector.start();
    const id = await declare('Auth latency');
    const first = await note(id, 10);
    expect(await a.projector.waitFor(first, 10_000)).toBe(true);

    // What PostgreSQL sees when the leader's process dies or its network goes: the session ends and
    // the lock is free. Here the process lives on, so it competes for the lock again with the other.
    const pid = await leaderSessionPid();
    expect(pid).not.toBeNull();
    await fx.dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
    // Appends go on meanwhile; whichever projector applies them, each is applied once.
    const appending = note(id, 40);
    await until(() => fx.logger.warnings.some((warning) => warning.includes('lost its leader lock')));
    const second = await appending;
    expect(await b.projector.waitFor(second, 10_000)).toBe(true);
    expect(await a.projector.waitFor(second, 10_000)).toBe(true);
    await until(() => a.projector.isLeader() !== b.projector.isLeader());
    expect(await leaderSessionPid()).not.toBe(pid);
    expectEachAppliedOnce(second);

    const live = await fx.dump();
    await (a.projector.isLeader() ? a : b).projector.rebuild();
    expect(await fx.dump()).toEqual(live);
  });

  it('a started follower is woken by the leader\'s NOTIFY, not only by polling', async () => {
    const leader = await replica();
    await leader.projector.start();
    // Polling and election far beyond the test's wait: only a notification can wake it in time.
    const api = await replica({ role: 'follower', followerPollMs: 60_000, electionIntervalMs: 60_000 });
    await api.projector.start();
    const id = await declare('Notify');
    const position = await note(id, 2);
    expect(await api.projector.waitFor(position, 3000)).toBe(true);
  });

  it('a follower that was never started still sees the leader\'s checkpoint, by polling', async () => {
    const leader = await replica();
    await leader.projector.start();
    const api = await replica({ role: 'follower' });
    const id = await declare('Payments');
    const position = await note(id, 3);
    expect(await api.projector.waitFor(position, 10_000)).toBe(true);
    expect(api.projector.isLeader()).toBe(false);
    expect(await api.projector.catchUp()).toBe(0);
  });

  it('a started follower hears each batch the leader commits, with its events, entries and incidents', async () => {
    const leader = await replica();
    await leader.projector.start();
    const api = await replica({ role: 'follower' });
    await api.projector.start();
    expect(api.projector.isLeader()).toBe(false);

    const id = await declare('Latency');
    const position = await note(id, 12);
    expect(await api.projector.waitFor(position, 10_000)).toBe(true);
    await until(() => (api.heard.at(-1)?.position ?? 0) >= position);
    expect(api.heard.every((batch) => batch.origin === 'observed' && !batch.replay)).toBe(true);
    const events = api.heard.flatMap((batch) => batch.events.map((event) => event.position));
    expect(events).toEqual(Array.from({ length: position }, (_, index) => index + 1));
    expect(api.heard.flatMap((batch) => batch.entries.map((entry) => entry.position))).toEqual(events);
    expect(api.heard.at(-1)?.incidents.map((incident) => [incident.id, incident.version])).toEqual([[id, position]]);
  });

  it('only the leader rebuilds; followers see the replay and wait through it', async () => {
    const leader = await replica();
    await leader.projector.start();
    const follower = await replica();
    await follower.projector.start();
    const id = await declare('Queue backlog');
    const position = await note(id, 5);
    expect(await follower.projector.waitFor(position, 10_000)).toBe(true);

    await expect(follower.projector.rebuild()).rejects.toBeInstanceOf(ProjectorNotLeaderError);
    const cli = fx.projector(); // not started: takes the lock for its rebuild, which the leader holds
    await expect(cli.rebuild()).rejects.toBeInstanceOf(ProjectorNotLeaderError);

    expect((await leader.projector.rebuild()).events).toBe(position);
    const after = await note(id, 1);
    expect(await follower.projector.waitFor(after, 10_000)).toBe(true);
    await until(() => (follower.heard.at(-1)?.position ?? 0) >= after);
    expect(follower.heard.some((batch) => batch.replay)).toBe(true);
    expect(follower.heard.filter((batch) => !batch.replay).flatMap((batch) => batch.events.map((event) => event.position))).toContain(after);
  });

  it('two projectors applying at once (no election: a CLI beside a leader) still apply each event once', async () => {
    const id = await declare('Disk full');
    const head = await note(id, 300);
    const [a, b] = await Promise.all([replica({ batchSize: 7 }), replica({ batchSize: 11 })]);
    const [byA, byB] = await Promise.all([a.projector.catchUp(), b.projector.catchUp()]);
    expect(byA + byB).toBe(head);
    expectEachAppliedOnce(head);
    const live = await fx.dump();
    await a.projector.rebuild();
    expect(await fx.dump()).toEqual(live);
  });
});
