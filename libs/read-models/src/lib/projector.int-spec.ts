import type { ActionItemCommandInput, CommandContext, IncidentCommandInput } from '@causeway/application';
import { seededRandom, startPostgres, type PostgresHarness } from '@causeway/testing';
import { ACTION_ITEM_EVENT_TYPES, DomainError, INCIDENT_EVENT_TYPES, INCIDENT_ROLES, SEVERITIES, type Severity } from '@causeway/domain';
import { evolveIncidentSummary, type IncidentSummary } from './projections/incident-summary/incident-summary.projection';
import { UnknownProjectionError, type AppliedBatch } from './projector';
import { IncidentQueries } from './projections/incident-summary/incident.queries';
import { TimelineQueries } from './projections/timeline/timeline.queries';
import { ApiKeyQueries } from './projections/api-keys/api-key.queries';
import { READ_MODEL_BACKENDS, ReadModelFixture } from './testing/read-model.fixture';

const alice: CommandContext = { actor: 'alice' };

let server: PostgresHarness;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

describe.each(READ_MODEL_BACKENDS)('Projector (real SQLite event store, read models on %s)', (backend) => {
  let fx: ReadModelFixture;

  beforeEach(async () => {
    fx = await ReadModelFixture.open(backend, server);
  });

  afterEach(async () => {
    await fx.close();
  });

  async function declare(title = 'Checkout latency', severity: Severity = 'SEV2'): Promise<string> {
    const result = await fx.commands.declare({ title, severity, service: 'checkout', team: 'payments' }, alice);
    return result.incidentId;
  }

  it('projects incidents, timelines and API keys, one entry per event', async () => {
    const id = await declare();
    fx.clock.advance(60_000);
    await fx.commands.execute(id, { type: 'AcknowledgeIncident', data: { note: 'on it' } }, { actor: 'carol' });
    await fx.commands.execute(id, { type: 'AddIncidentNote', data: { text: 'restarted pods' } }, alice);
    await fx.commands.execute(id, { type: 'AssignIncidentRole', data: { role: 'commander', assignee: 'dave' } }, alice);
    await fx.commands.execute(id, { type: 'ChangeIncidentSeverity', data: { severity: 'SEV1', reason: 'customer impact widened' } }, alice);
    const key = await fx.apiKeyCommands.create({ name: 'ci', role: 'responder' }, { actor: 'root' });

    const projector = fx.projector();
    expect(await projector.catchUp()).toBe(6);
    expect(await projector.checkpoint()).toBe(6);

    const incident = await new IncidentQueries(fx.dataSource).get(id);
    expect(incident).toMatchObject({
      id,
      status: 'declared',
      severity: 'SEV1',
      commander: 'dave',
      roles: { commander: 'dave' },
      acknowledgedAt: '2026-11-21T10:01:00.000Z',
      declaredAt: '2026-11-21T10:00:00.000Z',
      version: 5,
      lastPosition: 5,
    });
    const timeline = await new TimelineQueries(fx.dataSource).list(id);
    expect(timeline.items.map((entry) => entry.summary)).toEqual([
      'Incident declared (SEV2) on checkout by alice: Checkout latency',
      'Acknowledged by carol: on it',
      'Note by alice: restarted pods',
      'Role commander assigned to dave by alice',
      'Severity raised SEV2 → SEV1 by alice: customer impact widened',
    ]);
    expect(await new ApiKeyQueries(fx.dataSource).get(key.id)).toMatchObject({ name: 'ci', role: 'responder', createdBy: 'root', revokedAt: null });
    expect(await projector.catchUp()).toBe(0);
  });

  it('writes rows and checkpoint in one transaction: a failing write moves neither, and the retry applies each event once', async () => {
    const id = await declare();
    const projector = fx.projector();
    await projector.catchUp();
    const before = await fx.dump();

    await fx.commands.execute(id, { type: 'AddIncidentNote', data: { text: 'first' } }, alice);
    await fx.commands.execute(id, { type: 'AcknowledgeIncident', data: {} }, alice);
    await fx.commands.execute(id, { type: 'AddIncidentNote', data: { text: 'boom' } }, alice);
    await fx.commands.execute(id, { type: 'AddIncidentNote', data: { text: 'last' } }, alice);
    // A real database failure in the middle of the batch: the incident upsert has already run.
    await fx.failTimelineInsertsContaining('boom');

    await expect(projector.catchUp()).rejects.toThrow('simulated crash');
    expect(await projector.checkpoint()).toBe(1);
    expect(await fx.dump()).toEqual(before);

    await fx.stopFailingTimelineInserts();
    expect(await projector.catchUp()).toBe(4);
    const after = await fx.dump();
    expect(after.timeline).toHaveLength(5);
    expect(new Set(after.timeline.map((row) => (row as { position: number }).position)).size).toBe(5);
    expect(await new IncidentQueries(fx.dataSource).get(id)).toMatchObject({ version: 5, lastPosition: 5 });

    // A restarted process (new projector, same files) has nothing left to do.
    const restarted = fx.projector();
    expect(await restarted.catchUp()).toBe(0);
    expect(await fx.dump()).toEqual(after);
  });

  it('rebuild from position 0 gives exactly the live result after a varied workload', async () => {
    const projector = fx.projector({ batchSize: 64 });
    const batches: AppliedBatch[] = [];
    projector.onApplied((batch) => batches.push(batch));
    await projector.start();

    const ids = await runWorkload(fx, 60, 900, 7);
    await fx.apiKeyCommands.create({ name: 'ops', role: 'lead' }, { actor: 'root' });
    const doomed = await fx.apiKeyCommands.create({ name: 'old', role: 'auditor' }, { actor: 'root' });
    await fx.apiKeyCommands.revoke(doomed.id, { actor: 'root' });
    // Action items (own streams, on their incident's timeline only), interleaved with incident events.
    const followUps = await declare('Follow-ups');
    for (const [n, owner] of ['bob', 'carol', 'team:payments'].entries()) {
      const { actionItemId } = await fx.actionItemCommands.create(
        followUps,
        { title: `Item ${n}`, owner, dueAt: '2026-12-01T17:00:00Z', priority: 'P2', kind: 'corrective' },
        alice,
      );
      const run = (input: ActionItemCommandInput) => fx.actionItemCommands.execute(actionItemId, input, alice);
      await run({ type: 'AssignActionItem', data: { owner: 'dave', reason: 'rota' } });
      await fx.commands.execute(followUps, { type: 'AddIncidentNote', data: { text: `between ${n}` } }, alice);
      await run({ type: 'RescheduleActionItem', data: { dueAt: '2026-12-04T17:00:00Z', reason: 'slip' } });
      await run({ type: 'StartActionItem', data: {} });
      await run({ type: 'CompleteActionItem', data: { note: 'done' } });
      await run({ type: 'ReopenActionItem', data: { reason: 'again' } });
      await run({ type: 'CancelActionItem', data: { reason: 'dropped' } });
    }

    const head = await fx.store.headPosition();
    const types = new Set((await fx.store.readAll({ after: 0, limit: head })).map((event) => event.type));
    const actionItemTypes = ACTION_ITEM_EVENT_TYPES.filter((type) => type !== 'ActionItemBecameOverdue');
    expect(types).toEqual(new Set([...INCIDENT_EVENT_TYPES, 'ApiKeyCreated', 'ApiKeyRevoked', ...actionItemTypes]));
    expect(await projector.waitFor(head, 10_000)).toBe(true);
    const live = await fx.dump();
    expect(live.incidents).toHaveLength(ids.length + 1);
    const followUpTimeline = await new TimelineQueries(fx.dataSource).list(followUps, { limit: 200 });
    expect(followUpTimeline.items.filter((entry) => entry.type.startsWith('ActionItem'))).toHaveLength(3 * 7);
    expect(followUpTimeline.items.map((entry) => entry.summary)).toContain('Action item rescheduled +3d by alice: slip');
    expect(batches.every((batch) => !batch.replay)).toBe(true);
    expect(batches.flatMap((batch) => batch.events.map((event) => event.position))).toEqual(range(1, head));

    // Each document equals the pure projection folded over its own stream.
    const queries = new IncidentQueries(fx.dataSource);
    for (const id of ids.slice(0, 15)) {
      const folded = (await fx.store.readStream(`incident-${id}`)).reduce<IncidentSummary | null>(evolveIncidentSummary, null);
      expect(await queries.get(id)).toEqual(folded);
    }

    const indexes = await fx.indexNames();
    expect(indexes).toHaveLength(21);
    const result = await projector.rebuild();
    expect(result.events).toBe(head);
    expect(await fx.dump()).toEqual(live);
    expect(await fx.indexNames()).toEqual(indexes);
    expect(await projector.checkpoint()).toBe(head);
    expect(batches.some((batch) => batch.replay)).toBe(true);

    // Live following resumed after the rebuild.
    const after = await fx.commands.execute(ids[0], { type: 'AddIncidentNote', data: { text: 'after rebuild' } }, alice);
    expect(await projector.waitFor(after.position, 5000)).toBe(true);
  });

  it('rebuilds one projection by name: its rows equal the live ones, the other projections and the checkpoint are untouched', async () => {
    const projector = fx.projector({ batchSize: 64, rebuildBatchSize: 50 });
    await projector.start();
    const ids = await runWorkload(fx, 20, 240, 11);
    await fx.apiKeyCommands.create({ name: 'ops', role: 'lead' }, { actor: 'root' });
    const doomed = await fx.apiKeyCommands.create({ name: 'old', role: 'auditor' }, { actor: 'root' });
    await fx.apiKeyCommands.revoke(doomed.id, { actor: 'root' });
    for (const owner of ['bob', 'carol']) {
      const { actionItemId } = await fx.actionItemCommands.create(
        ids[0],
        { title: `Item for ${owner}`, owner, dueAt: '2026-12-01T17:00:00Z', priority: 'P2', kind: 'corrective' },
        alice,
      );
      await fx.actionItemCommands.execute(actionItemId, { type: 'AssignActionItem', data: { owner: 'dave', reason: 'rota' } }, alice);
      await fx.actionItemCommands.execute(actionItemId, { type: 'StartActionItem', data: {} }, alice);
    }
    const head = await fx.store.headPosition();
    expect(await projector.waitFor(head, 10_000)).toBe(true);
    const live = await fx.dump();
    const indexes = await fx.indexNames();
    const batches: AppliedBatch[] = [];
    projector.onApplied((batch) => batches.push(batch));

    const tables: Record<string, readonly string[]> = {
      'incident-summary': ['incidents'],
      timeline: ['timeline'],
      'api-keys': ['apiKeys'],
      'action-items': ['actionItems', 'actionItemVersions'],
    };
    for (const [name, own] of Object.entries(tables)) {
      // Damage every projection: the rebuilt one is repaired, the others keep their damage.
      await fx.dataSource.query('DELETE FROM incidents WHERE id = (SELECT MIN(id) FROM incidents)');
      await fx.dataSource.query('DELETE FROM timeline_entries WHERE position = (SELECT MAX(position) FROM timeline_entries)');
      await fx.dataSource.query('DELETE FROM api_keys WHERE id = (SELECT MIN(id) FROM api_keys)');
      await fx.dataSource.query('DELETE FROM action_item_versions WHERE action_item_id = (SELECT MIN(action_item_id) FROM action_item_versions)');
      await fx.dataSource.query('DELETE FROM action_items WHERE id = (SELECT MIN(id) FROM action_items)');
      const damaged = await fx.dump();
      for (const table of Object.keys(live)) expect([table, damaged[table]]).not.toEqual([table, live[table]]);

      const result = await projector.rebuild({ projection: name });
      expect(result.events).toBe(head);
      const rebuilt = await fx.dump();
      for (const table of Object.keys(live)) {
        expect([name, table, rebuilt[table]]).toEqual([name, table, own.includes(table) ? live[table] : damaged[table]]);
      }
      expect(await projector.checkpoint()).toBe(head);
      expect(await fx.indexNames()).toEqual(indexes);
    }
    // Nothing any listener saw changed, so nothing was announced.
    expect(batches).toEqual([]);

    await expect(projector.rebuild({ projection: 'nope' })).rejects.toThrow(UnknownProjectionError);
    await expect(projector.rebuildProjection('nope')).rejects.toThrow('No projection is registered as nope; registered: incident-summary, timeline, api-keys, action-items');

    // Live following resumed, and a full rebuild repairs the rest.
    const after = await fx.commands.execute(ids[1], { type: 'AddIncidentNote', data: { text: 'after rebuilding one' } }, alice);
    expect(await projector.waitFor(after.position, 5000)).toBe(true);
    expect((await projector.rebuildProjection('timeline')).events).toBe(after.position);
    expect(await projector.checkpoint()).toBe(after.position);
    await projector.rebuild();
    const timeline = await new TimelineQueries(fx.dataSource).list(ids[1], { limit: 200 });
    expect(timeline.items.map((entry) => entry.summary)).toContain('Note by alice: after rebuilding one');
    expect((await fx.dump()).apiKeys).toEqual(live.apiKeys);
  });

  it('waitFor resolves once the checkpoint reaches the position, and false on timeout', async () => {
    const projector = fx.projector();
    await projector.start();
    const heard: number[] = [];
    projector.onApplied(({ position }) => heard.push(position));

    const id = await declare();
    const noted = await fx.commands.execute(id, { type: 'AddIncidentNote', data: { text: 'x' } }, alice);
    expect(await projector.waitFor(noted.position, 5000)).toBe(true);
    expect(heard.at(-1)).toBeGreaterThanOrEqual(noted.position);
    expect((await new IncidentQueries(fx.dataSource).get(id))?.version).toBe(2);

    const started = Date.now();
    expect(await projector.waitFor(noted.position + 10, 100)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('waitFor catches up by itself when the projector is not following the log', async () => {
    const projector = fx.projector();
    const id = await declare();
    const result = await fx.commands.execute(id, { type: 'AcknowledgeIncident', data: {} }, alice);
    expect(await projector.waitFor(result.position, 5000)).toBe(true);
    expect(await projector.checkpoint()).toBe(result.position);
  });

  it('concurrent catch-up callers share one run', async () => {
    await declare();
    await declare('Second');
    const projector = fx.projector();
    const first = projector.catchUp();
    const second = projector.catchUp();
    expect(second).toBe(first);
    expect(await first).toBe(2);
  });

  it('the live projector survives a failing batch and resumes from its checkpoint', async () => {
    const projector = fx.projector();
    await projector.start();
    const id = await declare();
    expect(await projector.waitFor(1, 5000)).toBe(true);
    await fx.failTimelineInsertsContaining('boom');
    const boom = await fx.commands.execute(id, { type: 'AddIncidentNote', data: { text: 'boom' } }, alice);
    expect(await projector.waitFor(boom.position, 300)).toBe(false);
    expect(fx.logger.errors.join('\n')).toContain('simulated crash');

    await fx.stopFailingTimelineInserts();
    expect(await projector.waitFor(boom.position, 5000)).toBe(true);
    expect((await new TimelineQueries(fx.dataSource).list(id)).items).toHaveLength(2);
  });

  it('projects text holding U+0000 (which PostgreSQL cannot store) instead of stalling on it', async () => {
    const id = await declare('Null\u0000byte');
    await fx.commands.execute(id, { type: 'AddIncidentNote', data: { text: 'before\u0000after' } }, alice);
    const projector = fx.projector();
    expect(await projector.catchUp()).toBe(2);
    const stored = backend === 'postgres' ? '\uFFFD' : '\u0000';
    const [, entry] = (await new TimelineQueries(fx.dataSource).list(id)).items;
    expect(entry.summary).toBe(`Note by alice: before${stored}after`);
    expect(entry.data['text']).toBe(`before${stored}after`);
    expect((await new IncidentQueries(fx.dataSource).get(id))?.title).toBe(`Null${stored}byte`);
  });

  it('a rebuild that fails half-way restores the indexes it dropped, and so does the next start', async () => {
    const id = await declare();
    await fx.commands.execute(id, { type: 'AddIncidentNote', data: { text: 'boom' } }, alice);
    const projector = fx.projector();
    await projector.catchUp();
    const indexes = await fx.indexNames();
    await fx.failTimelineInsertsContaining('boom');
    await expect(projector.rebuild()).rejects.toThrow('simulated crash');
    expect(await fx.indexNames()).toEqual(indexes);
    await fx.stopFailingTimelineInserts();
    expect((await projector.rebuild()).events).toBe(2);

    // A process that died between the clear and the end of the replay left no indexes behind.
    for (const name of indexes.filter((index) => index.startsWith('idx_'))) await fx.dataSource.query(`DROP INDEX ${name}`);
    expect(await fx.indexNames()).toEqual(['uq_api_keys_key_hash']);
    expect(await fx.indexNames(await fx.openDataSource())).toEqual(indexes);
  });

  it('a listener that throws does not stop projection', async () => {
    const projector = fx.projector();
    projector.onApplied(() => {
      throw new Error('listener broke');
    });
    const seen: number[] = [];
    projector.onApplied(({ entries }) => seen.push(...entries.map((entry) => entry.position)));
    await projector.start();
    await declare();
    expect(await projector.waitFor(1, 5000)).toBe(true);
    expect(seen).toEqual([1]);
    expect(fx.logger.errors.join('\n')).toContain('listener broke');
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

/**
 * Many incidents driven through random commands, as the HTTP API would send them; commands the
 * domain refuses in the current state are simply skipped.
 */
async function runWorkload(fx: ReadModelFixture, incidents: number, steps: number, seed: number): Promise<string[]> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const people = ['alice', 'bob', 'carol', 'dave', 'erin'];
  const ids: string[] = [];
  for (let i = 0; i < incidents; i++) {
    fx.clock.advance(Math.floor(random() * 3) * 1000);
    const result = await fx.commands.declare(
      {
        title: `Incident ${i} ${pick(['latency', 'errors', 'outage'])}`,
        severity: pick(SEVERITIES),
        service: pick(['checkout', 'search', 'auth']),
        team: pick(['payments', 'core', undefined]),
        vendorSite: pick(['eu-west', 'us-east', undefined]),
        summary: random() < 0.5 ? 'customers see errors' : undefined,
        labels: { region: pick(['eu', 'us']) },
      },
      { actor: pick(people) },
    );
    ids.push(result.incidentId);
  }
  for (let step = 0; step < steps; step++) {
    fx.clock.advance(Math.floor(random() * 20) * 1000);
    const inputs: IncidentCommandInput[] = [
      { type: 'AcknowledgeIncident', data: random() < 0.5 ? { note: 'looking' } : {} },
      { type: 'EscalateIncident', data: { reason: 'need help', toTeam: pick(['sre', 'db']), severity: pick(SEVERITIES) } },
      { type: 'ChangeIncidentSeverity', data: { severity: pick(SEVERITIES), reason: 'reassessed' } },
      { type: 'ChangeIncidentStatus', data: { status: pick(['investigating', 'identified', 'monitoring'] as const), note: 'progress' } },
      { type: 'AddIncidentNote', data: { text: `note ${step}`, occurredAt: random() < 0.3 ? fx.clock.iso(-3_600_000) : undefined } },
      { type: 'AssignIncidentRole', data: { role: pick(INCIDENT_ROLES), assignee: pick(people) } },
      { type: 'ResolveIncident', data: { resolution: 'fixed' } },
      { type: 'ReopenIncident', data: { reason: 'came back' } },
      { type: 'CloseIncident', data: {} },
    ];
    try {
      await fx.commands.execute(pick(ids), pick(inputs), { actor: pick(people) });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return ids;
}
