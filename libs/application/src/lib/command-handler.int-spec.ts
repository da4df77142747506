import { incidentStreamId, InvalidTransitionError } from '@causeway/domain';
import type { EventStore } from '@causeway/event-store';
import { PostgresEventStore } from '@causeway/event-store-postgres';
import { SqliteEventStore } from '@causeway/event-store-sqlite';
import { startPostgres, tempDir, type PostgresHarness, type TempDir } from '@causeway/testing';
import { join } from 'node:path';
import type { Clock } from './clock.port';
import { CommandHandler } from './command-handler';
import { VersionConflictError } from './errors';
import { IncidentCommands } from './incident-commands';

const clock: Clock = { now: () => new Date('2026-11-21T10:00:00.000Z') };
const declaration = { title: 'Checkout down', severity: 'SEV2' as const, service: 'checkout' };

describe.each(['sqlite', 'postgres'] as const)('CommandHandler on a real %s log', (backend) => {
  let dir: TempDir;
  let pg: PostgresHarness | null = null;
  let store: EventStore;
  let commands: IncidentCommands;

  beforeAll(async () => {
    if (backend === 'postgres') pg = await startPostgres();
  });
  afterAll(async () => {
    await pg?.stop();
  });
  beforeEach(async () => {
    dir = await tempDir('causeway-handler');
    if (pg) {
      const database = await pg.createDatabase();
      store = await PostgresEventStore.open({ connectionString: database.url });
    } else {
      store = SqliteEventStore.open({ file: join(dir.path, 'events.db') });
    }
    commands = new IncidentCommands(new CommandHandler(store, clock));
  });
  afterEach(async () => {
    await store.close();
    await dir.cleanup();
  });

  it('serialises concurrent commands without If-Match by retrying: none lost, none doubled', async () => {
    const { incidentId } = await commands.declare(declaration, { actor: 'alice' });
    // Separate handlers behave like separate processes: their caches cannot help them.
    const handlers = Array.from({ length: 4 }, () => new IncidentCommands(new CommandHandler(store, clock)));
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        handlers[i % 4].execute(incidentId, { type: 'AddIncidentNote', data: { text: `note ${i}` } }, { actor: 'bob' }),
      ),
    );
    const events = await store.readStream(incidentStreamId(incidentId));
    expect(events).toHaveLength(41);
    expect(new Set(events.map((e) => e.data['text'])).size).toBe(41);
  });

  it('refuses a stale expected version with VersionConflictError and writes nothing', async () => {
    const { incidentId } = await commands.declare(declaration, { actor: 'alice' });
    await commands.execute(incidentId, { type: 'AcknowledgeIncident', data: {} }, { actor: 'alice', expectedVersion: 1 });
    const head = await store.headPosition();
    await expect(
      commands.execute(incidentId, { type: 'AddIncidentNote', data: { text: 'late' } }, { actor: 'alice', expectedVersion: 1 }),
    ).rejects.toBeInstanceOf(VersionConflictError);
    expect(await store.headPosition()).toBe(head);
  });

  it('sees events another handler appended since it cached the stream', async () => {
    const { incidentId } = await commands.declare(declaration, { actor: 'alice' });
    const other = new IncidentCommands(new CommandHandler(store, clock));
    await other.execute(incidentId, { type: 'AcknowledgeIncident', data: {} }, { actor: 'bob' });
    // Our cache still holds version 1; the decider must still see the acknowledgement.
    await expect(commands.execute(incidentId, { type: 'AcknowledgeIncident', data: {} }, { actor: 'alice' })).rejects.toBeInstanceOf(
      InvalidTransitionError,
    );
    const result = await commands.execute(incidentId, { type: 'AddIncidentNote', data: { text: 'x' } }, { actor: 'alice', expectedVersion: 2 });
    expect(result.version).toBe(3);
  });

  it('answers a retried command with the same idempotency seed as a replay, even after the state moved on', async () => {
    const seed = 'key-1:abc';
    const first = await commands.declare(declaration, { actor: 'alice', idempotencySeed: seed });
    const ack = await commands.execute(first.incidentId, { type: 'AcknowledgeIncident', data: {} }, { actor: 'alice', idempotencySeed: 'key-2:def' });
    expect(ack.replayed).toBe(false);
    // A fresh handler (a restarted process) retries both: no duplicate incident, no 409 for the second ack.
    const restarted = new IncidentCommands(new CommandHandler(store, clock));
    const again = await restarted.declare(declaration, { actor: 'alice', idempotencySeed: seed });
    expect(again.incidentId).toBe(first.incidentId);
    expect(again.replayed).toBe(true);
    const ackAgain = await restarted.execute(first.incidentId, { type: 'AcknowledgeIncident', data: {} }, { actor: 'alice', idempotencySeed: 'key-2:def' });
    expect(ackAgain).toMatchObject({ replayed: true, position: ack.position });
    expect(await store.readStream(incidentStreamId(first.incidentId))).toHaveLength(2);
  });

  it('stamps actor and business time from the command', async () => {
    const { incidentId } = await commands.declare(declaration, { actor: 'alice' });
    await commands.execute(incidentId, { type: 'AddIncidentNote', data: { text: 'earlier', occurredAt: '2026-11-21T08:00:00Z' } }, { actor: 'bob' });
    const [declared, note] = await store.readStream(incidentStreamId(incidentId));
    expect(declared).toMatchObject({ actor: 'alice', occurredAt: '2026-11-21T10:00:00.000Z' });
    expect(note).toMatchObject({ actor: 'bob', occurredAt: '2026-11-21T08:00:00.000Z' });
  });
});
